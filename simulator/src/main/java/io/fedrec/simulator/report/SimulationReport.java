package io.fedrec.simulator.report;

import io.fedrec.core.model.TrainingConfig;
import io.fedrec.simulator.sim.DataStats;
import io.fedrec.simulator.sim.PrivacyReport;
import io.fedrec.simulator.sim.RoundRow;
import io.fedrec.simulator.sim.SecAggReport;
import io.fedrec.simulator.sim.SimulationConfig;
import io.fedrec.simulator.sim.SimulationResult;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes a simulation's results as files:
 *
 * <ul>
 *   <li>{@value #SUMMARY}: the configuration, final test RMSE/MAE, the bias baseline, rounds,
 *       wall time and bytes, as JSON (non-finite numbers as {@code null});
 *   <li>{@value #ROUNDS}: one CSV row per round with the columns of {@link #CSV_HEADER}; metrics
 *       not computed for a round are empty cells. {@code train_loss} is the mean squared error
 *       of the participants' reconstructed predictions on their own training ratings (before
 *       their local steps), i.e. the objective's data term per rating. Requested ranking
 *       metrics follow as extra columns named like {@code hr@10}.
 * </ul>
 *
 * <p>Thread-safe (stateless).
 */
public final class SimulationReport {
  public static final String SUMMARY = "summary.json";
  public static final String ROUNDS = "rounds.csv";
  public static final String CSV_HEADER =
      "round,participants,dropouts,users,train_loss,test_rmse,test_mae,bytes_up,bytes_down,seconds";

  private SimulationReport() {}

  /** Writes both files into {@code dir}, creating it when needed. */
  public static void write(SimulationResult result, Path dir) throws IOException {
    write(result, dir, 0);
  }

  /**
   * As {@link #write(SimulationResult, Path)}, recording {@code dataRowsSkipped} malformed data
   * rows skipped by the loader ({@code --bad-rows skip}).
   */
  public static void write(SimulationResult result, Path dir, long dataRowsSkipped)
      throws IOException {
    Files.createDirectories(dir);
    try (Writer w = Files.newBufferedWriter(dir.resolve(SUMMARY), StandardCharsets.UTF_8)) {
      writeSummary(result, w, dataRowsSkipped);
    }
    try (Writer w = Files.newBufferedWriter(dir.resolve(ROUNDS), StandardCharsets.UTF_8)) {
      writeRounds(result, w);
    }
  }

  /**
   * The summary document. Top-level keys (stable, documented in {@code docs/research.md}):
   * {@code dataset, split, users, items, train_ratings, test_ratings, data_rows_skipped,
   * rounds_completed, rmse, mae,
   * baseline_rmse, baseline_mae, privacy {mode, epsilon, delta}, secagg, wall_seconds, clients,
   * cohort_size, bytes_up, bytes_down, final_model_sha256, seed, fedrec_version, git_revision,
   * java_version, config}.
   */
  public static void writeSummary(SimulationResult r, Appendable out) {
    writeSummary(r, out, 0);
  }

  /** As {@link #writeSummary(SimulationResult, Appendable)} with the data rows skipped. */
  public static void writeSummary(SimulationResult r, Appendable out, long dataRowsSkipped) {
    SimulationConfig c = r.config();
    TrainingConfig t = c.training();
    DataStats d = r.data();
    JsonWriter w = new JsonWriter(out);
    w.beginObject();
    w.name("dataset").value(d.dataset());
    w.name("split").value(d.split());
    w.name("users").value(d.users());
    w.name("items").value(d.items());
    w.name("train_ratings").value(d.trainRatings());
    w.name("test_ratings").value(d.testRatings());
    w.name("data_rows_skipped").value(dataRowsSkipped);
    w.name("rounds_completed").value(r.rounds());
    w.name("rmse").value(r.finalMetrics().rmse());
    w.name("mae").value(r.finalMetrics().mae());
    w.name("baseline_rmse").value(r.baseline().rmse());
    w.name("baseline_mae").value(r.baseline().mae());
    if (r.rankingProtocol() != null) {
      w.name("ranking_protocol").value(r.rankingProtocol());
      for (Map.Entry<String, Double> e : r.finalRanking().entrySet()) {
        w.name(e.getKey()).value(e.getValue());
      }
    }
    // Without privacy epsilon and delta are null (not infinity) by the contract.
    PrivacyReport p = r.privacy();
    w.name("privacy").beginObject()
        .name("mode").value(p.mode())
        .name("epsilon").value(p.epsilon())
        .name("epsilon_rdp").value(p.epsilonRdp())
        .name("delta").value(p.delta())
        .name("epsilon_budget").value(p.epsilonBudget())
        .name("noise_multiplier").value(p.noiseMultiplier())
        .name("clip").value(p.clipNorm())
        .name("sampling_rate").value(p.samplingRate())
        .name("stopped_by_budget").value(p.stoppedByBudget())
        .name("noise").value(p.noise())
        .endObject();
    SecAggReport sa = r.secagg();
    w.name("secagg").beginObject()
        .name("enabled").value(sa.enabled())
        .name("bits_per_coordinate").value(sa.bitsPerCoordinate())
        .name("neighbours").value(sa.neighbours())
        .name("threshold").value(sa.threshold())
        .name("dropped_clients").value(sa.droppedClients())
        .name("bytes_up_per_client").value(sa.bytesUpPerClient())
        .name("rounds_abandoned").value(sa.roundsAbandoned())
        .endObject();
    w.name("dropout").value(c.dropout());
    w.name("stragglers").value(r.stragglers());
    w.name("mean_available_clients").value(r.meanAvailableClients());
    w.name("wall_seconds").value(r.wallSeconds());
    w.name("clients").value(r.numClients());
    w.name("cohort_size").value(r.cohortSize());
    w.name("bytes_up").value(r.totalBytesUp());
    w.name("bytes_down").value(r.totalBytesDown());
    w.name("final_model_sha256").value(
        r.records().isEmpty() ? null : r.records().get(r.records().size() - 1).modelSha256Hex());
    w.name("seed").value(c.seed());
    w.name("fedrec_version").value(io.fedrec.simulator.cli.Main.version());
    w.name("git_revision").value(io.fedrec.simulator.cli.Main.gitRevision());
    w.name("java_version").value(System.getProperty("java.version"));
    w.name("config").beginObject()
        .name("rounds").value(c.rounds())
        .name("clients_per_round").value(c.clientsPerRound())
        .name("users_per_client").value(c.usersPerClient())
        .name("availability").value(c.availability().key())
        .name("round_minutes").value(c.roundMinutes())
        .name("straggler_fraction").value(c.stragglers())
        .name("latency_spread").value(c.latencySpread())
        .name("partition").value(c.partition().key())
        .name("silos").value(c.silos())
        .name("dirichlet_alpha").value(c.dirichletAlpha())
        .name("rank").value(c.rank())
        .name("server_learning_rate").value(c.serverLearningRate())
        .name("init_scale").value(c.initScale())
        .name("seed").value(c.seed())
        .name("eval_every").value(c.evalEvery())
        .name("transport").value(c.transport().cliName())
        .name("threads").value(c.threads())
        .name("training").beginObject()
        .name("user_regularization").value(t.userRegularization())
        .name("user_bias_regularization").value(t.userBiasRegularization())
        .name("item_regularization").value(t.itemRegularization())
        .name("local_steps").value(t.localSteps())
        .name("local_learning_rate").value(t.localLearningRate())
        .name("rating_min").value(t.ratingMin())
        .name("rating_max").value(t.ratingMax())
        .name("item_weight_decay").value(t.itemWeightDecay())
        .name("feedback").value(t.feedback().key())
        .name("implicit_alpha").value(t.implicitAlpha())
        .endObject()
        .endObject();
    w.endObject();
    w.finish();
  }

  /** The per-round CSV. */
  public static void writeRounds(SimulationResult r, Appendable out) throws IOException {
    List<String> rankingKeys = new ArrayList<>();
    for (var spec : r.config().rankingMetrics()) {
      rankingKeys.add(spec.key());
    }
    out.append(CSV_HEADER);
    for (String key : rankingKeys) {
      out.append(',').append(key);
    }
    out.append('\n');
    for (RoundRow row : r.rows()) {
      double trainLoss = row.trainRmse() * row.trainRmse();
      out.append(Long.toString(row.round())).append(',')
          .append(Integer.toString(row.clients())).append(',')
          .append(Integer.toString(row.dropouts())).append(',')
          .append(Long.toString(row.users())).append(',')
          .append(number(trainLoss, 6)).append(',')
          .append(number(row.testRmse(), 6)).append(',')
          .append(number(row.testMae(), 6)).append(',')
          .append(Long.toString(row.bytesUp())).append(',')
          .append(Long.toString(row.bytesDown())).append(',')
          .append(number(row.seconds(), 4));
      for (String key : rankingKeys) {
        Double v = row.ranking().get(key);
        out.append(',').append(v == null ? "" : number(v, 6));
      }
      out.append('\n');
    }
  }

  private static String number(double v, int decimals) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%." + decimals + "f", v) : "";
  }
}
