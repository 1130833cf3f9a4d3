package io.fedrec.simulator.cli;

import io.fedrec.simulator.report.JsonWriter;
import io.fedrec.simulator.report.SimulationReport;
import io.fedrec.simulator.sim.DataStats;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import io.fedrec.simulator.baseline.BiasBaseline;
import io.fedrec.simulator.baseline.CentralizedMf;
import io.fedrec.simulator.data.Split;
import io.fedrec.simulator.eval.RatingMetrics;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code fedrec baseline}: the centralized references on the same data and split. */
@Command(
    name = "baseline",
    mixinStandardHelpOptions = true,
    description =
        "Fits the centralized references on the training part of the split and prints "
            + "their test RMSE and MAE: biased MF by alternating least squares (all data in one "
            + "place), and the mean-plus-biases baseline.")
final class BaselineCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin DataOptions data;

  @Option(names = "--rank", paramLabel = "K",
      defaultValue = "" + CentralizedMf.Params.DEFAULT_RANK,
      description = "latent dimension (default: ${DEFAULT-VALUE})")
  int rank;

  @Option(names = "--iterations", paramLabel = "N",
      defaultValue = "" + CentralizedMf.Params.DEFAULT_ITERATIONS,
      description = "ALS iterations (default: ${DEFAULT-VALUE})")
  int iterations;

  @Option(names = "--out", paramLabel = "DIR", defaultValue = "out/baseline",
      description = "where summary.json goes (default: ${DEFAULT-VALUE})")
  Path out;

  private static final Map<String, String> FLAGS =
      Map.of("rank", "--rank", "iterations", "--iterations");

  @Override
  public Integer call() {
    PrintWriter o = spec.commandLine().getOut();
    CentralizedMf.Params params;
    try {
      params = CentralizedMf.Params.defaults().withRank(rank).withIterations(iterations)
          .withSeed(data.seed);
    } catch (IllegalArgumentException e) {
      throw Flags.rename(e, FLAGS, null);
    }
    Split split = data.load();
    o.printf(Locale.ROOT, "baseline: %s/%s, %d users, %d items, %d train / %d test ratings%n",
        split.dataset(), split.splitName(), split.numUsers(), split.numItems(),
        split.train().numRatings(), split.test().numRatings());
    o.flush();
    long start = System.nanoTime();
    RatingMetrics bias = BiasBaseline.evaluateDefault(split);
    print(o, "bias baseline (mean + user and item biases)", bias);
    ExecutorService pool = Executors.newFixedThreadPool(
        Runtime.getRuntime().availableProcessors());
    RatingMetrics mf;
    try {
      mf = CentralizedMf.fit(split.train(), params, pool).evaluate(split);
    } finally {
      pool.shutdownNow();
    }
    print(o, String.format(Locale.ROOT, "centralized MF (ALS, rank %d, %d iterations)",
        params.rank(), params.iterations()), mf);
    double wallSeconds = (System.nanoTime() - start) / 1e9;
    o.printf(Locale.ROOT, "wall time %.1f s%n", wallSeconds);
    Path summary = out.resolve(SimulationReport.SUMMARY);
    try {
      Files.createDirectories(out);
      try (Writer w = Files.newBufferedWriter(summary, StandardCharsets.UTF_8)) {
        DataStats d = DataStats.of(split);
        JsonWriter j = new JsonWriter(w);
        j.beginObject()
            .name("dataset").value(d.dataset())
            .name("split").value(d.split())
            .name("users").value(d.users())
            .name("items").value(d.items())
            .name("train_ratings").value(d.trainRatings())
            .name("test_ratings").value(d.testRatings())
            .name("algorithm").value("als")
            .name("rank").value(params.rank())
            .name("iterations").value(params.iterations())
            .name("rmse").value(mf.rmse())
            .name("mae").value(mf.mae())
            .name("baseline_rmse").value(bias.rmse())
            .name("baseline_mae").value(bias.mae())
            .name("seed").value(data.seed)
            .name("wall_seconds").value(wallSeconds)
            .endObject();
        j.finish();
      }
    } catch (IOException e) {
      throw CliException.failure("cannot write " + summary + ": " + e.getMessage(), e);
    }
    o.printf("wrote %s%n", summary);
    o.flush();
    return 0;
  }

  private static void print(PrintWriter o, String name, RatingMetrics m) {
    o.printf(Locale.ROOT, "%-46s test RMSE %.4f  MAE %.4f%n", name + ":", m.rmse(), m.mae());
    o.flush();
  }
}
