package io.fedrec.simulator.cli;

import io.fedrec.core.aggregate.FedAdagrad;
import io.fedrec.core.aggregate.FedAdam;
import io.fedrec.core.aggregate.FedAvgM;
import io.fedrec.core.aggregate.FedYogi;
import io.fedrec.core.aggregate.ServerOptimizers;
import io.fedrec.core.model.Feedback;
import io.fedrec.core.model.TrainingConfig;
import io.fedrec.simulator.data.Split;
import io.fedrec.simulator.report.SimulationReport;
import io.fedrec.simulator.sim.RoundRow;
import io.fedrec.coordinator.round.SecAggSettings;
import io.fedrec.simulator.sim.SecAggReport;
import io.fedrec.simulator.sim.Simulation;
import io.fedrec.simulator.data.DataSets;
import io.fedrec.simulator.eval.MetricSpec;
import io.fedrec.simulator.eval.RankingProtocol;
import io.fedrec.simulator.sim.DpOptions;
import io.fedrec.simulator.sim.ClientBehaviour;
import io.fedrec.simulator.sim.ImplicitFeedback;
import io.fedrec.simulator.sim.Partitioning;
import io.fedrec.simulator.sim.PrivacyReport;
import io.fedrec.simulator.sim.SimulationConfig;
import io.fedrec.simulator.sim.SimulationResult;
import io.fedrec.simulator.sim.Transport;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code fedrec simulate}: a federation of virtual clients over the real coordinator and SDK. */
@Command(
    name = "simulate",
    mixinStandardHelpOptions = true,
    description =
        "Runs a simulated federation (one virtual client per user, or silos) over the "
            + "real coordinator and client SDK, prints the test RMSE every --eval-every rounds "
            + "and a summary, and writes summary.json and rounds.csv to --out.")
