package io.fedrec.simulator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedrec.simulator.report.SimulationReport;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line in-process: exit codes, messages, and the files {@code simulate} writes. */
class CliTest {
  @TempDir Path tmp;

  /** Exit code, standard output and standard error of one invocation. */
  record Run(int code, String out, String err) {}

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Run(code, out.toString(), err.toString());
  }

  private static void assertUsage(Run r, String expected) {
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains(expected), "stderr: " + r.err());
    assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
  }

  @Test
  void simulate_zeroRounds_exit2NamingFlagRuleAndValue() {
    assertUsage(run("simulate", "--rounds", "0"),
        "--rounds must be in [1, 1000000]. Provided value: 0");
  }

  @Test
  void simulate_nonNumericRounds_exit2NamingFlagAndValue() {
    assertUsage(run("simulate", "--rounds", "many"),
        "Invalid value for option '--rounds': 'many' is not a long");
  }

  @Test
  void simulate_zeroClientsPerRound_exit2() {
    assertUsage(run("simulate", "--clients-per-round", "0"),
        "--clients-per-round must be in [1, 524288]. Provided value: 0");
  }

  @Test
  void simulate_negativeLocalLearningRate_exit2() {
    assertUsage(run("simulate", "--local-lr", "-1"),
        "--local-lr must be > 0 and finite. Provided value: -1.0");
  }

  @Test
  void simulate_zeroRank_exit2() {
    assertUsage(run("simulate", "--rank", "0"), "--rank must be in [1, 512]. Provided value: 0");
  }

  @Test
  void simulate_privacyDp_exit2WithMessage() {
    assertUsage(run("simulate", "--privacy", "dp"),
        "--privacy must be one of none, central, distributed, local. Provided value: dp");
  }

  @Test
  void simulate_looMetrics_writesRankingKeysAndColumns() throws Exception {
    Path out = tmp.resolve("loo");
    Run r = run("simulate", "--rounds", "2", "--clients-per-round", "20", "--protocol", "loo",
        "--users", "3000", "--metrics", "hr@10,ndcg@10,coverage@5", "--out", out.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("(loo protocol)"), r.out());
    @SuppressWarnings("unchecked")
    Map<String, Object> summary = (Map<String, Object>) MiniJson.parse(
        Files.readString(out.resolve(SimulationReport.SUMMARY), StandardCharsets.UTF_8));
    assertEquals("loo", summary.get("ranking_protocol"));
    assertEquals("loo", summary.get("split"));
    double hr = (Double) summary.get("hr@10");
    double ndcg = (Double) summary.get("ndcg@10");
    assertTrue(hr > 0 && hr <= 1, "hr " + hr);
    assertTrue(ndcg > 0 && ndcg <= hr, "ndcg " + ndcg + " hr " + hr);
    assertTrue((Double) summary.get("coverage@5") > 0);
    List<String> lines = Files.readAllLines(out.resolve(SimulationReport.ROUNDS));
    assertTrue(lines.get(0).endsWith(",seconds,hr@10,ndcg@10,coverage@5"), lines.get(0));
    String[] last = lines.get(2).split(",", -1);
    assertEquals(hr, Double.parseDouble(last[10]), 1e-6);
  }

  @Test
  void simulate_badMetric_exit2NamingTokenAndValidForms() {
    Run r = run("simulate", "--metrics", "hr@0");
    assertEquals(2, r.code());
    assertTrue(r.err().startsWith("fedrec simulate: --metrics: metric 'hr@0': K must be"),
        r.err());
  }

  @Test
  void simulate_privacyLocal_runsAndAccountsWithoutSamplingAmplification() throws Exception {
    Path out = tmp.resolve("local");
    Run r = run("simulate", "--privacy", "local", "--epsilon", "8", "--secagg", "off",
        "--users", "3000", "--users-per-client", "1", "--rounds", "3", "--clients-per-round",
        "20", "--eval-every", "3", "--out", out.toString());
    assertEquals(0, r.code(), r.err());
    @SuppressWarnings("unchecked")
    Map<String, Object> summary = (Map<String, Object>) MiniJson.parse(
        Files.readString(out.resolve(SimulationReport.SUMMARY), StandardCharsets.UTF_8));
    @SuppressWarnings("unchecked")
    Map<String, Object> privacy = (Map<String, Object>) summary.get("privacy");
    assertEquals("local", privacy.get("mode"));
    assertEquals(1.0, privacy.get("sampling_rate"));
    assertTrue((Double) privacy.get("epsilon") <= 8, privacy.toString());
  }

  @Test
  void simulate_centralNegativeEpsilon_exit2NamingFlag() {
    assertUsage(run("simulate", "--privacy", "central", "--epsilon", "-1"),
        "--epsilon must be > 0 and finite. Provided value: -1.0");
  }

  @Test
  void simulate_centralBadDelta_exit2NamingFlag() {
    assertUsage(run("simulate", "--privacy", "central", "--epsilon", "8", "--delta", "2"),
        "--delta must be in (0, 1). Provided value: 2.0");
  }

  @Test
  void simulate_epsilonWithoutPrivacy_exit2() {
    assertUsage(run("simulate", "--privacy", "none", "--epsilon", "8"),
        "--epsilon and --noise-multiplier need --privacy central, distributed or local");
  }

  @Test
  void simulate_centralSmallBudget_stopsByBudgetAndReportsEpsilon() throws Exception {
    Path out = tmp.resolve("dp");
    Run r = run("simulate", "--privacy", "central", "--epsilon", "0.2", "--noise-multiplier", "1",
        "--secagg", "off", "--users", "3000", "--users-per-client", "1", "--delta", "1e-5",
        "--rounds", "50", "--clients-per-round", "20", "--eval-every", "50", "--out",
        out.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("; stopped by the budget"), r.out());
    @SuppressWarnings("unchecked")
    Map<String, Object> summary = (Map<String, Object>) MiniJson.parse(
        Files.readString(out.resolve(SimulationReport.SUMMARY), StandardCharsets.UTF_8));
    @SuppressWarnings("unchecked")
    Map<String, Object> privacy = (Map<String, Object>) summary.get("privacy");
    assertEquals("central", privacy.get("mode"));
    double spent = (Double) privacy.get("epsilon");
    assertTrue(spent > 0 && spent <= 0.2, "spent " + spent);
    assertTrue((Double) privacy.get("epsilon_rdp") >= spent);
    assertEquals(Boolean.TRUE, privacy.get("stopped_by_budget"));
    assertEquals(1.0, privacy.get("noise_multiplier"));
    assertEquals(1.0, privacy.get("clip"));
    double rounds = (Double) summary.get("rounds_completed");
    assertTrue(rounds >= 1 && rounds < 50, "rounds " + rounds);
  }

  @Test
  void simulate_secaggMaybe_exit2WithMessage() {
    assertUsage(run("simulate", "--secagg", "maybe"),
        "--secagg must be on or off. Provided value: maybe");
  }

  @Test
  void simulate_secaggOptionsWithoutSecagg_exit2() {
    assertUsage(run("simulate", "--privacy", "none", "--secagg", "off",
            "--secagg-threshold", "0.7"),
        "--secagg-threshold and --secagg-neighbours need --secagg on");
  }

  @Test
  void simulate_secaggThresholdOutOfRange_exit2() {
    assertUsage(run("simulate", "--secagg", "on", "--secagg-threshold", "0.4"),
        "--secagg-threshold must be 0 (default) or in (0.5, 1] (a fraction of the k + 1 holders"
            + " of each secret). Provided value: 0.4");
  }

  @Test
  void simulate_distributedWithoutSecagg_exit2() {
    assertUsage(run("simulate", "--privacy", "distributed", "--secagg", "off"),
        "--privacy distributed needs --secagg on: each client adds only a share of the noise,"
            + " which protects nobody unless the coordinator sees nothing but the sum; with"
            + " --secagg off choose --privacy central or none");
  }

  @Test
  void simulate_unknownNoiseDistribution_exit2() {
    assertUsage(run("simulate", "--noise-distribution", "laplace"),
        "--noise-distribution must be discrete_gaussian or skellam. Provided value: laplace");
  }

  @Test
  void simulate_skellamWithCentralPrivacy_exit2() {
    assertUsage(run("simulate", "--privacy", "central", "--secagg", "off",
        "--noise-distribution", "skellam"),
        "--noise-distribution skellam needs --privacy distributed or local: with central the"
            + " coordinator adds Gaussian noise itself");
  }

  @Test
  void simulate_skellamWithoutPrivacy_exit2() {
    assertUsage(run("simulate", "--privacy", "none", "--noise-distribution", "skellam"),
        "--noise-distribution skellam needs --privacy distributed or local");
  }

  @Test
  void simulate_dropoutOutOfRange_exit2() {
    assertUsage(run("simulate", "--dropout", "1"),
        "--dropout must be in [0, 1). Provided value: 1.0");
  }

  @Test
  void simulate_secaggOnWithDropout_writesTheSecaggObject() throws Exception {
    Path dir = tmp.resolve("secagg");
    Run r = run("simulate", "--rounds", "2", "--clients-per-round", "20", "--eval-every", "2",
        "--threads", "2", "--secagg", "on", "--privacy", "none", "--users", "3000",
        "--users-per-client", "1", "--dropout", "0.25", "--out", dir.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("secure aggregation: "), r.out());
    @SuppressWarnings("unchecked")
    Map<String, Object> summary = (Map<String, Object>) MiniJson.parse(
        Files.readString(dir.resolve(SimulationReport.SUMMARY), StandardCharsets.UTF_8));
    @SuppressWarnings("unchecked")
    Map<String, Object> secagg = (Map<String, Object>) summary.get("secagg");
    assertEquals(Boolean.TRUE, secagg.get("enabled"));
    // n = 20: 20 * 65536 < 2^21, so 22 bits; k = 2 * ceil(4 * log2(20) / 2) = 18; t = 10
    assertEquals(22.0, secagg.get("bits_per_coordinate"));
    assertEquals(18.0, secagg.get("neighbours"));
    assertEquals(10.0, secagg.get("threshold"));
    assertTrue((Double) secagg.get("dropped_clients") > 0, secagg.toString());
    assertTrue((Double) secagg.get("bytes_up_per_client") > 0, secagg.toString());
    assertEquals(0.0, secagg.get("rounds_abandoned"));
    assertEquals(0.25, summary.get("dropout"));
  }

  @Test
  void simulate_unknownTransport_exit2() {
    assertUsage(run("simulate", "--transport", "udp"),
        "--transport must be one of direct, sparse, inprocess, tcp. Provided value: udp");
  }

  @Test
  void simulate_unknownDataset_exit2() {
    assertUsage(run("simulate", "--dataset", "netflix"),
        "--dataset must be one of [synthetic, movielens-100k, movielens-1m, movielens-10m,"
            + " movielens-20m, movielens-25m, csv]. Provided value: netflix");
  }

  @Test
  void simulate_csvWithoutDataFile_exit2() {
    assertUsage(run("simulate", "--dataset", "csv"), "--data-file is required for dataset csv");
  }

  @Test
  void simulate_movielensWithoutDataDir_exit2() {
    assertUsage(run("simulate", "--dataset", "movielens-100k"),
        "--data-dir is required for dataset movielens-100k");
  }

  @Test
  void simulate_unknownOption_exit2() {
    assertUsage(run("simulate", "--frobnicate"), "Unknown option: '--frobnicate'");
  }

  @Test
  void main_noSubcommand_exit2() {
    assertUsage(run(), "Missing subcommand");
  }

  @Test
  void main_version_printsProjectVersion() {
    Run r = run("--version");
    assertEquals(0, r.code());
    assertTrue(r.out().startsWith("fedrec 0."), r.out());
  }

  @Test
  void simulate_help_exit0() {
    Run r = run("simulate", "--help");
    assertEquals(0, r.code());
    assertTrue(r.out().contains("--clients-per-round"), r.out());
  }

  @Test
  void simulate_smallRun_writesParsableSummaryAndCsv() throws Exception {
    Path out = tmp.resolve("sim");
    // the private default (distributed DP under SecAgg+), on a smaller synthetic set
    Run r = run("simulate", "--rounds", "3", "--clients-per-round", "20", "--eval-every", "2",
        "--threads", "2", "--users", "3000", "--out", out.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("round 2/3  test RMSE "), r.out());
    assertTrue(r.out().contains("round 3/3  test RMSE "), r.out());
    assertFalse(r.out().contains("round 1/3"), r.out());
    assertTrue(r.out().contains("bias baseline test RMSE"), r.out());

    @SuppressWarnings("unchecked")
    Map<String, Object> summary = (Map<String, Object>) MiniJson.parse(
        Files.readString(out.resolve(SimulationReport.SUMMARY), StandardCharsets.UTF_8));
    assertEquals("synthetic", summary.get("dataset"));
    assertEquals(3000.0, summary.get("users"));
    assertEquals(1000.0, summary.get("items"));
    assertTrue((Double) summary.get("train_ratings") > 100_000);
    assertTrue((Double) summary.get("test_ratings") > 10_000);
    assertEquals(3.0, summary.get("rounds_completed"));
    double rmse = (Double) summary.get("rmse");
    assertTrue(rmse > 0.5 && rmse < 1.5, "rmse " + rmse);
    assertTrue((Double) summary.get("mae") < rmse);
    assertTrue((Double) summary.get("baseline_rmse") > 0.5);
    @SuppressWarnings("unchecked")
    Map<String, Object> privacy = (Map<String, Object>) summary.get("privacy");
    assertEquals("distributed", privacy.get("mode"));
    double spent = (Double) privacy.get("epsilon");
    assertTrue(spent > 0 && spent <= 4, "epsilon " + spent);
    assertEquals(1e-6, privacy.get("delta"));
    assertEquals(1.0, privacy.get("clip"));
    @SuppressWarnings("unchecked")
    Map<String, Object> secagg = (Map<String, Object>) summary.get("secagg");
    assertEquals(Boolean.TRUE, secagg.get("enabled"));
    assertTrue((Double) summary.get("wall_seconds") > 0);
    @SuppressWarnings("unchecked")
    Map<String, Object> config = (Map<String, Object>) summary.get("config");
    assertEquals(20.0, config.get("clients_per_round"));
    assertTrue((Double) summary.get("bytes_up") > 0);

    List<String> lines = Files.readAllLines(out.resolve(SimulationReport.ROUNDS));
    assertEquals("round,participants,dropouts,users,train_loss,test_rmse,test_mae,bytes_up,"
        + "bytes_down,seconds", lines.get(0));
    assertEquals(4, lines.size());
    String[] second = lines.get(2).split(",", -1);
    assertEquals(10, second.length);
    assertEquals("2", second[0]);
    assertEquals("20", second[1]);
    assertEquals("0", second[2]);
    assertTrue(Double.parseDouble(second[4]) > 0);
    assertTrue(Double.parseDouble(second[5]) > 0);
    String[] first = lines.get(1).split(",", -1);
    assertEquals("", first[5], "round 1 was not evaluated");
  }

  @Test
  void simulate_unwritableOut_exit1MessageOnly() throws Exception {
    Path file = Files.writeString(tmp.resolve("file"), "x");
    Run r = run("simulate", "--rounds", "1", "--clients-per-round", "5", "--users", "3000",
        "--out", file.resolve("sub").toString());
    assertEquals(1, r.code(), r.err());
    assertTrue(r.err().startsWith("fedrec simulate: "), r.err());
    assertFalse(r.err().contains("\tat "), r.err());
  }

  @Test
  void baseline_synthetic_printsBothModelsAndWritesSummary() throws Exception {
    Path out = tmp.resolve("baseline");
    Run r = run("baseline", "--iterations", "2", "--rank", "4", "--users", "3000",
        "--out", out.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("bias baseline (mean + user and item biases):"), r.out());
    assertTrue(r.out().contains("centralized MF (ALS, rank 4, 2 iterations):"), r.out());
    assertTrue(r.out().contains("test RMSE 0."), r.out());
    @SuppressWarnings("unchecked")
    Map<String, Object> summary = (Map<String, Object>) MiniJson.parse(
        Files.readString(out.resolve("summary.json"), StandardCharsets.UTF_8));
    double rmse = (Double) summary.get("rmse");
    assertTrue(r.out().contains(String.format(java.util.Locale.ROOT, "test RMSE %.4f", rmse)),
        r.out());
    assertTrue((Double) summary.get("mae") < rmse);
    assertEquals("synthetic", summary.get("dataset"));
    assertEquals(4.0, summary.get("rank"));
  }

  @Test
  void baseline_zeroIterations_exit2() {
    assertUsage(run("baseline", "--iterations", "0"),
        "--iterations must be in [1, 1000]. Provided value: 0");
  }

  @Test
  void coordinator_portOutOfRange_exit2() {
    assertUsage(run("coordinator", "--port", "70000", "--num-items", "10", "--insecure"),
        "--port must be in [0, 65535]. Provided value: 70000");
  }

  @Test
  void coordinator_neitherTlsNorInsecure_exit2ExplainingBoth() {
    assertUsage(run("coordinator", "--num-items", "10"),
        "--tls-cert and --tls-key are required (TLS is the default); pass --insecure to serve"
            + " plaintext on a trusted network, or create development certificates with:"
            + " fedrec certs");
  }

  @Test
  void coordinator_insecureWithTlsFlags_exit2() {
    assertUsage(run("coordinator", "--num-items", "10", "--insecure", "--tls-cert", "x.pem"),
        "--insecure cannot be combined with --tls-cert, --tls-key or --client-ca");
  }

  @Test
  void certs_twoClients_writesCaServerAndClientFiles() throws Exception {
    Path out = tmp.resolve("certs");
    Run r = run("certs", "--out", out.toString(), "--clients", "alpha,beta");
    assertEquals(0, r.code(), r.err());
    for (String f : List.of("ca.pem", "ca.key", "server.pem", "server.key", "alpha.pem",
        "alpha.key", "beta.pem", "beta.key")) {
      assertTrue(Files.size(out.resolve(f)) > 100, f);
    }
    java.security.cert.X509Certificate alpha = (java.security.cert.X509Certificate)
        java.security.cert.CertificateFactory.getInstance("X.509")
            .generateCertificate(Files.newInputStream(out.resolve("alpha.pem")));
    assertEquals("CN=alpha", alpha.getSubjectX500Principal().getName());
    java.security.cert.X509Certificate ca = (java.security.cert.X509Certificate)
        java.security.cert.CertificateFactory.getInstance("X.509")
            .generateCertificate(Files.newInputStream(out.resolve("ca.pem")));
    alpha.verify(ca.getPublicKey());
    assertTrue(Files.readString(out.resolve("alpha.key")).startsWith("-----BEGIN PRIVATE KEY-----"));
  }

  @Test
  void audit_ledgerFromCoordinatorStore_okThenTamperedExit1() throws Exception {
    Path state = tmp.resolve("state");
    io.fedrec.core.model.ModelShape shape = new io.fedrec.core.model.ModelShape(3, 2);
    try (io.fedrec.coordinator.store.StateStore s =
        io.fedrec.coordinator.store.StateStore.directory(state)) {
      for (int r = 1; r <= 2; r++) {
        io.fedrec.core.model.GlobalModel m = io.fedrec.core.model.GlobalModel.of(r, shape,
            new float[shape.numParameters()]);
        s.publish(m, new io.fedrec.coordinator.round.RoundRecord(r, 2, 2, 0, 2, 8, 8,
            java.time.Instant.EPOCH, java.time.Instant.EPOCH, "weighted_mean", "fedavg",
            r == 1 ? "00".repeat(32) : java.util.HexFormat.of().formatHex(m.sha256()),
            java.util.HexFormat.of().formatHex(m.sha256()), "none", "fedrec-accountant/1",
            Map.of()));
      }
    }
    Path ledger = state.resolve("ledger.jsonl");
    Run ok = run("audit", "--ledger", ledger.toString());
    assertEquals(0, ok.code(), ok.err());
    assertTrue(ok.out().contains("2 rounds verified") && ok.out().contains("OK: the ledger is"
        + " intact"), ok.out());
    Files.writeString(ledger, Files.readString(ledger).replace("\"submitted\":2", "\"submitted\":1"));
    Run bad = run("audit", "--ledger", ledger.toString(), "--json");
    assertEquals(1, bad.code(), bad.out());
    @SuppressWarnings("unchecked")
    Map<String, Object> result = (Map<String, Object>) MiniJson.parse(bad.out().trim());
    assertEquals(Boolean.FALSE, result.get("ok"));
    assertEquals(0.0, result.get("rounds_verified"));
  }

  @Test
  void audit_missingLedger_exit2() {
    assertUsage(run("audit", "--ledger", tmp.resolve("none.jsonl").toString()),
        "--ledger " + tmp.resolve("none.jsonl") + " does not exist or is not a file");
  }

  @Test
  void certs_badClientId_exit2() {
    assertUsage(run("certs", "--out", tmp.resolve("c").toString(), "--clients", "a b"),
        "--clients may only contain [A-Za-z0-9._:-]. Provided value: \"a b\"");
  }

  @Test
  void coordinator_withoutPrivacy_refusedUnlessAllowed() {
    assertUsage(run("coordinator", "--num-items", "10", "--insecure"),
        "the federation has no differential privacy (privacy_mode none): set privacy_mode"
            + " (central, distributed or local) and its keys in --config, or pass"
            + " --allow-no-privacy to run without it");
  }

  @Test
  void coordinator_withoutNumItems_exit2() {
    assertUsage(run("coordinator", "--port", "0", "--insecure"), "--num-items is required");
  }

  @Test
  void coordinator_minClientsAboveCohort_exit2() {
    assertUsage(run("coordinator", "--num-items", "10", "--clients-per-round", "2",
        "--min-clients", "3", "--insecure"), "--min-clients must be in [1, 2]. Provided value: 3");
  }

  @Test
  void coordinator_unknownConfigKey_exit2NamingFile() throws Exception {
    Path config = Files.writeString(tmp.resolve("fed.properties"), "num_items=10\ncolour=red\n");
    Run r = run("coordinator", "--config", config.toString(), "--insecure");
    assertUsage(r, "--config " + config + ": unknown configuration key 'colour'");
  }

  @Test
  void client_badTarget_exit2() {
    assertUsage(run("client", "--target", "localhost", "--data", "x.csv"),
        "--target must be HOST:PORT with a port in [1, 65535]. Provided value: localhost");
  }

  @Test
  void client_missingData_exit2() {
    assertUsage(run("client", "--target", "localhost:1"), "Missing required option: '--data");
  }

  @Test
  void client_badClientId_exit2() throws Exception {
    Path data = Files.writeString(tmp.resolve("a.csv"), "u,1,5\n");
    assertUsage(run("client", "--target", "localhost:1", "--data", data.toString(),
        "--client-id", "a b"), "--client-id may only contain [A-Za-z0-9._:-]");
  }

  @Test
  void client_missingDataFile_exit2() {
    assertUsage(run("client", "--target", "localhost:1", "--data",
        tmp.resolve("absent.csv").toString()), "does not exist");
  }

  @Test
  void audit_needsALedgerOrEmpirical_andValidatesTheEmpiricalFlags() {
    assertUsage(run("audit"), "--ledger is required (or --empirical)");
    assertUsage(run("audit", "--empirical", "--ledger", "x.jsonl"),
        "--empirical cannot be combined with --ledger or --public-key");
    assertUsage(run("audit", "--empirical", "--canaries", "10"),
        "--canaries must be a multiple of 4. Provided value: 10");
    assertUsage(run("audit", "--empirical", "--privacy", "local"),
        "--privacy must be one of none, central, distributed. Provided value: local");
  }

  @Test
  void audit_empiricalWithoutNoise_findsTheCanariesAndPrintsJson() throws Exception {
    Run r = run("audit", "--empirical", "--privacy", "none", "--users", "300", "--canaries",
        "40", "--rounds", "40", "--json");
    assertEquals(0, r.code(), r.err());
    @SuppressWarnings("unchecked")
    Map<String, Object> result = (Map<String, Object>) MiniJson.parse(r.out().trim());
    assertEquals("none", result.get("privacy_mode"));
    assertEquals(20.0, result.get("guesses"));
    assertTrue((Double) result.get("correct") >= 18, result.toString());
    assertTrue((Double) result.get("epsilon_lower_bound") > 0.5, result.toString());
  }

  @Test
  void simulate_configFile_flagsOverrideIt_resolvedConfigRepeatsTheRunBitForBit()
      throws Exception {
    Path config = Files.writeString(tmp.resolve("sim.properties"),
        "# a small private run\nrounds=3\nclients-per-round=20\nusers=3000\neval-every=3\n"
            + "privacy=central\nsecagg=off\nepsilon=6\n");
    Path first = tmp.resolve("first");
    Run a = run("simulate", "--config", config.toString(), "--rounds", "2", "--out",
        first.toString());
    assertEquals(0, a.code(), a.err());
    assertTrue(a.out().contains("2 rounds"), a.out());
    String resolved = Files.readString(first.resolve(SimulateCommand.RESOLVED_CONFIG));
    assertTrue(resolved.contains("# command line\nrounds=2\n"), resolved);
    assertTrue(resolved.contains("# config\nepsilon=6.0\n"), resolved);
    assertTrue(resolved.contains("# default\nrank=16\n"), resolved);
    // the resolved file alone repeats the run: identical metrics and model
    Path second = tmp.resolve("second");
    Run b = run("simulate", "--config", first.resolve(SimulateCommand.RESOLVED_CONFIG).toString(),
        "--out", second.toString());
    assertEquals(0, b.code(), b.err());
    @SuppressWarnings("unchecked")
    Map<String, Object> s1 = (Map<String, Object>) MiniJson.parse(
        Files.readString(first.resolve(SimulationReport.SUMMARY), StandardCharsets.UTF_8));
    @SuppressWarnings("unchecked")
    Map<String, Object> s2 = (Map<String, Object>) MiniJson.parse(
        Files.readString(second.resolve(SimulationReport.SUMMARY), StandardCharsets.UTF_8));
    for (String key : List.of("rmse", "mae", "rounds_completed", "final_model_sha256")) {
      assertEquals(s1.get(key), s2.get(key), key);
    }
    // the seed, versions and the build's git revision are recorded
    for (String key : List.of("seed", "fedrec_version", "git_revision", "java_version")) {
      assertEquals(s1.get(key), s2.get(key), key);
    }
    assertEquals(System.getProperty("java.version"), s1.get("java_version"));
    assertTrue(((String) s1.get("git_revision")).matches("[0-9a-f]{40}|unknown"),
        String.valueOf(s1.get("git_revision")));
    assertTrue(s1.get("seed") instanceof Double, String.valueOf(s1.get("seed")));
    assertEquals(((Map<?, ?>) s1.get("privacy")).get("epsilon"),
        ((Map<?, ?>) s2.get("privacy")).get("epsilon"));
  }

  @Test
  void simulate_configFile_unknownKeyOrMissingFile_exit2() throws Exception {
    Path config = Files.writeString(tmp.resolve("bad.properties"), "rounds=3\ncolour=red\n");
    assertUsage(run("simulate", "--config", config.toString()),
        "--config " + config + ": line 2: unknown key 'colour'");
    assertUsage(run("simulate", "--config", tmp.resolve("none.properties").toString()),
        "does not exist or is not a file");
  }

  @Test
  void sweep_runsEveryCell_writesResults_andResumes() throws Exception {
    Path config = Files.writeString(tmp.resolve("sweep.properties"),
        "users=300\nrounds=2\nclients-per-round=20\neval-every=2\nprivacy=central\n"
            + "secagg=off\ngrid.epsilon=2,8\n");
    Path out = tmp.resolve("sweep");
    Run first = run("sweep", "--config", config.toString(), "--out", out.toString());
    assertEquals(0, first.code(), first.err());
    List<String> rows = Files.readAllLines(out.resolve("results.csv"));
    assertEquals("cell,epsilon,rounds_completed,rmse,mae,baseline_rmse,epsilon_spent,epsilon_rdp,"
        + "wall_seconds,final_model_sha256", rows.get(0));
    assertEquals(3, rows.size());
    assertTrue(rows.get(1).startsWith("epsilon=2,2,2,"), rows.get(1));
    double spent2 = Double.parseDouble(rows.get(1).split(",")[6]);
    double spent8 = Double.parseDouble(rows.get(2).split(",")[6]);
    assertTrue(spent2 <= 2 && spent8 > 2 && spent8 <= 8, rows.toString());
    String report = Files.readString(out.resolve("report.html"));
    assertTrue(report.contains("test RMSE vs epsilon"), report);
    assertTrue(report.contains("data-points=\"2\""), report);
    assertTrue(Files.isRegularFile(out.resolve("plot-rmse-vs-epsilon.svg")));

    Run again = run("sweep", "--config", config.toString(), "--out", out.toString());
    assertEquals(0, again.code(), again.err());
    assertTrue(again.out().contains("cell epsilon=2: done already, skipped"), again.out());
    assertTrue(again.out().contains("cell epsilon=8: done already, skipped"), again.out());
    assertEquals(rows, Files.readAllLines(out.resolve("results.csv")));

    Files.delete(out.resolve("epsilon=8").resolve("summary.json"));
    Run resumed = run("sweep", "--config", config.toString(), "--out", out.toString());
    assertTrue(resumed.out().contains("cell epsilon=2: done already, skipped"), resumed.out());
    assertTrue(resumed.out().contains("cell epsilon=8: done\n"), resumed.out());
    assertEquals(rows.get(2).split(",")[9], Files.readAllLines(out.resolve("results.csv"))
        .get(2).split(",")[9], "the re-run cell is bit-identical");
  }

  @Test
  void sweep_withoutGridOrWithBadCell_reportsClearly() throws Exception {
    Path noGrid = Files.writeString(tmp.resolve("nogrid.properties"), "rounds=2\n");
    assertUsage(run("sweep", "--config", noGrid.toString()),
        "no grid.KEY=v1,v2 line: nothing to sweep");
    Path bad = Files.writeString(tmp.resolve("bad.properties"),
        "users=300\nrounds=2\nprivacy=none\nsecagg=off\ngrid.rank=0,4\n");
    Run r = run("sweep", "--config", bad.toString(), "--out", tmp.resolve("bad").toString());
    assertEquals(1, r.code(), r.err());
    assertTrue(r.out().contains("cell rank=0: FAILED (exit 2): fedrec simulate: --rank must be"
        + " in [1, 512]. Provided value: 0"), r.out());
  }

  @Test
  void simulate_progressLog_printsALineEveryTenthAndBadModeIsRefused() {
    Run r = run("simulate", "--users", "300", "--rounds", "4", "--clients-per-round", "10",
        "--eval-every", "4", "--privacy", "none", "--secagg", "off", "--progress", "log",
        "--out", tmp.resolve("progress").toString());
    assertEquals(0, r.code(), r.err());
    for (int round = 1; round <= 4; round++) {
      assertTrue(r.out().contains("progress: " + round + "/4 rounds (" + (25 * round) + "%), "),
          r.out());
    }
    Run off = run("simulate", "--users", "300", "--rounds", "2", "--clients-per-round", "10",
        "--privacy", "none", "--secagg", "off", "--progress", "off",
        "--out", tmp.resolve("quiet").toString());
    assertFalse(off.out().contains("progress:"), off.out());
    assertUsage(run("simulate", "--progress", "sometimes"),
        "--progress must be one of auto, bar, log, off. Provided value: sometimes");
  }

  @Test
  void simulate_adaptiveClipOutsideCentral_exit2() {
    assertUsage(run("simulate", "--adaptive-clip"),
        "--adaptive-clip needs --privacy central and --secagg off (the unclipped count travels"
            + " in the clear, to be noised by the coordinator)");
  }
}
