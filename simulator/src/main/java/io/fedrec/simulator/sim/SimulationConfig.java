package io.fedrec.simulator.sim;

import io.fedrec.simulator.eval.MetricSpec;
import io.fedrec.coordinator.round.FederationConfig;
import io.fedrec.core.aggregate.ServerOptimizers;
import io.fedrec.core.model.Checks;
import io.fedrec.core.model.ModelShape;
import io.fedrec.core.model.TrainingConfig;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The settings of one simulated federation. Immutable; built by {@link #builder()}, which
 * validates in {@link Builder#build()} with messages that name the setting, the rule and the
 * value ({@code "rounds must be in [1, 1000000]. Provided value: 0"}).
 *
 * <p>Defaults: {@value #DEFAULT_ROUNDS} rounds, cohorts of {@value #DEFAULT_CLIENTS_PER_ROUND}
 * clients, one user per client (cross-device), rank {@value #DEFAULT_RANK} with {@link
 * TrainingConfig#defaults(int)}, server learning rate {@value #DEFAULT_SERVER_LEARNING_RATE},
 * initial factor scale {@value #DEFAULT_INIT_SCALE}, seed 0, evaluation every {@value
 * #DEFAULT_EVAL_EVERY} rounds, direct transport, one thread per available processor. The
 * learning-rate and training defaults were tuned on MovieLens-100K u1 (see docs/research.md).
 */
public final class SimulationConfig {
  public static final long DEFAULT_ROUNDS = 500;
  public static final int DEFAULT_CLIENTS_PER_ROUND = 100;
  public static final int DEFAULT_RANK = 16;
  public static final double DEFAULT_SERVER_LEARNING_RATE = 10;

  /**
   * Server learning rate that {@code fedrec simulate --feedback implicit} uses unless told
   * otherwise (see docs/research.md, "Implicit feedback").
   */
  public static final double DEFAULT_IMPLICIT_SERVER_LEARNING_RATE = 10;

  /**
   * Server learning rate of {@code --feedback implicit --implicit-model bpr} (see
   * docs/research.md, "BPR").
   */
  public static final double DEFAULT_BPR_SERVER_LEARNING_RATE = 10;
  public static final double DEFAULT_INIT_SCALE = 0.1;
  /** Simulated minutes per round of the diurnal availability clock. */
  public static final double DEFAULT_ROUND_MINUTES = 10;
  /** Spread of the clients' persistent log-latency (see {@link ClientBehaviour}). */
  public static final double DEFAULT_LATENCY_SPREAD = 1;
  public static final int DEFAULT_EVAL_EVERY = 25;

  /** Ranking metrics of an implicit-feedback run that requests none: HR@10 and NDCG@10. */
  public static final List<MetricSpec> DEFAULT_IMPLICIT_METRICS =
      List.of(MetricSpec.parse("hr@10"), MetricSpec.parse("ndcg@10"));

  /** Most worker threads accepted; more than a few times the cores only adds contention. */
  public static final int MAX_THREADS = 1024;

  private final String dataset;
  private final String split;
  private final long rounds;
  private final int clientsPerRound;
  private final int usersPerClient;
  private final TrainingConfig training;
  private final double serverLearningRate;
  private final String serverOptimizer;
  private final double initScale;
  private final long seed;
  private final int evalEvery;
  private final Transport transport;
  private final int threads;
  private final DpOptions privacy;
  private final io.fedrec.coordinator.round.SecAggSettings secagg;
  private final double dropout;
  private final ClientBehaviour.Availability availability;
  private final double roundMinutes;
  private final double stragglers;
  private final double latencySpread;
  private final Partitioning.Kind partition;
  private final int silos;
  private final double dirichletAlpha;
  private final io.fedrec.coordinator.round.AdaptiveClipping adaptiveClipping;
  private final List<MetricSpec> rankingMetrics;

  private SimulationConfig(Builder b, TrainingConfig training, List<MetricSpec> rankingMetrics) {
    this.dataset = b.dataset;
    this.split = b.split;
    this.rounds = b.rounds;
    this.clientsPerRound = b.clientsPerRound;
    this.usersPerClient = b.usersPerClient;
    this.training = training;
    this.serverLearningRate = b.serverLearningRate;
    this.serverOptimizer = b.serverOptimizer.trim().toLowerCase(Locale.ROOT);
    this.initScale = b.initScale;
    this.seed = b.seed;
    this.evalEvery = b.evalEvery;
    this.transport = b.transport;
    this.threads = b.threads;
    this.privacy = b.privacy;
    this.secagg = b.secagg;
    this.dropout = b.dropout;
    this.availability = b.availability;
    this.roundMinutes = b.roundMinutes;
    this.stragglers = b.stragglers;
    this.latencySpread = b.latencySpread;
    this.partition = b.partition;
    this.silos = b.silos;
    this.dirichletAlpha = b.dirichletAlpha;
    this.adaptiveClipping = b.adaptiveClipping;
    this.rankingMetrics = List.copyOf(rankingMetrics);
  }

  /** Ranking metrics computed at every evaluation (empty: none). */
  public List<MetricSpec> rankingMetrics() {
    return rankingMetrics;
  }

  /** Secure aggregation of every round; {@code SecAggSettings.OFF} by default. */
  public io.fedrec.coordinator.round.SecAggSettings secagg() {
    return secagg;
  }

  /**
   * Probability that a cohort client vanishes during its round (at a uniformly random point:
   * before or after training, or in one of the SecAgg+ phases); 0 by default.
   */
  public double dropout() {
    return dropout;
  }

  /** When clients can be sampled ({@link ClientBehaviour}). */
  public ClientBehaviour.Availability availability() {
    return availability;
  }

  /** Simulated minutes per round (the diurnal clock). */
  public double roundMinutes() {
    return roundMinutes;
  }

  /** Expected fraction of sampled clients past the round deadline ({@link ClientBehaviour}). */
  public double stragglers() {
    return stragglers;
  }

  /** Spread of the clients' persistent log-latency ({@link ClientBehaviour}). */
  public double latencySpread() {
    return latencySpread;
  }

  /** How users are grouped into clients ({@link Partitioning}). */
  public Partitioning.Kind partition() {
    return partition;
  }

  /** Silos of the iid and dirichlet partitions; 0 with contiguous. */
  public int silos() {
    return silos;
  }

  /** Concentration of the dirichlet partition; 0 otherwise. */
  public double dirichletAlpha() {
    return dirichletAlpha;
  }

  /** Adaptive clipping of central DP; off by default. */
  public io.fedrec.coordinator.round.AdaptiveClipping adaptiveClipping() {
    return adaptiveClipping;
  }

  /** Central differential privacy, or null for none. */
  public DpOptions privacy() {
    return privacy;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding these values. */
  public Builder toBuilder() {
    return new Builder()
        .dataset(dataset)
        .split(split)
        .rounds(rounds)
        .clientsPerRound(clientsPerRound)
        .usersPerClient(usersPerClient)
        .rank(training.rank())
        .training(training)
        .serverLearningRate(serverLearningRate)
        .serverOptimizer(serverOptimizer)
        .initScale(initScale)
        .seed(seed)
        .evalEvery(evalEvery)
        .transport(transport)
        .threads(threads)
        .privacy(privacy)
        .secagg(secagg)
        .dropout(dropout)
        .partition(partition, silos, dirichletAlpha)
        .availability(availability, roundMinutes)
        .stragglers(stragglers, latencySpread)
        .adaptiveClipping(adaptiveClipping)
        .rankingMetrics(rankingMetrics);
  }

  /** Name of the data set, for reports (e.g. {@code synthetic}, {@code movielens-100k}). */
  public String dataset() {
    return dataset;
  }

  /** Name of the split, for reports (e.g. {@code random}, {@code u1}). */
  public String split() {
    return split;
  }

  public long rounds() {
    return rounds;
  }

  /** Clients sampled into each round's cohort (capped at the number of clients). */
  public int clientsPerRound() {
    return clientsPerRound;
  }

  /** Users per virtual client: 1 is cross-device; more groups consecutive users into silos. */
  public int usersPerClient() {
    return usersPerClient;
  }

  public int rank() {
    return training.rank();
  }

  public TrainingConfig training() {
    return training;
  }

  /** Step size of the server optimizer (its {@code eta}). */
  public double serverLearningRate() {
    return serverLearningRate;
  }

  /** One of {@link ServerOptimizers#NAMES}, lower case; default {@code fedavg}. */
  public String serverOptimizer() {
    return serverOptimizer;
  }

  public double initScale() {
    return initScale;
  }

  /** Seed of the initial model and of cohort sampling. */
  public long seed() {
    return seed;
  }

  /** Test metrics are computed every {@code evalEvery} rounds and after the last one. */
  public int evalEvery() {
    return evalEvery;
  }

  public Transport transport() {
    return transport;
  }

  /** Worker threads that run the virtual clients and the evaluation. */
  public int threads() {
    return threads;
  }

  @Override
  public String toString() {
    return "SimulationConfig{dataset=" + dataset + ", split=" + split + ", rounds=" + rounds
        + ", clientsPerRound=" + clientsPerRound + ", usersPerClient=" + usersPerClient
        + ", availability=" + availability.key() + ", roundMinutes=" + roundMinutes
        + ", stragglers=" + stragglers + ", latencySpread=" + latencySpread
        + ", partition=" + partition.key() + ", silos=" + silos + ", dirichletAlpha="
        + dirichletAlpha
        + ", training=" + training + ", serverOptimizer=" + serverOptimizer
        + ", serverLearningRate=" + serverLearningRate
        + ", initScale=" + initScale + ", seed=" + seed + ", evalEvery=" + evalEvery
        + ", transport=" + transport.cliName() + ", threads=" + threads + "}";
  }

  /** Builder with the documented defaults. Not thread-safe. */
  public static final class Builder {
    private String dataset = "synthetic";
    private String split = "random";
    private long rounds = DEFAULT_ROUNDS;
    private int clientsPerRound = DEFAULT_CLIENTS_PER_ROUND;
    private int usersPerClient = 1;
    private int rank;
    private TrainingConfig training;
    private double serverLearningRate = DEFAULT_SERVER_LEARNING_RATE;
    private String serverOptimizer = "fedavg";
    private double initScale = DEFAULT_INIT_SCALE;
    private long seed;
    private int evalEvery = DEFAULT_EVAL_EVERY;
    private Transport transport = Transport.DIRECT;
    private int threads = Runtime.getRuntime().availableProcessors();
    private DpOptions privacy;
    private io.fedrec.coordinator.round.SecAggSettings secagg =
        io.fedrec.coordinator.round.SecAggSettings.OFF;
    private double dropout;
    private ClientBehaviour.Availability availability = ClientBehaviour.Availability.ALWAYS;
    private double roundMinutes = DEFAULT_ROUND_MINUTES;
    private double stragglers;
    private double latencySpread = DEFAULT_LATENCY_SPREAD;
    private Partitioning.Kind partition = Partitioning.Kind.CONTIGUOUS;
    private int silos;
    private double dirichletAlpha;
    private io.fedrec.coordinator.round.AdaptiveClipping adaptiveClipping =
        io.fedrec.coordinator.round.AdaptiveClipping.OFF;

    public Builder adaptiveClipping(io.fedrec.coordinator.round.AdaptiveClipping a) {
      this.adaptiveClipping = java.util.Objects.requireNonNull(a, "adaptiveClipping");
      return this;
    }
    private List<MetricSpec> rankingMetrics = List.of();

    private Builder() {}

    /**
     * Ranking metrics to compute at every evaluation. The protocol follows the split: leave-one-out
     * ({@code DataSets.leaveOneOut}, 99 sampled negatives) when its name is {@code loo}, else
     * full-catalogue ranking with relevance = test rating >= 4 (implicit feedback: every test
     * interaction). Default: none for explicit feedback, {@link #DEFAULT_IMPLICIT_METRICS} for
     * implicit.
     */
    public Builder rankingMetrics(List<MetricSpec> rankingMetrics) {
      this.rankingMetrics = Objects.requireNonNull(rankingMetrics, "rankingMetrics");
      return this;
    }

    public Builder secagg(io.fedrec.coordinator.round.SecAggSettings secagg) {
      this.secagg = java.util.Objects.requireNonNull(secagg, "secagg");
      return this;
    }

    /** Client availability and the simulated minutes per round of the diurnal clock. */
    public Builder availability(ClientBehaviour.Availability availability, double roundMinutes) {
      this.availability = Objects.requireNonNull(availability, "availability");
      this.roundMinutes = roundMinutes;
      return this;
    }

    /**
     * Expected fraction of sampled clients past the round deadline, and the spread of the
     * clients' persistent log-latency (0: stragglers at random).
     */
    public Builder stragglers(double stragglers, double latencySpread) {
      this.stragglers = stragglers;
      this.latencySpread = latencySpread;
      return this;
    }

    /**
     * Groups users into {@code silos} silos by {@code kind} (iid or dirichlet, with {@code alpha}
     * for dirichlet); contiguous takes {@code silos = 0} and uses {@link #usersPerClient}.
     */
    public Builder partition(Partitioning.Kind kind, int silos, double alpha) {
      this.partition = Objects.requireNonNull(kind, "partition");
      this.silos = silos;
      this.dirichletAlpha = alpha;
      return this;
    }

    public Builder dropout(double dropout) {
      this.dropout = dropout;
      return this;
    }

    /** Central differential privacy; null (the default) for none. */
    public Builder privacy(DpOptions privacy) {
      this.privacy = privacy;
      return this;
    }

    public Builder dataset(String dataset) {
      this.dataset = dataset;
      return this;
    }

    public Builder split(String split) {
      this.split = split;
      return this;
    }

    public Builder rounds(long rounds) {
      this.rounds = rounds;
      return this;
    }

    public Builder clientsPerRound(int clientsPerRound) {
      this.clientsPerRound = clientsPerRound;
      return this;
    }

    public Builder usersPerClient(int usersPerClient) {
      this.usersPerClient = usersPerClient;
      return this;
    }

    /** The latent dimension; defaults to the training config's, else {@value #DEFAULT_RANK}. */
    public Builder rank(int rank) {
      this.rank = rank;
      return this;
    }

    /** The local hyper-parameters; default {@link TrainingConfig#defaults(int)} of the rank. */
    public Builder training(TrainingConfig training) {
      this.training = training;
      return this;
    }

    public Builder serverLearningRate(double serverLearningRate) {
      this.serverLearningRate = serverLearningRate;
      return this;
    }

    /**
     * The server optimizer by name (see {@link ServerOptimizers}), with {@link
     * #serverLearningRate} as its step size and its other parameters at their defaults.
     */
    public Builder serverOptimizer(String serverOptimizer) {
      this.serverOptimizer = serverOptimizer;
      return this;
    }

    public Builder initScale(double initScale) {
      this.initScale = initScale;
      return this;
    }

    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    public Builder evalEvery(int evalEvery) {
      this.evalEvery = evalEvery;
      return this;
    }

    public Builder transport(Transport transport) {
      this.transport = transport;
      return this;
    }

    public Builder threads(int threads) {
      this.threads = threads;
      return this;
    }

    /** @throws IllegalArgumentException naming the first invalid setting */
    public SimulationConfig build() {
      if (dataset == null || dataset.isBlank()) {
        throw new IllegalArgumentException("dataset must not be empty. Provided value: "
            + (dataset == null ? "null" : '"' + dataset + '"'));
      }
      if (split == null || split.isBlank()) {
        throw new IllegalArgumentException("split must not be empty. Provided value: "
            + (split == null ? "null" : '"' + split + '"'));
      }
      Checks.inRange("rounds", rounds, 1, FederationConfig.MAX_ROUNDS);
      Checks.inRange(
          "clientsPerRound", clientsPerRound, 1, FederationConfig.MAX_CLIENTS_PER_ROUND);
      Checks.inRange("usersPerClient", usersPerClient, 1, 100_000_000);
      Checks.finiteInRange("serverLearningRate", serverLearningRate, 1e-6, 1e6);
      try {
        ServerOptimizers.create(serverOptimizer, Map.of("eta", serverLearningRate));
      } catch (IllegalArgumentException e) {
        String message = String.valueOf(e.getMessage());
        throw new IllegalArgumentException(message.startsWith("server optimizer name ")
            ? "serverOptimizer " + message.substring("server optimizer name ".length())
            : message, e);
      }
      Checks.finiteInRange("initScale", initScale, 0, 10);
      Checks.inRange("evalEvery", evalEvery, 1, Integer.MAX_VALUE);
      Checks.inRange("threads", threads, 1, MAX_THREADS);
      if (!(dropout >= 0 && dropout < 1)) {
        throw new IllegalArgumentException("dropout must be in [0, 1). Provided value: " + dropout);
      }
      Checks.finiteInRange("roundMinutes", roundMinutes, 0.01, 1440);
      if (!(stragglers >= 0 && stragglers < 1)) {
        throw new IllegalArgumentException(
            "stragglers must be in [0, 1). Provided value: " + stragglers);
      }
      Checks.finiteInRange("latencySpread", latencySpread, 0, 10);
      if (availability == ClientBehaviour.Availability.DIURNAL && privacy != null) {
        // fail closed: the accountant's sampling rate would overstate the amplification
        throw new IllegalArgumentException("availability diurnal cannot be combined with"
            + " differential privacy: the accountant assumes every user may be sampled in every"
            + " round (amplification by sampling), which diurnal availability breaks");
      }
      if (partition == Partitioning.Kind.CONTIGUOUS) {
        if (silos != 0 || dirichletAlpha != 0) {
          throw new IllegalArgumentException("silos and dirichletAlpha need partition iid or"
              + " dirichlet. Provided values: silos=" + silos + ", dirichletAlpha="
              + dirichletAlpha);
        }
      } else {
        Checks.inRange("silos", silos, 1, 1_000_000);
        if (usersPerClient != 1) {
          throw new IllegalArgumentException("usersPerClient applies to partition contiguous"
              + " only; iid and dirichlet take silos. Provided value: " + usersPerClient);
        }
        if (partition == Partitioning.Kind.DIRICHLET) {
          Checks.finiteInRange("dirichletAlpha", dirichletAlpha, 1e-3, 1e6);
        } else if (dirichletAlpha != 0) {
          throw new IllegalArgumentException("dirichletAlpha needs partition dirichlet."
              + " Provided value: " + dirichletAlpha);
        }
      }
      Objects.requireNonNull(transport, "transport");
      TrainingConfig t;
      if (training == null) {
        int k = rank == 0 ? DEFAULT_RANK : rank;
        Checks.inRange("rank", k, 1, ModelShape.MAX_RANK);
        t = TrainingConfig.defaults(k);
      } else {
        if (rank != 0 && rank != training.rank()) {
          Checks.inRange("rank", rank, 1, ModelShape.MAX_RANK);
          throw new IllegalArgumentException(
              "rank must equal the training config's rank " + training.rank()
                  + ". Provided value: " + rank);
        }
        t = training;
      }
      // RMSE says nothing about an implicit model: rank by default
      List<MetricSpec> metrics = t.implicit() && rankingMetrics.isEmpty()
          ? DEFAULT_IMPLICIT_METRICS
          : rankingMetrics;
      return new SimulationConfig(this, t, metrics);
    }
  }
}
