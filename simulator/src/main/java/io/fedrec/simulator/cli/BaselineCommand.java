package io.fedrec.simulator.cli;

import io.fedrec.core.model.Checks;
import io.fedrec.simulator.baseline.BiasBaseline;
import io.fedrec.simulator.baseline.CentralizedBpr;
import io.fedrec.simulator.baseline.CentralizedMf;
import io.fedrec.simulator.baseline.CentralizedSgdMf;
import io.fedrec.simulator.baseline.CentralizedWmf;
import io.fedrec.simulator.baseline.SgdParams;
import io.fedrec.simulator.data.DataSets;
import io.fedrec.simulator.data.Split;
import io.fedrec.simulator.eval.MetricSpec;
import io.fedrec.simulator.eval.PopularityRanker;
import io.fedrec.simulator.eval.Ranker;
import io.fedrec.simulator.eval.RankingEvaluator;
import io.fedrec.simulator.eval.RankingProtocol;
import io.fedrec.simulator.eval.RatingMetrics;
import io.fedrec.simulator.report.JsonWriter;
import io.fedrec.simulator.report.SimulationReport;
import io.fedrec.simulator.sim.DataStats;
import io.fedrec.simulator.sim.ImplicitFeedback;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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

/**
 * {@code fedrec baseline}: the centralized references on the same data and split.
 *
 * <ul>
 *   <li>{@code --algo mean-bias}: {@code mu + b_u + b_i} ({@link BiasBaseline}); test RMSE and
 *       MAE.
 *   <li>{@code --algo sgd-mf}: biased MF by stochastic gradient descent ({@link
 *       CentralizedSgdMf}), beside the bias baseline; test RMSE and MAE.
 *   <li>{@code --algo als} (default): biased MF by ALS ({@link CentralizedMf}), beside the bias
 *       baseline; test RMSE and MAE.
 *   <li>{@code --algo wmf}: weighted MF of implicit feedback by ALS ({@link CentralizedWmf}),
 *       every rating read as an interaction of strength 1 as {@code simulate --feedback implicit}
 *       does; ranking metrics only.
 *   <li>{@code --algo bpr}: Bayesian Personalised Ranking ({@link CentralizedBpr}) of the same
 *       interactions; ranking metrics only.
 *   <li>{@code --algo popularity}: items by training interaction count ({@link
 *       PopularityRanker}); ranking metrics only.
 * </ul>
 *
 * The explicit algorithms (mean-bias, sgd-mf, als) add ranking metrics when {@code --protocol}
 * or {@code --metrics} is given. Ranking goes through {@link RankingEvaluator} with the protocol
 * of {@code simulate} ({@code loo} by default for the implicit algorithms: latest interaction held
 * out, 99 sampled negatives, seeded by {@code --seed}), so each number is comparable with the
 * federated run of the same seed. Each hyper-parameter flag is rejected with the algorithms it
 * applies to when given with another.
 */
@Command(
    name = "baseline",
    mixinStandardHelpOptions = true,
    description =
        "Fits a centralized reference on the training part of the split: --algo mean-bias"
            + " (global mean plus user and item biases), sgd-mf (biased MF by stochastic"
            + " gradient descent), als (biased MF by alternating least squares) — test RMSE and"
            + " MAE, each beside the mean-plus-biases baseline — or wmf (weighted MF of implicit"
            + " feedback, Hu et al. 2008), bpr (Bayesian Personalised Ranking, Rendle et al."
            + " 2009), popularity (most interacted items first) — ranking metrics.")
