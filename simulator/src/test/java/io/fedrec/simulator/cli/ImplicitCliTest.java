package io.fedrec.simulator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedrec.simulator.cli.CliTest.Run;
import io.fedrec.simulator.report.SimulationReport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code simulate --feedback implicit} and {@code baseline --algo wmf|popularity}. */
class ImplicitCliTest {
  @TempDir Path tmp;

  static void assertUsage(Run r, String expected) {
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains(expected), "stderr: " + r.err());
    assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
  }

  /**
   * A small CSV of 200 users x 100 items, 15 interactions each with ratings 1..5 and timestamps,
   * so that a run takes well under a second.
   */
  private Path smallCsv() throws Exception {
    return smallCsv(tmp);
  }

  /** Writes the CSV of {@link #smallCsv()} to {@code dir}. */
  static Path smallCsv(Path dir) throws Exception {
    java.util.SplittableRandom r = new java.util.SplittableRandom(5);
    StringBuilder b = new StringBuilder("user,item,rating,timestamp\n");
    for (int u = 0; u < 200; u++) {
      boolean[] taken = new boolean[100];
      for (int n = 0; n < 15; ) {
        int i = r.nextInt(100);
        if (!taken[i]) {
          taken[i] = true;
          b.append("u").append(u).append(',').append(i).append(',').append(1 + r.nextInt(5))
              .append(',').append(1 + r.nextInt(1_000_000)).append('\n');
          n++;
        }
      }
    }
    return Files.writeString(dir.resolve("small.csv"), b.toString());
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> summary(Path dir) throws Exception {
    return (Map<String, Object>) MiniJson.parse(
        Files.readString(dir.resolve(SimulationReport.SUMMARY), StandardCharsets.UTF_8));
  }

  @Test
  void simulate_implicit_defaultsToLooRankingAndWritesNullRmse() throws Exception {
    Path out = tmp.resolve("implicit");
    Run r = CliTest.run("simulate", "--feedback", "implicit", "--rounds", "2",
        "--dataset", "csv", "--data", smallCsv().toString(),
        "--clients-per-round", "20", "--threads", "2", "--out", out.toString());

    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("implicit feedback"), r.out());
    assertTrue(r.out().contains("round 2/2  hr@10 "), r.out());
    assertTrue(r.out().contains("(loo protocol)"), r.out());
    assertFalse(r.out().contains("test RMSE"), r.out());
    Map<String, Object> s = summary(out);
    assertEquals("loo", s.get("split"));
    assertEquals("loo", s.get("ranking_protocol"));
    assertTrue(s.containsKey("rmse"));
    assertEquals(null, s.get("rmse"));
    assertEquals(null, s.get("baseline_rmse"));
    double hr = (Double) s.get("hr@10");
    assertTrue(hr > 0 && hr <= 1, "hr@10 " + hr);
    assertTrue((Double) s.get("ndcg@10") <= hr);
    List<String> lines = Files.readAllLines(out.resolve(SimulationReport.ROUNDS));
    assertTrue(lines.get(0).endsWith(",hr@10,ndcg@10"), lines.get(0));
  }

  @Test
  void simulate_bpr_trainsAndRanksUnderLoo() throws Exception {
    Path out = tmp.resolve("bpr");
    Run r = CliTest.run("simulate", "--feedback", "implicit", "--implicit-model", "bpr",
        "--rounds", "2", "--dataset", "csv", "--data", smallCsv().toString(),
        "--clients-per-round", "20", "--threads", "2", "--out", out.toString());

    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("bpr feedback"), r.out());
    assertTrue(r.out().contains("round 2/2  hr@10 "), r.out());
    Map<String, Object> s = summary(out);
    assertEquals("loo", s.get("ranking_protocol"));
    double hr = (Double) s.get("hr@10");
    assertTrue(hr > 0 && hr <= 1, "hr@10 " + hr);
    assertTrue(Files.readString(out.resolve("config.properties")).contains("implicit-model=bpr"));
  }

  @Test
  void simulate_implicitModel_validated() {
    assertUsage(CliTest.run("simulate", "--feedback", "implicit", "--implicit-model", "als"),
        "--implicit-model must be one of wmf, bpr. Provided value: als");
    assertUsage(CliTest.run("simulate", "--implicit-model", "bpr"),
        "--implicit-model needs --feedback implicit");
    assertUsage(CliTest.run("simulate", "--feedback", "implicit", "--implicit-model", "bpr",
        "--alpha", "5"), "--alpha is weighted MF's confidence slope; BPR has none");
    assertUsage(CliTest.run("simulate", "--feedback", "bpr"),
        "--feedback must be one of explicit, implicit (for BPR: --feedback implicit"
            + " --implicit-model bpr). Provided value: bpr");
  }

  @Test
  void simulate_unknownFeedback_exit2NamingFlagAndValue() {
    assertUsage(CliTest.run("simulate", "--feedback", "clicks"),
        "--feedback must be one of explicit, implicit. Provided value: clicks");
  }

  @Test
  void simulate_alphaWithExplicit_exit2() {
    assertUsage(CliTest.run("simulate", "--alpha", "5"), "--alpha needs --feedback implicit");
  }

  @Test
  void simulate_zeroAlpha_exit2NamingFlag() {
    assertUsage(CliTest.run("simulate", "--feedback", "implicit", "--alpha", "0"),
        "--alpha must be > 0 and <= 10000.0 with feedback implicit. Provided value: 0.0");
  }

  @Test
  void baseline_wmf_writesRankingMetricsAndNullRmse() throws Exception {
    Path out = tmp.resolve("wmf");
    Run r = CliTest.run("baseline", "--algo", "wmf", "--rank", "4", "--iterations", "2",
        "--dataset", "csv", "--data", smallCsv().toString(), "--out", out.toString());

    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("centralized WMF (ALS, rank 4, 2 iterations, alpha 10, reg 30):"
        + " hr@10 "), r.out());
    Map<String, Object> s = summary(out);
    assertEquals("wmf", s.get("algorithm"));
    assertEquals("implicit", s.get("feedback"));
    assertEquals("loo", s.get("ranking_protocol"));
    assertEquals(null, s.get("rmse"));
    assertTrue((Double) s.get("hr@10") > 0);
  }

  @Test
  void baseline_popularity_writesRankingMetrics() throws Exception {
    Path out = tmp.resolve("pop");
    Run r = CliTest.run("baseline", "--algo", "popularity", "--metrics", "hr@10,mrr",
        "--dataset", "csv", "--data", smallCsv().toString(), "--out", out.toString());

    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("popularity (items by training interactions): hr@10 "), r.out());
    Map<String, Object> s = summary(out);
    assertTrue((Double) s.get("mrr") > 0);
  }

  @Test
  void baseline_unknownAlgo_exit2ListingChoices() {
    assertUsage(CliTest.run("baseline", "--algo", "svd"),
        "--algo must be one of mean-bias, sgd-mf, als, wmf, bpr, popularity. Provided value: svd");
  }

  @Test
  void baseline_alphaWithAls_exit2() {
    assertUsage(CliTest.run("baseline", "--alpha", "3"),
        "--alpha applies to --algo wmf only. Provided --algo: als");
  }
}