final class SimulateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin DataOptions data;

  @Option(names = "--progress", paramLabel = "MODE", defaultValue = "auto",
      description = "auto (a bar on a terminal, log lines otherwise), bar, log (a line every"
          + " tenth of the run) or off (default: ${DEFAULT-VALUE})")
  String progress;

  @Option(names = "--config", paramLabel = "FILE",
      description = "a properties file of option values, keys without the dashes (rounds=200,"
          + " privacy=central); flags override it. The run's resolved options are written to"
          + " config.properties in --out (see docs/research.md)")
  Path config;

  @Option(names = "--rounds", paramLabel = "N",
      description = "rounds to publish (default: " + SYNTHETIC_ROUNDS + " on the synthetic data"
          + " set, " + SimulationConfig.DEFAULT_ROUNDS + " otherwise)")
  Long rounds;

  @Option(names = "--clients-per-round", paramLabel = "N", defaultValue = "100",
      description = "cohort size; capped at the number of clients (default: ${DEFAULT-VALUE})")
  int clientsPerRound;

  @Option(names = "--users-per-client", paramLabel = "N",
      description = "1 = cross-device (a client per user); more groups users into silos"
          + " (default: " + SYNTHETIC_USERS_PER_CLIENT + " on the synthetic data set, 1"
          + " otherwise)")
  Integer usersPerClient;

  @Option(names = "--rank", paramLabel = "K", defaultValue = "16",
      description = "latent dimension (default: ${DEFAULT-VALUE})")
  int rank;

  @Option(names = "--server-lr", paramLabel = "X",
      description = "server learning rate, the step size of --server-optimizer (default for"
          + " fedavg: 10, with --privacy central or distributed " + PRIVATE_SERVER_LR
          + ", implicit: " + SimulationConfig.DEFAULT_IMPLICIT_SERVER_LEARNING_RATE
          + "; for the others their own default, see docs/research.md)")
  Double serverLr;

  @Option(names = "--server-optimizer", paramLabel = "NAME", defaultValue = "fedavg",
      description = "fedavg, fedavgm, fedadagrad, fedadam or fedyogi (Reddi et al. 2021)"
          + " (default: ${DEFAULT-VALUE})")
  String serverOptimizer;

  @Option(names = "--local-steps", paramLabel = "N",
      description = "local gradient steps per round (default: 2; implicit: 1)")
  Integer localSteps;

  @Option(names = "--local-lr", paramLabel = "X",
      description = "learning rate of the local steps (default: 0.05; implicit: 0.02)")
  Float localLr;

  @Option(names = "--user-reg", paramLabel = "X",
      description = "ridge penalty on the private user vector (default: 10; implicit: 1)")
  Float userReg;

  @Option(names = "--item-reg", paramLabel = "X",
      description = "L2 penalty per rating on item factors and biases (default: 0.1;"
          + " implicit: 0)")
  Float itemReg;

  @Option(names = "--feedback", paramLabel = "MODE", defaultValue = "explicit",
      description = "explicit (fit rating values) or implicit (every rating becomes an"
          + " interaction of strength 1; weighted MF with confidence 1 + alpha, ranking metrics"
          + " instead of RMSE, protocol loo and hr@10,ndcg@10 unless given)"
          + " (default: ${DEFAULT-VALUE})")
  String feedback;

  @Option(names = "--implicit-model", paramLabel = "MODEL",
      description = "with --feedback implicit: wmf (weighted MF, closed-form user solve) or bpr"
          + " (Bayesian Personalised Ranking, negatives drawn on each client) (default: wmf)")
  String implicitModel;

  @Option(names = "--alpha", paramLabel = "X",
      description = "confidence slope of implicit feedback (default: "
          + TrainingConfig.DEFAULT_IMPLICIT_ALPHA + ")")
  Float alpha;

  @Option(names = "--eval-every", paramLabel = "N", defaultValue = "" + SimulationConfig.DEFAULT_EVAL_EVERY,
      description = "evaluate on the test set every N rounds and after the last"
          + " (default: ${DEFAULT-VALUE})")
  int evalEvery;

  @Option(names = "--transport", paramLabel = "KIND", defaultValue = "direct",
      description = "direct, sparse (direct, and plaintext rounds submit only the rows each"
          + " client touched; the coordinator adds the prior once: fastest, equal to direct up"
          + " to rounding), inprocess or tcp (default: ${DEFAULT-VALUE})")
  String transport;

  @Option(names = "--threads", paramLabel = "N",
      description = "worker threads (default: the number of processors)")
  Integer threads;

  @Option(names = "--out", paramLabel = "DIR", defaultValue = "out/simulate",
      description = "where summary.json and rounds.csv go (default: ${DEFAULT-VALUE})")
  Path out;

  @Option(names = "--privacy", paramLabel = "MODE", defaultValue = "distributed",
      description = "user-level differential privacy: none, central (clients clip, the"
          + " coordinator adds Gaussian noise), distributed (clients clip and add discrete"
          + " Gaussian noise; needs --secagg on) or local (each client adds the full noise to its"
          + " own submission; accounted without sampling amplification) (default:"
          + " ${DEFAULT-VALUE})")
  String privacy;

  @Option(names = "--metrics", paramLabel = "LIST",
      description = "ranking metrics to report besides RMSE/MAE, e.g. hr@10,ndcg@10,recall@20,"
          + "map@10,mrr,coverage@10,diversity@10,popularity@10")
  String metrics;

  @Option(names = "--protocol", paramLabel = "NAME",
      description = "ranking protocol: loo (hold out each user's latest rating, rank it among 99"
          + " sampled negatives; re-splits the data) or full (rank the whole catalogue against the"
          + " test split, relevant = rating >= 4) (default: full; with --protocol alone the"
          + " metrics default to hr@10,ndcg@10)")
  String protocol;

  @Option(names = "--epsilon", paramLabel = "E",
      description = "privacy budget of --privacy central or distributed; rounds stop before it"
          + " is exceeded (default: " + DEFAULT_EPSILON + ")")
  Double epsilon;

  @Option(names = "--delta", paramLabel = "D", defaultValue = "1e-6",
      description = "delta of the (epsilon, delta) guarantee (default: ${DEFAULT-VALUE})")
  double delta;

  @Option(names = "--clip", paramLabel = "C", defaultValue = "" + DEFAULT_CLIP,
      description = "L2 bound on each user's contribution (default: ${DEFAULT-VALUE})")
  double clip;

  @Option(names = "--adaptive-clip",
      description = "adapt --clip to the median user update norm each round (Andrew et al."
          + " 2021; --privacy central with --secagg off; its privacy cost is accounted)")
  boolean adaptiveClip;

  @Option(names = "--noise-distribution", paramLabel = "NAME",
      defaultValue = "discrete_gaussian",
      description = "the clients' noise with --privacy distributed or local: discrete_gaussian"
          + " (Kairouz et al. 2021; accounted by PLD) or skellam (Agarwal et al. 2021; exactly"
          + " Skellam once summed, accounted by its RDP bound) (default: ${DEFAULT-VALUE})")
  String noiseDistribution;

  @Option(names = "--noise-multiplier", paramLabel = "Z",
      description = "noise standard deviation over --clip; default: the smallest that fits"
          + " all --rounds in --epsilon")
  Double noiseMultiplier;

  @Option(names = "--secagg", paramLabel = "MODE", defaultValue = "on",
      description = "secure aggregation (SecAgg+): on or off (default: ${DEFAULT-VALUE}); with on,"
          + " the coordinator learns only the sum of each round's updates")
  String secagg;

  @Option(names = "--secagg-threshold", paramLabel = "F",
      description = "Shamir threshold of --secagg on as a fraction in (0.5, 1] of each secret's"
          + " k + 1 holders; default: the smallest strict majority")
  Double secaggThreshold;

  @Option(names = "--secagg-neighbours", paramLabel = "K",
      description = "neighbours per client in the SecAgg+ graph (even); default about 4 log2 n")
  Integer secaggNeighbours;

  @Option(names = "--availability", paramLabel = "MODEL", defaultValue = "always",
      description = "always, or diurnal: each client has a time zone and is available with"
          + " probability 0.1 (08:00 local) to 0.9 (20:00); needs --privacy none"
          + " (default: ${DEFAULT-VALUE})")
  String availability;

  @Option(names = "--round-minutes", paramLabel = "M",
      defaultValue = "" + SimulationConfig.DEFAULT_ROUND_MINUTES,
      description = "simulated minutes per round, for the diurnal clock (default: ${DEFAULT-VALUE})")
  double roundMinutes;

  @Option(names = "--stragglers", paramLabel = "P", defaultValue = "0",
      description = "expected fraction in [0, 1) of sampled clients whose upload misses the round"
          + " deadline; slow devices are slow every round (see --latency-spread)"
          + " (default: ${DEFAULT-VALUE})")
  double stragglers;

  @Option(names = "--latency-spread", paramLabel = "S",
      defaultValue = "" + SimulationConfig.DEFAULT_LATENCY_SPREAD,
      description = "standard deviation of the clients' persistent log-latency; 0 makes"
          + " stragglers random (default: ${DEFAULT-VALUE})")
  double latencySpread;

  @Option(names = "--partition", paramLabel = "KIND", defaultValue = "contiguous",
      description = "how users are grouped into clients: contiguous (runs of"
          + " --users-per-client in index order), iid or dirichlet (--silos silos; dirichlet"
          + " skews each silo's mix of tastes by --dirichlet-alpha) (default: ${DEFAULT-VALUE})")
  String partition;

  @Option(names = "--silos", paramLabel = "N",
      description = "number of silos of --partition iid or dirichlet")
  Integer silos;

  @Option(names = "--dirichlet-alpha", paramLabel = "A",
      description = "concentration of --partition dirichlet: 0.1 very skewed, 100 nearly iid"
          + " (default: 0.5)")
  Double dirichletAlpha;

  @Option(names = "--dropout", paramLabel = "P", defaultValue = "0",
      description = "probability in [0, 1) that a sampled client vanishes mid-round, at a random"
          + " point (before training, or before any SecAgg+ message or its upload); default"
          + " ${DEFAULT-VALUE}")
  double dropout;

  /** Library parameter names (SimulationConfig, TrainingConfig) to flags. */
  static final Map<String, String> FLAGS = new LinkedHashMap<>();

  static {
    FLAGS.put("rounds", "--rounds");
    FLAGS.put("clientsPerRound", "--clients-per-round");
    FLAGS.put("usersPerClient", "--users-per-client");
    FLAGS.put("rank", "--rank");
    FLAGS.put("serverLearningRate", "--server-lr");
    FLAGS.put("serverOptimizer", "--server-optimizer");
    FLAGS.put("evalEvery", "--eval-every");
    FLAGS.put("threads", "--threads");
    FLAGS.put("transport", "--transport");
    FLAGS.put("local_steps", "--local-steps");
    FLAGS.put("local_learning_rate", "--local-lr");
    FLAGS.put("user_regularization", "--user-reg");
    FLAGS.put("item_regularization", "--item-reg");
    FLAGS.put("implicit_alpha", "--alpha");
  }

  @Override
  public Integer call() throws IOException {
    PrintWriter o = spec.commandLine().getOut();
    SimulationConfig config = config();
    ProgressReporter.Mode.parse(progress); // validated before the data are loaded
    boolean implicit = config.training().implicit();
    Split split = data.load();
    if (RankingProtocol.Kind.LEAVE_ONE_OUT.label().equals(effectiveProtocol(implicit))) {
      split = DataSets.leaveOneOut(split, data.seed);
    }
    if (implicit) {
      split = ImplicitFeedback.binary(split);
    }
    Simulation simulation;
    try {
      simulation = new Simulation(config, split);
    } catch (IllegalArgumentException e) {
      throw Flags.rename(e, FLAGS, null);
    }
    try {
      java.nio.file.Files.createDirectories(out);
    } catch (IOException e) {
      throw CliException.failure("cannot create the --out directory " + out + ": " + e, e);
    }
    o.printf(Locale.ROOT,
        "simulate: %s/%s, %d users, %d items, %d train / %d test ratings%n",
        split.dataset(), split.splitName(), split.numUsers(), split.numItems(),
        split.train().numRatings(), split.test().numRatings());
    o.printf(Locale.ROOT,
        "  %d clients (%s), %d per round, %d rounds, %s feedback, rank %d,"
            + " server %s lr %s, transport %s, %d threads%n",
        simulation.numClients(), Partitioning.describe(config.partition(),
            config.usersPerClient(), config.silos(), config.dirichletAlpha()),
        simulation.cohortSize(),
        config.rounds(), config.training().feedback().key(), config.rank(),
        config.serverOptimizer(), number(config.serverLearningRate()),
        config.transport().cliName(), config.threads());
    if (simulation.cohortSize() < config.clientsPerRound()) {
      o.printf(Locale.ROOT, "  note: --clients-per-round %d capped at the %d clients%n",
          config.clientsPerRound(), simulation.numClients());
    }
    o.flush();
    int width = Long.toString(config.rounds()).length();
    ProgressReporter progressReporter =
        new ProgressReporter(o, ProgressReporter.Mode.parse(progress));
    SimulationResult result = simulation.run((row, c) -> {
      progressReporter.beforeRow(row);
      if (row.evaluated()) {
        printRow(o, row, c, width);
      }
      progressReporter.afterRow(row, c);
    });
    SimulationReport.write(result, out, data.rowsSkipped());
    writeResolvedConfig();
    io.fedrec.simulator.report.HtmlReport.write(result, out, java.nio.file.Files.readString(
        out.resolve(RESOLVED_CONFIG), java.nio.charset.StandardCharsets.UTF_8));
    double rmse = result.finalMetrics().rmse();
    double base = result.baseline().rmse();
    if (implicit) {
      o.printf(Locale.ROOT, "after %d rounds (implicit feedback: RMSE/MAE not measured, the"
          + " model scores interactions, not ratings)%n", result.rounds());
    } else {
      o.printf(Locale.ROOT, "final test RMSE %.4f  MAE %.4f  after %d rounds%n",
          rmse, result.finalMetrics().mae(), result.rounds());
      o.printf(Locale.ROOT, "bias baseline test RMSE %.4f: federated model is %.1f%% %s%n",
          base, Math.abs(100 * (base - rmse) / base), rmse <= base ? "better" : "worse");
    }
    for (Map.Entry<String, Double> e : result.finalRanking().entrySet()) {
      o.printf(Locale.ROOT, "%s %.4f  ", e.getKey(), e.getValue());
    }
    if (!result.finalRanking().isEmpty()) {
      o.printf("(%s protocol)%n", result.rankingProtocol());
    }
    PrivacyReport privacyReport = result.privacy();
    if (!privacyReport.mode().equals("none")) {
      o.printf(Locale.ROOT, "privacy %s: %s of budget %s at delta %s;"
              + " noise multiplier %.4f, clip %s, sampling rate %.4f%s%n",
          privacyReport.mode(), privacyReport.epsilonSummary(3),
          privacyReport.epsilonBudget(), privacyReport.delta(), privacyReport.noiseMultiplier(),
          privacyReport.clipNorm(), privacyReport.samplingRate(),
          privacyReport.stoppedByBudget() ? "; stopped by the budget" : "");
    }
    SecAggReport sa = result.secagg();
    if (sa.enabled()) {
      o.printf(Locale.ROOT, "secure aggregation: %d bits per coordinate, %d neighbours,"
              + " threshold %d; %d dropped clients, %d rounds abandoned, %s up per client"
              + " per round%n",
          sa.bitsPerCoordinate(), sa.neighbours(), sa.threshold(), sa.droppedClients(),
          sa.roundsAbandoned(), bytes((long) sa.bytesUpPerClient()));
    }
    if (config.availability() != ClientBehaviour.Availability.ALWAYS || config.stragglers() > 0) {
      o.printf(Locale.ROOT, "clients: %s availability, %.1f of %d available per round on"
              + " average; %d stragglers (uploads past the deadline)%n",
          config.availability().key(), result.meanAvailableClients(), result.numClients(),
          result.stragglers());
    }
    o.printf(Locale.ROOT, "wall time %.1f s; %s up, %s down%n",
        result.wallSeconds(), bytes(result.totalBytesUp()), bytes(result.totalBytesDown()));
    o.printf("wrote %s, %s and %s%n", out.resolve(SimulationReport.SUMMARY),
        out.resolve(SimulationReport.ROUNDS), out.resolve(io.fedrec.simulator.report.HtmlReport.FILE));
    o.flush();
    return 0;
  }

  /** Writes every option's effective value and source to {@code out/config.properties}. */
  private void writeResolvedConfig() throws IOException {
    java.util.Set<String> fromConfig = java.util.Set.of();
    if (config != null) {
      java.util.Properties p = new java.util.Properties();
      try (java.io.Reader r = java.nio.file.Files.newBufferedReader(config)) {
        p.load(r);
      }
      fromConfig = p.stringPropertyNames();
    }
    java.nio.file.Files.writeString(out.resolve(RESOLVED_CONFIG),
        ConfigFile.resolved(spec, fromConfig), java.nio.charset.StandardCharsets.UTF_8);
  }

  /** The resolved options of a run, in its output folder. */
  static final String RESOLVED_CONFIG = "config.properties";

  private SimulationConfig config() {
    Transport kind;
    try {
      kind = Transport.parse(transport);
    } catch (IllegalArgumentException e) {
      throw Flags.rename(e, FLAGS, null);
    }
    Feedback mode;
    try {
      mode = Feedback.parse(feedback);
    } catch (IllegalArgumentException e) {
      throw CliException.usage("--feedback must be one of explicit, implicit. Provided value: "
          + feedback, e);
    }
    if (mode == Feedback.BPR) {
      throw CliException.usage("--feedback must be one of explicit, implicit (for BPR:"
          + " --feedback implicit --implicit-model bpr). Provided value: " + feedback);
    }
    if (implicitModel != null) {
      if (mode != Feedback.IMPLICIT) {
        throw CliException.usage("--implicit-model needs --feedback implicit");
      }
      switch (implicitModel) {
        case "wmf":
          break;
        case "bpr":
          mode = Feedback.BPR;
          break;
        default:
          throw CliException.usage("--implicit-model must be one of wmf, bpr. Provided value: "
              + implicitModel);
      }
    }
    if (mode == Feedback.EXPLICIT && alpha != null) {
      throw CliException.usage("--alpha needs --feedback implicit");
    }
    if (mode == Feedback.BPR && alpha != null) {
      throw CliException.usage("--alpha is weighted MF's confidence slope; BPR has none (drop"
          + " --alpha or use --implicit-model wmf)");
    }
    try {
      TrainingConfig d = TrainingConfig.defaults(rank, mode);
      TrainingConfig training = new TrainingConfig(
          rank,
          userReg == null ? d.userRegularization() : userReg,
          d.userBiasRegularization(),
          itemReg == null ? d.itemRegularization() : itemReg,
          localSteps == null ? d.localSteps() : localSteps,
          localLr == null ? d.localLearningRate() : localLr,
          d.ratingMin(),
          d.ratingMax(),
          d.itemWeightDecay(),
          mode,
          alpha == null ? d.implicitAlpha() : alpha);
      Partitioning.Kind partitionKind = partitionKind();
      SimulationConfig.Builder b = SimulationConfig.builder()
          .dataset(data.dataset)
          .split(data.splitName())
          .clientsPerRound(clientsPerRound)
          .rank(rank)
          .training(training)
          .serverOptimizer(serverOptimizer)
          .serverLearningRate(serverLr != null ? serverLr : defaultServerLr(mode))
          .rounds(rounds != null ? rounds : synthetic() ? SYNTHETIC_ROUNDS
              : SimulationConfig.DEFAULT_ROUNDS)
          .usersPerClient(usersPerClient != null ? usersPerClient
              : synthetic() && partitionKind == Partitioning.Kind.CONTIGUOUS
                  ? SYNTHETIC_USERS_PER_CLIENT : 1)
          .seed(data.seed)
          .evalEvery(evalEvery)
          .transport(kind)
          .secagg(secAggSettings())
          .privacy(dpOptions())
          .adaptiveClipping(adaptiveClip()
              ? new io.fedrec.coordinator.round.AdaptiveClipping(true, 0.5, 0.2, 0)
              : io.fedrec.coordinator.round.AdaptiveClipping.OFF)
          .dropout(dropout)
          .availability(availabilityModel(), roundMinutes)
          .stragglers(stragglers, latencySpread)
          .partition(partitionKind, silos == null ? 0 : silos,
              dirichletAlpha == null ? 0 : dirichletAlpha)
          .rankingMetrics(rankingMetrics(mode.implicit()));
      if (threads != null) {
        b.threads(threads);
      }
      return b.build();
    } catch (IllegalArgumentException e) {
      throw Flags.rename(e, FLAGS, null);
    }
  }

  /** --availability and its companions, validated. */
  private ClientBehaviour.Availability availabilityModel() {
    ClientBehaviour.Availability a;
    try {
      a = ClientBehaviour.Availability.parse(availability);
    } catch (IllegalArgumentException e) {
      throw CliException.usage("--" + e.getMessage(), e);
    }
    if (!(roundMinutes >= 0.01 && roundMinutes <= 1440)) {
      throw CliException.usage("--round-minutes must be in [0.01, 1440]. Provided value: "
          + roundMinutes);
    }
    if (a == ClientBehaviour.Availability.DIURNAL && !"none".equals(privacy)) {
      throw CliException.usage("--availability diurnal needs --privacy none: the accountant"
          + " assumes every user may be sampled in every round, which diurnal availability"
          + " breaks");
    }
    if (!(stragglers >= 0 && stragglers < 1)) {
      throw CliException.usage("--stragglers must be in [0, 1). Provided value: " + stragglers);
    }
    if (!(latencySpread >= 0 && latencySpread <= 10)) {
      throw CliException.usage("--latency-spread must be in [0, 10]. Provided value: "
          + latencySpread);
    }
    return a;
  }

  /** --partition, checked against --silos, --dirichlet-alpha and --users-per-client. */
  private Partitioning.Kind partitionKind() {
    Partitioning.Kind kind;
    try {
      kind = Partitioning.Kind.parse(partition);
    } catch (IllegalArgumentException e) {
      throw CliException.usage("--" + e.getMessage(), e);
    }
    if (kind == Partitioning.Kind.CONTIGUOUS) {
      if (silos != null || dirichletAlpha != null) {
        throw CliException.usage("--silos and --dirichlet-alpha need --partition iid or"
            + " dirichlet");
      }
      return kind;
    }
    if (silos == null) {
      throw CliException.usage("--partition " + kind.key() + " needs --silos N");
    }
    Flags.inRange("--silos", silos, 1, 1_000_000);
    if (usersPerClient != null) {
      throw CliException.usage("--users-per-client applies to --partition contiguous only;"
          + " --partition " + kind.key() + " takes --silos");
    }
    if (kind == Partitioning.Kind.IID && dirichletAlpha != null) {
      throw CliException.usage("--dirichlet-alpha needs --partition dirichlet");
    }
    if (kind == Partitioning.Kind.DIRICHLET) {
      if (dirichletAlpha == null) {
        dirichletAlpha = 0.5;
      }
      if (!(dirichletAlpha >= 1e-3 && dirichletAlpha <= 1e6)) {
        throw CliException.usage("--dirichlet-alpha must be in [0.001, 1000000]. Provided"
            + " value: " + dirichletAlpha);
      }
    }
    return kind;
  }

  private boolean adaptiveClip() {
    if (adaptiveClip && (!privacy.equals("central") || !"off".equals(secagg))) {
      throw CliException.usage("--adaptive-clip needs --privacy central and --secagg off (the"
          + " unclipped count travels in the clear, to be noised by the coordinator)");
    }
    return adaptiveClip;
  }

  /** Secure aggregation from --secagg and its options. */
  private SecAggSettings secAggSettings() {
    if (!(dropout >= 0 && dropout < 1)) {
      throw CliException.usage("--dropout must be in [0, 1). Provided value: " + dropout);
    }
    switch (secagg) {
      case "off":
        if (secaggThreshold != null || secaggNeighbours != null) {
          throw CliException.usage("--secagg-threshold and --secagg-neighbours need --secagg on");
        }
        return SecAggSettings.OFF;
      case "on": {
        SecAggSettings d = SecAggSettings.on();
        try {
          return new SecAggSettings(true, d.clipRange(), d.scale(), d.maxWeight(),
              secaggNeighbours == null ? 0 : secaggNeighbours,
              secaggThreshold == null ? 0 : secaggThreshold, d.phaseTimeout());
        } catch (IllegalArgumentException e) {
          String m = String.valueOf(e.getMessage());
          throw CliException.usage(m.replace("secagg_threshold", "--secagg-threshold")
              .replace("secagg_neighbours", "--secagg-neighbours"), e);
        }
      }
      default:
        throw CliException.usage("--secagg must be on or off. Provided value: " + secagg);
    }
  }

  /**
   * FedAvg's tuned rate, or for the other optimizers the default of {@link ServerOptimizers}
   * (FedAvg's 10 would make an adaptive step of about 10 per coordinate).
   */
  private double defaultServerLr(Feedback mode) {
    switch (serverOptimizer == null ? "" : serverOptimizer.trim().toLowerCase(Locale.ROOT)) {
      case "fedavgm":
        return FedAvgM.DEFAULT_ETA;
      case "fedadagrad":
        return FedAdagrad.DEFAULT_ETA;
      case "fedadam":
        return FedAdam.DEFAULT_ETA;
      case "fedyogi":
        return FedYogi.DEFAULT_ETA;
      default:
        if (mode == Feedback.IMPLICIT) {
          return SimulationConfig.DEFAULT_IMPLICIT_SERVER_LEARNING_RATE;
        }
        if (mode == Feedback.BPR) {
          return SimulationConfig.DEFAULT_BPR_SERVER_LEARNING_RATE;
        }
        // clipped updates are smaller: the private default takes a larger step
        return privacy.equals("none") ? SimulationConfig.DEFAULT_SERVER_LEARNING_RATE
            : PRIVATE_SERVER_LR;
    }
  }

  private boolean synthetic() {
    return DataSets.SYNTHETIC.equals(data.dataset);
  }

  /**
   * The private default (docs/research.md, "The private default"): a federation of 100,000
   * synthetic users in 5,000 clients of 20, 100 clients (2,000 users) per round for 100 rounds,
   * SecAgg+ and distributed DP at epsilon 4, delta 1e-6, clip 1, server learning rate 30.
   */
  static final double DEFAULT_CLIP = 1.0;

  static final double DEFAULT_EPSILON = 4;
  static final double PRIVATE_SERVER_LR = 30;
  static final long SYNTHETIC_ROUNDS = 100;
  static final int SYNTHETIC_USERS_PER_CLIENT = 20;

  /** --protocol, or for implicit feedback loo when it is not given. */
  private String effectiveProtocol(boolean implicit) {
    return protocol == null && implicit ? RankingProtocol.Kind.LEAVE_ONE_OUT.label() : protocol;
  }

  /**
   * The requested ranking metrics (validating --metrics and --protocol); for implicit feedback
   * without --metrics, hr@10,ndcg@10.
   */
  private List<MetricSpec> rankingMetrics(boolean implicit) {
    String protocol = effectiveProtocol(implicit);
    if (protocol != null) {
      try {
        RankingProtocol.Kind.parse(protocol);
      } catch (IllegalArgumentException e) {
        throw CliException.usage("--protocol must be one of loo, full. Provided value: "
            + protocol, e);
      }
    }
    if (metrics == null) {
      return protocol == null ? List.of() : MetricSpec.parseList("hr@10,ndcg@10");
    }
    try {
      return MetricSpec.parseList(metrics);
    } catch (IllegalArgumentException e) {
      throw CliException.usage("--metrics: " + e.getMessage(), e);
    }
  }

  /** DP options from the flags, or null for --privacy none. */
  private DpOptions dpOptions() {
    switch (privacy) {
      case "none":
        if (epsilon != null || noiseMultiplier != null) {
          throw CliException.usage(
              "--epsilon and --noise-multiplier need --privacy central, distributed or local");
        }
        if (!"discrete_gaussian".equals(noiseDistribution)) {
          throw CliException.usage("--noise-distribution " + noiseDistribution + " needs"
              + " --privacy distributed or local");
        }
        return null;
      case "central":
      case "distributed":
      case "local":
        if (privacy.equals("distributed") && !"on".equals(secagg)) {
          throw CliException.usage("--privacy distributed needs --secagg on: each client adds"
              + " only a share of the noise, which protects nobody unless the coordinator sees"
              + " nothing but the sum; with --secagg off choose --privacy central or none");
        }
        if (!noiseDistribution.equals("discrete_gaussian") && !noiseDistribution.equals("skellam")) {
          throw CliException.usage("--noise-distribution must be discrete_gaussian or skellam."
              + " Provided value: " + noiseDistribution);
        }
        if (noiseDistribution.equals("skellam") && privacy.equals("central")) {
          throw CliException.usage("--noise-distribution skellam needs --privacy distributed or"
              + " local: with central the coordinator adds Gaussian noise itself");
        }
        try {
          return new DpOptions(epsilon == null ? DEFAULT_EPSILON : epsilon, delta, clip,
              noiseMultiplier == null ? 0 : noiseMultiplier, privacy, noiseDistribution);
        } catch (IllegalArgumentException e) {
          throw Flags.rename(e, Map.of("epsilon", "--epsilon", "delta", "--delta",
              "clipNorm", "--clip", "noiseMultiplier", "--noise-multiplier"), null);
        }
      default:
        throw CliException.usage("--privacy must be one of none, central, distributed, local."
            + " Provided value: " + privacy);
    }
  }

  private static void printRow(PrintWriter o, RoundRow row, SimulationConfig c, int width) {
    if (c.training().implicit()) {
      o.printf(Locale.ROOT, "round %" + width + "d/%d ", row.round(), c.rounds());
      for (Map.Entry<String, Double> e : row.ranking().entrySet()) {
        o.printf(Locale.ROOT, " %s %.4f", e.getKey(), e.getValue());
      }
      o.printf(Locale.ROOT, "  clients %d%n", row.clients());
      o.flush();
      return;
    }
    o.printf(Locale.ROOT, "round %" + width + "d/%d  test RMSE %.4f  train RMSE %s  clients %d%n",
        row.round(), c.rounds(), row.testRmse(),
        Double.isNaN(row.trainRmse()) ? "   n/a" : String.format(Locale.ROOT, "%.4f",
            row.trainRmse()),
        row.clients());
    o.flush();
  }

  private static String number(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
  }

  static String bytes(long n) {
    if (n < 1024) {
      return n + " B";
    }
    if (n < 1024 * 1024) {
      return String.format(Locale.ROOT, "%.1f KiB", n / 1024.0);
    }
    if (n < 1024L * 1024 * 1024) {
      return String.format(Locale.ROOT, "%.1f MiB", n / (1024.0 * 1024));
    }
    return String.format(Locale.ROOT, "%.2f GiB", n / (1024.0 * 1024 * 1024));
  }
}