final class BaselineCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin DataOptions data;

  @Option(names = "--algo", paramLabel = "NAME", defaultValue = "als",
      description = "mean-bias, sgd-mf, als, wmf, bpr or popularity (default: ${DEFAULT-VALUE})")
  String algo;

  @Option(names = "--rank", paramLabel = "K",
      description = "latent dimension (default: als " + CentralizedMf.Params.DEFAULT_RANK
          + ", sgd-mf " + CentralizedSgdMf.DEFAULT_RANK + ", wmf "
          + CentralizedWmf.Params.DEFAULT_RANK + ", bpr " + CentralizedBpr.DEFAULT_RANK + ")")
  Integer rank;

  @Option(names = "--iterations", paramLabel = "N",
      description = "ALS iterations of als, wmf and mean-bias (default: als "
          + CentralizedMf.Params.DEFAULT_ITERATIONS + ", wmf "
          + CentralizedWmf.Params.DEFAULT_ITERATIONS + ", mean-bias "
          + BiasBaseline.DEFAULT_ITERATIONS + ")")
  Integer iterations;

  @Option(names = "--epochs", paramLabel = "N",
      description = "SGD passes of sgd-mf and bpr (default: sgd-mf "
          + CentralizedSgdMf.DEFAULT_EPOCHS + ", bpr " + CentralizedBpr.DEFAULT_EPOCHS + ")")
  Integer epochs;

  @Option(names = "--lr", paramLabel = "X",
      description = "SGD learning rate of the first epoch, sgd-mf and bpr (default: sgd-mf "
          + CentralizedSgdMf.DEFAULT_LEARNING_RATE + ", bpr "
          + CentralizedBpr.DEFAULT_LEARNING_RATE + ")")
  Double lr;

  @Option(names = "--lr-decay", paramLabel = "X",
      description = "factor on the learning rate after each epoch, sgd-mf and bpr (default:"
          + " sgd-mf " + CentralizedSgdMf.DEFAULT_LR_DECAY + ", bpr "
          + CentralizedBpr.DEFAULT_LR_DECAY + ")")
  Double lrDecay;

  @Option(names = "--alpha", paramLabel = "X",
      description = "wmf confidence slope (default: " + CentralizedWmf.Params.DEFAULT_ALPHA + ")")
  Double alpha;

  @Option(names = "--reg", paramLabel = "X",
      description = "penalty on the user and item vectors of wmf, sgd-mf and bpr (default: wmf "
          + CentralizedWmf.Params.DEFAULT_REG_USER + ", sgd-mf " + CentralizedSgdMf.DEFAULT_REG
          + ", bpr " + CentralizedBpr.DEFAULT_REG + ")")
  Double reg;

  @Option(names = "--bias-reg", paramLabel = "X",
      description = "penalty on the biases of sgd-mf and bpr (default: sgd-mf "
          + CentralizedSgdMf.DEFAULT_BIAS_REG + ", bpr " + CentralizedBpr.DEFAULT_BIAS_REG + ")")
  Double biasReg;

  @Option(names = "--metrics", paramLabel = "LIST",
      description = "ranking metrics, e.g. hr@10,ndcg@10,mrr (default for wmf, bpr and"
          + " popularity: hr@10,ndcg@10)")
  String metrics;

  @Option(names = "--protocol", paramLabel = "NAME",
      description = "ranking protocol: loo or full (default for wmf, bpr and popularity: loo)")
  String protocol;

  @Option(names = "--out", paramLabel = "DIR", defaultValue = "out/baseline",
      description = "where summary.json goes (default: ${DEFAULT-VALUE})")
  Path out;

  private static final Map<String, String> FLAGS = Map.of("rank", "--rank", "iterations",
      "--iterations", "alpha", "--alpha", "regUser", "--reg", "regItem", "--reg", "epochs",
      "--epochs", "learningRate", "--lr", "lrDecay", "--lr-decay", "reg", "--reg", "biasReg",
      "--bias-reg");

  private static final List<String> ALGORITHMS =
      List.of("mean-bias", "sgd-mf", "als", "wmf", "bpr", "popularity");

  private static final List<String> IMPLICIT = List.of("wmf", "bpr", "popularity");

  @Override
  public Integer call() {
    PrintWriter o = spec.commandLine().getOut();
    if (!ALGORITHMS.contains(algo)) {
      throw CliException.usage("--algo must be one of " + String.join(", ", ALGORITHMS)
          + ". Provided value: " + algo);
    }
    boolean implicit = IMPLICIT.contains(algo);
    requireAlgo("--rank", rank, "sgd-mf", "als", "wmf", "bpr");
    requireAlgo("--iterations", iterations, "mean-bias", "als", "wmf");
    requireAlgo("--epochs", epochs, "sgd-mf", "bpr");
    requireAlgo("--lr", lr, "sgd-mf", "bpr");
    requireAlgo("--lr-decay", lrDecay, "sgd-mf", "bpr");
    requireAlgo("--alpha", alpha, "wmf");
    requireAlgo("--reg", reg, "sgd-mf", "wmf", "bpr");
    requireAlgo("--bias-reg", biasReg, "sgd-mf", "bpr");
    int biasIterations = BiasBaseline.DEFAULT_ITERATIONS;
    CentralizedMf.Params mfParams = null;
    CentralizedWmf.Params wmfParams = null;
    SgdParams sgdParams = null;
    try {
      if (algo.equals("mean-bias") && iterations != null) {
        biasIterations = Checks.inRange("iterations", iterations, 1, 1000);
      } else if (algo.equals("als")) {
        mfParams = CentralizedMf.Params.defaults().withSeed(data.seed);
        mfParams = mfParams.withRank(rank == null ? mfParams.rank() : rank)
            .withIterations(iterations == null ? mfParams.iterations() : iterations);
      } else if (algo.equals("wmf")) {
        wmfParams = CentralizedWmf.Params.defaults().withSeed(data.seed);
        wmfParams = wmfParams.withRank(rank == null ? wmfParams.rank() : rank)
            .withIterations(iterations == null ? wmfParams.iterations() : iterations)
            .withAlpha(alpha == null ? wmfParams.alpha() : alpha)
            .withRegularization(reg == null ? wmfParams.regUser() : reg,
                reg == null ? wmfParams.regItem() : reg);
      } else if (algo.equals("sgd-mf") || algo.equals("bpr")) {
        sgdParams = sgdParams(algo.equals("sgd-mf")
            ? CentralizedSgdMf.defaults() : CentralizedBpr.defaults());
      }
    } catch (IllegalArgumentException e) {
      throw Flags.rename(e, FLAGS, null);
    }
    List<MetricSpec> rankingMetrics = rankingMetrics(implicit);
    String protocolName = protocol != null ? protocol
        : implicit ? RankingProtocol.Kind.LEAVE_ONE_OUT.label()
        : rankingMetrics.isEmpty() ? null : RankingProtocol.Kind.FULL_CATALOGUE.label();
    Split split = data.load();
    if (RankingProtocol.Kind.LEAVE_ONE_OUT.label().equals(protocolName)) {
      split = DataSets.leaveOneOut(split, data.seed);
    }
    if (implicit) {
      split = ImplicitFeedback.binary(split);
    }
    o.printf(Locale.ROOT, "baseline: %s/%s, %d users, %d items, %d train / %d test ratings%n",
        split.dataset(), split.splitName(), split.numUsers(), split.numItems(),
        split.train().numRatings(), split.test().numRatings());
    o.flush();
    long start = System.nanoTime();
    RankingProtocol rankingProtocol = protocolName == null ? null
        : protocolName.equals(RankingProtocol.Kind.LEAVE_ONE_OUT.label())
            ? RankingProtocol.leaveOneOut(split, RankingProtocol.DEFAULT_NEGATIVES, data.seed)
            : RankingProtocol.fullCatalogue(split, implicit
                ? RankingProtocol.ANY_RATING : RankingProtocol.EXPLICIT_RELEVANCE_THRESHOLD);
    RatingMetrics bias = null;
    RatingMetrics mf = null;
    Map<String, Double> ranking = Map.of();
    String name;
    ExecutorService pool = Executors.newFixedThreadPool(
        Runtime.getRuntime().availableProcessors());
    try {
      switch (algo) {
        case "mean-bias": {
          BiasBaseline model = BiasBaseline.fit(split.train(), BiasBaseline.DEFAULT_REG_USER,
              BiasBaseline.DEFAULT_REG_ITEM, biasIterations);
          bias = model.evaluate(split);
          mf = bias;
          name = "bias baseline (mean + user and item biases)";
          print(o, name, bias);
          if (rankingProtocol != null) {
            ranking = RankingEvaluator.evaluate(
                model.ranker(), split.train(), rankingProtocol, rankingMetrics, pool);
          }
          break;
        }
        case "sgd-mf": {
          bias = BiasBaseline.evaluateDefault(split);
          print(o, "bias baseline (mean + user and item biases)", bias);
          CentralizedSgdMf model = CentralizedSgdMf.fit(split.train(), sgdParams);
          mf = model.evaluate(split);
          name = String.format(Locale.ROOT,
              "centralized MF (SGD, rank %d, %d epochs, lr %s, decay %s, reg %s, bias reg %s)",
              sgdParams.rank(), sgdParams.epochs(), number(sgdParams.learningRate()),
              number(sgdParams.lrDecay()), number(sgdParams.reg()), number(sgdParams.biasReg()));
          print(o, name, mf);
          if (rankingProtocol != null) {
            ranking = RankingEvaluator.evaluate(
                model.ranker(), split.train(), rankingProtocol, rankingMetrics, pool);
          }
          break;
        }
        case "als": {
          bias = BiasBaseline.evaluateDefault(split);
          print(o, "bias baseline (mean + user and item biases)", bias);
          CentralizedMf model = CentralizedMf.fit(split.train(), mfParams, pool);
          mf = model.evaluate(split);
          name = String.format(Locale.ROOT, "centralized MF (ALS, rank %d, %d iterations)",
              mfParams.rank(), mfParams.iterations());
          print(o, name, mf);
          if (rankingProtocol != null) {
            ranking = RankingEvaluator.evaluate(model.toGlobalModel(), model.trainingConfig(),
                split.train(), rankingProtocol, rankingMetrics, pool);
          }
          break;
        }
        case "wmf": {
          CentralizedWmf model = CentralizedWmf.fit(split.train(), wmfParams, pool);
          ranking = RankingEvaluator.evaluate(model.toGlobalModel(), model.trainingConfig(),
              split.train(), rankingProtocol, rankingMetrics, pool);
          name = String.format(Locale.ROOT,
              "centralized WMF (ALS, rank %d, %d iterations, alpha %s, reg %s)",
              wmfParams.rank(), wmfParams.iterations(), number(wmfParams.alpha()),
              number(wmfParams.regUser()));
          break;
        }
        case "bpr": {
          Ranker model = CentralizedBpr.fit(split.train(), sgdParams).ranker();
          ranking = RankingEvaluator.evaluate(
              model, split.train(), rankingProtocol, rankingMetrics, pool);
          name = String.format(Locale.ROOT,
              "centralized BPR (SGD, rank %d, %d epochs, lr %s, reg %s)", sgdParams.rank(),
              sgdParams.epochs(), number(sgdParams.learningRate()), number(sgdParams.reg()));
          break;
        }
        default: {
          ranking = RankingEvaluator.evaluate(PopularityRanker.fit(split.train()),
              split.train(), rankingProtocol, rankingMetrics, pool);
          name = "popularity (items by training interactions)";
          break;
        }
      }
    } finally {
      pool.shutdownNow();
    }
    if (!ranking.isEmpty()) {
      o.printf(Locale.ROOT, "%s:", name);
      for (Map.Entry<String, Double> e : ranking.entrySet()) {
        o.printf(Locale.ROOT, " %s %.4f", e.getKey(), e.getValue());
      }
      o.printf(Locale.ROOT, " (%s protocol)%n", protocolName);
    }
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
            .name("data_rows_skipped").value(data.rowsSkipped())
            .name("algorithm").value(algo)
            .name("feedback").value(implicit ? "implicit" : "explicit");
        if (mfParams != null) {
          j.name("rank").value(mfParams.rank()).name("iterations").value(mfParams.iterations());
        } else if (wmfParams != null) {
          j.name("rank").value(wmfParams.rank()).name("iterations").value(wmfParams.iterations())
              .name("alpha").value(wmfParams.alpha()).name("reg").value(wmfParams.regUser());
        } else if (sgdParams != null) {
          j.name("rank").value(sgdParams.rank()).name("epochs").value(sgdParams.epochs())
              .name("lr").value(sgdParams.learningRate())
              .name("lr_decay").value(sgdParams.lrDecay())
              .name("reg").value(sgdParams.reg()).name("bias_reg").value(sgdParams.biasReg());
        } else if (algo.equals("mean-bias")) {
          j.name("iterations").value(biasIterations);
        }
        // RMSE/MAE are null for the implicit algorithms: they score interactions, not ratings;
        // for mean-bias the model is the baseline, so both pairs hold its figures
        j.name("rmse").value(mf == null ? Double.NaN : mf.rmse())
            .name("mae").value(mf == null ? Double.NaN : mf.mae())
            .name("baseline_rmse").value(bias == null ? Double.NaN : bias.rmse())
            .name("baseline_mae").value(bias == null ? Double.NaN : bias.mae());
        if (protocolName != null) {
          j.name("ranking_protocol").value(protocolName);
          for (Map.Entry<String, Double> e : ranking.entrySet()) {
            j.name(e.getKey()).value(e.getValue());
          }
        }
        j.name("seed").value(data.seed)
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

  /** Rejects {@code flag} when it was given and does not apply to {@code --algo}. */
  private void requireAlgo(String flag, Object value, String... algos) {
    if (value != null && !List.of(algos).contains(algo)) {
      throw CliException.usage(flag + " applies to --algo " + String.join(", ", algos)
          + " only. Provided --algo: " + algo);
    }
  }

  /** {@code defaults} with the SGD flags that were given, seeded by --seed. */
  private SgdParams sgdParams(SgdParams defaults) {
    SgdParams p = defaults.withSeed(data.seed);
    return p.withRank(rank == null ? p.rank() : rank)
        .withEpochs(epochs == null ? p.epochs() : epochs)
        .withLearningRate(lr == null ? p.learningRate() : lr,
            lrDecay == null ? p.lrDecay() : lrDecay)
        .withRegularization(reg == null ? p.reg() : reg, biasReg == null ? p.biasReg() : biasReg);
  }

  /** The ranking metrics: --metrics, or hr@10,ndcg@10 for implicit algorithms or --protocol. */
  private List<MetricSpec> rankingMetrics(boolean implicit) {
    if (protocol != null) {
      try {
        RankingProtocol.Kind.parse(protocol);
      } catch (IllegalArgumentException e) {
        throw CliException.usage("--protocol must be one of loo, full. Provided value: "
            + protocol, e);
      }
    }
    if (metrics == null) {
      return implicit || protocol != null
          ? MetricSpec.parseList("hr@10,ndcg@10") : List.of();
    }
    try {
      return MetricSpec.parseList(metrics);
    } catch (IllegalArgumentException e) {
      throw CliException.usage("--metrics: " + e.getMessage(), e);
    }
  }

  private static String number(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
  }

  private static void print(PrintWriter o, String name, RatingMetrics m) {
    o.printf(Locale.ROOT, "%-46s test RMSE %.4f  MAE %.4f%n", name + ":", m.rmse(), m.mae());
    o.flush();
  }
}
