package io.fedrec.coordinator.round;

import io.fedrec.core.aggregate.ServerOptimizer;
import io.fedrec.core.aggregate.ServerOptimizers;
import io.fedrec.core.dp.NoiseDistribution;
import io.fedrec.core.model.Checks;
import io.fedrec.core.model.Feedback;
import io.fedrec.core.model.ModelShape;
import io.fedrec.core.model.TrainingConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * Everything a federation agrees on before its first round: the model's shape, the local
 * computation every client runs, the number of rounds, the cohort and its timeouts, and the server
 * step. Immutable; built by {@link #builder}, which validates in {@link Builder#build()}.
 *
 * <p>The same configuration can be written as a properties file ({@link #toProperties()},
 * {@link #fromProperties}); the keys are listed in {@code docs/operations.md}.
 */
public final class FederationConfig {
  /** Largest number of rounds a federation may run. */
  public static final long MAX_ROUNDS = 1_000_000;

  /** Largest cohort; bounded by the exact aggregator's overflow-free contribution count. */
  public static final int MAX_CLIENTS_PER_ROUND = 1 << 19;

  /** Chunk size limits in bytes (a multiple of 4 in between). */
  public static final int MIN_CHUNK_BYTES = 4 * 1024;

  public static final int MAX_CHUNK_BYTES = 4 * 1024 * 1024;

  private final int numItems;
  private final TrainingConfig training;
  private final long rounds;
  private final int clientsPerRound;
  private final int minClients;
  private final Duration selectionTimeout;
  private final Duration roundTimeout;
  private final double serverLearningRate;
  private final String serverOptimizer;
  private final Double serverBeta;
  private final Double serverBeta1;
  private final Double serverBeta2;
  private final Double serverTau;
  private final float initialMean;
  private final double initScale;
  private final long seed;
  private final Duration retryDelay;
  private final double selectionProbability;
  private final int maxChunkBytes;
  private final PrivacySettings privacy;
  private final SecAggSettings secagg;
  private final AdaptiveClipping adaptiveClipping;

  private FederationConfig(Builder b) {
    numItems = b.numItems;
    training = b.training;
    rounds = b.rounds;
    clientsPerRound = b.clientsPerRound;
    minClients = b.minClients == 0 ? b.clientsPerRound : b.minClients;
    selectionTimeout = b.selectionTimeout;
    roundTimeout = b.roundTimeout;
    serverLearningRate = b.serverLearningRate;
    serverOptimizer = b.serverOptimizer;
    serverBeta = b.serverBeta;
    serverBeta1 = b.serverBeta1;
    serverBeta2 = b.serverBeta2;
    serverTau = b.serverTau;
    initialMean = b.initialMean;
    initScale = b.initScale;
    seed = b.seed;
    retryDelay = b.retryDelay;
    selectionProbability = b.selectionProbability;
    maxChunkBytes = b.maxChunkBytes;
    privacy = b.privacy;
    secagg = b.secagg;
    adaptiveClipping = b.adaptiveClipping;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this configuration's values, for deriving a variant. */
  public Builder toBuilder() {
    return new Builder()
        .numItems(numItems)
        .training(training)
        .rounds(rounds)
        .clientsPerRound(clientsPerRound)
        .minClients(minClients)
        .selectionTimeout(selectionTimeout)
        .roundTimeout(roundTimeout)
        .serverLearningRate(serverLearningRate)
        .serverOptimizer(serverOptimizer)
        .serverBeta(serverBeta)
        .serverBeta1(serverBeta1)
        .serverBeta2(serverBeta2)
        .serverTau(serverTau)
        .initialMean(initialMean)
        .initScale(initScale)
        .seed(seed)
        .retryDelay(retryDelay)
        .selectionProbability(selectionProbability)
        .maxChunkBytes(maxChunkBytes)
        .privacy(privacy)
        .secagg(secagg)
        .adaptiveClipping(adaptiveClipping);
  }

  public int numItems() {
    return numItems;
  }

  public TrainingConfig training() {
    return training;
  }

  public int rank() {
    return training.rank();
  }

  public ModelShape shape() {
    return new ModelShape(numItems, training.rank());
  }

  /** Number of rounds to publish; the federation is finished after round {@code rounds}. */
  public long rounds() {
    return rounds;
  }

  /** Cohort size: the first {@code clientsPerRound} clients to check in are selected. */
  public int clientsPerRound() {
    return clientsPerRound;
  }

  /** Fewest submissions a round needs to be published; fewer and it is abandoned and retried. */
  public int minClients() {
    return minClients;
  }

  /** How long a round waits for a full cohort before training with at least min_clients. */
  public Duration selectionTimeout() {
    return selectionTimeout;
  }

  /** From a round's opening to its deadline; selected clients not done by then are dropouts. */
  public Duration roundTimeout() {
    return roundTimeout;
  }

  /** The server optimizer's step size (its {@code eta}); FedAvg's default is 10. */
  public double serverLearningRate() {
    return serverLearningRate;
  }

  /** Name of the server optimizer, one of {@link ServerOptimizers#NAMES}; default fedavg. */
  public String serverOptimizer() {
    return serverOptimizer;
  }

  /**
   * The parameters handed to {@link ServerOptimizers#create}: {@code eta} (the server learning
   * rate) and whichever of {@code beta}, {@code beta1}, {@code beta2}, {@code tau} are set; the
   * others take the optimizer's defaults.
   */
  public Map<String, Double> serverOptimizerParams() {
    return optimizerParams(serverLearningRate, serverBeta, serverBeta1, serverBeta2, serverTau);
  }

  /** A fresh server optimizer (step 0) as configured. */
  public ServerOptimizer newServerOptimizer() {
    return ServerOptimizers.create(serverOptimizer, serverOptimizerParams());
  }

  private static Map<String, Double> optimizerParams(
      double eta, Double beta, Double beta1, Double beta2, Double tau) {
    Map<String, Double> params = new LinkedHashMap<>();
    params.put("eta", eta);
    putIfSet(params, "beta", beta);
    putIfSet(params, "beta1", beta1);
    putIfSet(params, "beta2", beta2);
    putIfSet(params, "tau", tau);
    return params;
  }

  private static void putIfSet(Map<String, Double> params, String key, Double value) {
    if (value != null) {
      params.put(key, value);
    }
  }

  public float initialMean() {
    return initialMean;
  }

  public double initScale() {
    return initScale;
  }

  /** Seed of the initial model (not of any privacy-relevant randomness). */
  public long seed() {
    return seed;
  }

  /** Delay suggested to clients that are not needed now. */
  public Duration retryDelay() {
    return retryDelay;
  }

  /**
   * 0 (the default): the first {@code clients_per_round} clients to check in form the cohort.
   * In (0, 1]: Poisson sampling — each client checking in during the selection window is selected
   * independently with this probability (decided once per client and round, by a keyed hash), the
   * window always runs to the selection timeout, and {@code clients_per_round} only caps the
   * cohort. This is the sampling the privacy accountants assume.
   */
  public double selectionProbability() {
    return selectionProbability;
  }

  public int maxChunkBytes() {
    return maxChunkBytes;
  }

  /** User-level differential privacy; {@link PrivacySettings#NONE} by default. */
  public PrivacySettings privacy() {
    return privacy;
  }

  /** Adaptive clipping of central DP; {@link AdaptiveClipping#OFF} by default. */
  public AdaptiveClipping adaptiveClipping() {
    return adaptiveClipping;
  }

  /** Secure aggregation; {@link SecAggSettings#OFF} by default. */
  public SecAggSettings secagg() {
    return secagg;
  }

  /** Writes every setting under its properties key. */
  public Properties toProperties() {
    Properties p = new Properties();
    p.setProperty("num_items", Integer.toString(numItems));
    p.setProperty("rank", Integer.toString(training.rank()));
    p.setProperty("rounds", Long.toString(rounds));
    p.setProperty("clients_per_round", Integer.toString(clientsPerRound));
    p.setProperty("min_clients", Integer.toString(minClients));
    p.setProperty("selection_timeout_ms", Long.toString(selectionTimeout.toMillis()));
    p.setProperty("round_timeout_ms", Long.toString(roundTimeout.toMillis()));
    p.setProperty("server_learning_rate", Double.toString(serverLearningRate));
    p.setProperty("server_optimizer", serverOptimizer);
    setIfPresent(p, "server_beta", serverBeta);
    setIfPresent(p, "server_beta1", serverBeta1);
    setIfPresent(p, "server_beta2", serverBeta2);
    setIfPresent(p, "server_tau", serverTau);
    p.setProperty("initial_mean", Float.toString(initialMean));
    p.setProperty("init_scale", Double.toString(initScale));
    p.setProperty("seed", Long.toString(seed));
    p.setProperty("retry_delay_ms", Long.toString(retryDelay.toMillis()));
    p.setProperty("selection_probability", Double.toString(selectionProbability));
    p.setProperty("max_chunk_bytes", Integer.toString(maxChunkBytes));
    p.setProperty("user_regularization", Float.toString(training.userRegularization()));
    p.setProperty("user_bias_regularization", Float.toString(training.userBiasRegularization()));
    p.setProperty("item_regularization", Float.toString(training.itemRegularization()));
    p.setProperty("local_steps", Integer.toString(training.localSteps()));
    p.setProperty("local_learning_rate", Float.toString(training.localLearningRate()));
    p.setProperty("rating_min", Float.toString(training.ratingMin()));
    p.setProperty("rating_max", Float.toString(training.ratingMax()));
    p.setProperty("item_weight_decay", Float.toString(training.itemWeightDecay()));
    p.setProperty("feedback", training.feedback().key());
    p.setProperty("implicit_alpha", Float.toString(training.implicitAlpha()));
    p.setProperty("secagg", Boolean.toString(secagg.enabled()));
    if (secagg.enabled()) {
      p.setProperty("secagg_clip_range", Double.toString(secagg.clipRange()));
      p.setProperty("secagg_scale", Double.toString(secagg.scale()));
      p.setProperty("secagg_max_weight", Long.toString(secagg.maxWeight()));
      p.setProperty("secagg_neighbours", Integer.toString(secagg.neighbours()));
      p.setProperty("secagg_threshold", Double.toString(secagg.threshold()));
      p.setProperty("secagg_phase_timeout_ms", Long.toString(secagg.phaseTimeout().toMillis()));
    }
    p.setProperty("privacy_mode", privacy.mode().key());
    if (privacy.mode() != PrivacySettings.Mode.NONE) {
      p.setProperty("privacy_clip_norm", Double.toString(privacy.clipNorm()));
      p.setProperty("privacy_noise_multiplier", Double.toString(privacy.noiseMultiplier()));
      p.setProperty("privacy_epsilon", Double.toString(privacy.epsilon()));
      p.setProperty("privacy_delta", Double.toString(privacy.delta()));
      p.setProperty("privacy_population", Long.toString(privacy.population()));
      p.setProperty("privacy_users_per_round", Long.toString(privacy.usersPerRound()));
      p.setProperty("privacy_noise", privacy.noise().key());
      if (adaptiveClipping.enabled()) {
        p.setProperty("privacy_adaptive_clip", "true");
        p.setProperty("privacy_target_quantile", Double.toString(adaptiveClipping.targetQuantile()));
        p.setProperty("privacy_clip_learning_rate",
            Double.toString(adaptiveClipping.learningRate()));
        p.setProperty("privacy_count_noise", Double.toString(adaptiveClipping.countNoise()));
      }
    }
    return p;
  }

  private static void setIfPresent(Properties p, String key, Double value) {
    if (value != null) {
      p.setProperty(key, Double.toString(value));
    }
  }

  /** Server optimizer parameters, written only when set (absent: the optimizer's default). */
  private static final List<String> SERVER_OPTIMIZER_KEYS =
      List.of("server_beta", "server_beta1", "server_beta2", "server_tau");

  private static final List<String> PRIVACY_KEYS = List.of("privacy_clip_norm",
      "privacy_noise_multiplier", "privacy_epsilon", "privacy_delta", "privacy_population",
      "privacy_users_per_round", "privacy_noise");

  private static final List<String> ADAPTIVE_KEYS = List.of("privacy_adaptive_clip",
      "privacy_target_quantile", "privacy_clip_learning_rate", "privacy_count_noise");

  private static final List<String> SECAGG_KEYS = List.of("secagg_clip_range", "secagg_scale",
      "secagg_max_weight", "secagg_neighbours", "secagg_threshold", "secagg_phase_timeout_ms");

  private static final Set<String> KEYS = keys();

  private static Set<String> keys() {
    Set<String> keys = new TreeSet<>(new FederationConfig.Builder()
        .numItems(1).build().toProperties().stringPropertyNames());
    keys.addAll(PRIVACY_KEYS);
    keys.addAll(SERVER_OPTIMIZER_KEYS);
    keys.addAll(SECAGG_KEYS);
    keys.addAll(ADAPTIVE_KEYS);
    return keys;
  }

  /**
   * Reads a configuration from properties (keys as written by {@link #toProperties()}); missing
   * keys take their defaults, except {@code num_items}, which is required.
   *
   * @throws IllegalArgumentException naming the key, the rule and the value, for unknown keys,
   *     unparsable numbers and values out of range
   */
  public static FederationConfig fromProperties(Properties p) {
    for (String key : p.stringPropertyNames()) {
      if (!KEYS.contains(key)) {
        throw new IllegalArgumentException(
            "unknown configuration key '" + key + "'; known keys: " + KEYS);
      }
    }
    Builder b = builder();
    if (p.getProperty("num_items") == null) {
      throw new IllegalArgumentException("num_items is required");
    }
    b.numItems(intKey(p, "num_items", 0));
    int rank = intKey(p, "rank", 16);
    // feedback selects the defaults of the other training keys; absent means explicit, as in
    // files written before the key existed
    String feedbackName = raw(p, "feedback");
    Feedback feedback = feedbackName == null ? Feedback.EXPLICIT : Feedback.parse(feedbackName);
    TrainingConfig d = TrainingConfig.defaults(rank, feedback);
    b.training(
        new TrainingConfig(
            rank,
            floatKey(p, "user_regularization", d.userRegularization()),
            floatKey(p, "user_bias_regularization", d.userBiasRegularization()),
            floatKey(p, "item_regularization", d.itemRegularization()),
            intKey(p, "local_steps", d.localSteps()),
            floatKey(p, "local_learning_rate", d.localLearningRate()),
            floatKey(p, "rating_min", d.ratingMin()),
            floatKey(p, "rating_max", d.ratingMax()),
            floatKey(p, "item_weight_decay", d.itemWeightDecay()),
            feedback,
            floatKey(p, "implicit_alpha", d.implicitAlpha())));
    Builder defaults = builder();
    b.rounds(longKey(p, "rounds", defaults.rounds));
    b.clientsPerRound(intKey(p, "clients_per_round", defaults.clientsPerRound));
    b.minClients(intKey(p, "min_clients", 0));
    b.selectionTimeout(Duration.ofMillis(
        longKey(p, "selection_timeout_ms", defaults.selectionTimeout.toMillis())));
    b.roundTimeout(Duration.ofMillis(
        longKey(p, "round_timeout_ms", defaults.roundTimeout.toMillis())));
    b.serverLearningRate(doubleKey(p, "server_learning_rate", defaults.serverLearningRate));
    String optimizerName = raw(p, "server_optimizer");
    b.serverOptimizer(optimizerName == null ? defaults.serverOptimizer : optimizerName);
    b.serverBeta(optionalDoubleKey(p, "server_beta"));
    b.serverBeta1(optionalDoubleKey(p, "server_beta1"));
    b.serverBeta2(optionalDoubleKey(p, "server_beta2"));
    b.serverTau(optionalDoubleKey(p, "server_tau"));
    b.initialMean(floatKey(p, "initial_mean", defaults.initialMean));
    b.initScale(doubleKey(p, "init_scale", defaults.initScale));
    b.seed(longKey(p, "seed", defaults.seed));
    b.retryDelay(Duration.ofMillis(longKey(p, "retry_delay_ms", defaults.retryDelay.toMillis())));
    b.selectionProbability(doubleKey(p, "selection_probability", 0));
    b.maxChunkBytes(intKey(p, "max_chunk_bytes", defaults.maxChunkBytes));
    String secaggFlag = raw(p, "secagg");
    if (secaggFlag != null && !secaggFlag.equals("true") && !secaggFlag.equals("false")) {
      throw new IllegalArgumentException(
          "secagg must be true or false. Provided value: " + secaggFlag);
    }
    if ("true".equals(secaggFlag)) {
      SecAggSettings on = SecAggSettings.on();
      b.secagg(new SecAggSettings(true,
          doubleKey(p, "secagg_clip_range", on.clipRange()),
          doubleKey(p, "secagg_scale", on.scale()),
          longKey(p, "secagg_max_weight", on.maxWeight()),
          intKey(p, "secagg_neighbours", on.neighbours()),
          doubleKey(p, "secagg_threshold", on.threshold()),
          Duration.ofMillis(longKey(p, "secagg_phase_timeout_ms",
              on.phaseTimeout().toMillis()))));
    } else {
      for (String key : SECAGG_KEYS) {
        if (raw(p, key) != null) {
          throw new IllegalArgumentException(key + " is set but secagg is "
              + (secaggFlag == null ? "not set (false)" : "false") + "; set secagg=true");
        }
      }
    }
    String mode = raw(p, "privacy_mode");
    if (mode == null || mode.equals(PrivacySettings.Mode.NONE.key())) {
      for (String key : PRIVACY_KEYS) {
        if (p.getProperty(key) != null) {
          throw new IllegalArgumentException(key + " is set but privacy_mode is "
              + (mode == null ? "not set (none)" : "none") + "; set privacy_mode=central");
        }
      }
    } else {
      PrivacySettings.Mode m = PrivacySettings.Mode.parse(mode);
      for (String key : List.of("privacy_clip_norm", "privacy_epsilon", "privacy_delta",
          "privacy_population")) {
        if (p.getProperty(key) == null) {
          throw new IllegalArgumentException(key + " is required when privacy_mode is " + mode);
        }
      }
      String adaptive = raw(p, "privacy_adaptive_clip");
      if (adaptive != null && !adaptive.equals("true") && !adaptive.equals("false")) {
        throw new IllegalArgumentException(
            "privacy_adaptive_clip must be true or false. Provided value: " + adaptive);
      }
      if ("true".equals(adaptive)) {
        b.adaptiveClipping(new AdaptiveClipping(true,
            doubleKey(p, "privacy_target_quantile", 0.5),
            doubleKey(p, "privacy_clip_learning_rate", 0.2),
            doubleKey(p, "privacy_count_noise", 0)));
      }
      b.privacy(new PrivacySettings(m,
          doubleKey(p, "privacy_clip_norm", 0),
          doubleKey(p, "privacy_noise_multiplier", 0),
          doubleKey(p, "privacy_epsilon", 0),
          doubleKey(p, "privacy_delta", 0),
          longKey(p, "privacy_population", 0),
          longKey(p, "privacy_users_per_round", b.clientsPerRound),
          noiseKey(p)));
    }
    return b.build();
  }

  private static NoiseDistribution noiseKey(Properties p) {
    String v = raw(p, "privacy_noise");
    if (v == null) {
      return NoiseDistribution.DISCRETE_GAUSSIAN;
    }
    try {
      return NoiseDistribution.parse(v);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "privacy_noise must be discrete_gaussian or skellam. Provided value: " + v);
    }
  }

  private static String raw(Properties p, String key) {
    String v = p.getProperty(key);
    return v == null ? null : v.trim();
  }

  private static int intKey(Properties p, String key, int dflt) {
    String v = raw(p, key);
    try {
      return v == null ? dflt : Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be an integer. Provided value: " + v);
    }
  }

  private static long longKey(Properties p, String key, long dflt) {
    String v = raw(p, key);
    try {
      return v == null ? dflt : Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be an integer. Provided value: " + v);
    }
  }

  private static double doubleKey(Properties p, String key, double dflt) {
    String v = raw(p, key);
    try {
      return v == null ? dflt : Double.parseDouble(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be a number. Provided value: " + v);
    }
  }

  private static Double optionalDoubleKey(Properties p, String key) {
    return raw(p, key) == null ? null : doubleKey(p, key, 0);
  }

  private static float floatKey(Properties p, String key, float dflt) {
    return (float) doubleKey(p, key, dflt);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FederationConfig c && c.toProperties().equals(toProperties());
  }

  @Override
  public int hashCode() {
    return toProperties().hashCode();
  }

  @Override
  public String toString() {
    return "FederationConfig" + new TreeSet<>(toProperties().entrySet().stream()
        .map(e -> e.getKey() + "=" + e.getValue()).toList());
  }

  /** Builder; every setter's value is checked in {@link #build()}. */
  public static final class Builder {
    private int numItems;
    private TrainingConfig training;
    private long rounds = 100;
    private int clientsPerRound = 100;
    private int minClients;
    private Duration selectionTimeout = Duration.ofSeconds(60);
    private Duration roundTimeout = Duration.ofSeconds(600);
    private double serverLearningRate = 10;
    private String serverOptimizer = "fedavg";
    private Double serverBeta;
    private Double serverBeta1;
    private Double serverBeta2;
    private Double serverTau;
    private float initialMean = 3.5f;
    private double initScale = 0.1;
    private long seed;
    private Duration retryDelay = Duration.ofSeconds(1);
    private double selectionProbability;
    private int maxChunkBytes = 1 << 20;
    private PrivacySettings privacy = PrivacySettings.NONE;
    private SecAggSettings secagg = SecAggSettings.OFF;
    private AdaptiveClipping adaptiveClipping = AdaptiveClipping.OFF;

    public Builder adaptiveClipping(AdaptiveClipping adaptiveClipping) {
      this.adaptiveClipping = Objects.requireNonNull(adaptiveClipping, "adaptiveClipping");
      return this;
    }

    private Builder() {}

    public Builder secagg(SecAggSettings secagg) {
      this.secagg = Objects.requireNonNull(secagg, "secagg");
      return this;
    }

    public Builder privacy(PrivacySettings privacy) {
      this.privacy = Objects.requireNonNull(privacy, "privacy");
      return this;
    }

    public Builder numItems(int numItems) {
      this.numItems = numItems;
      return this;
    }

    public Builder training(TrainingConfig training) {
      this.training = Objects.requireNonNull(training, "training");
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

    /** 0 (the default) means "equal to clientsPerRound". */
    public Builder minClients(int minClients) {
      this.minClients = minClients;
      return this;
    }

    public Builder selectionTimeout(Duration selectionTimeout) {
      this.selectionTimeout = Objects.requireNonNull(selectionTimeout, "selectionTimeout");
      return this;
    }

    public Builder roundTimeout(Duration roundTimeout) {
      this.roundTimeout = Objects.requireNonNull(roundTimeout, "roundTimeout");
      return this;
    }

    public Builder serverLearningRate(double serverLearningRate) {
      this.serverLearningRate = serverLearningRate;
      return this;
    }

    /**
     * One of {@link ServerOptimizers#NAMES} (case-insensitive); default {@code fedavg}. The
     * server learning rate is its {@code eta}: FedAvg's default of 10 is far too large for
     * fedadagrad, fedadam and fedyogi (see docs/research.md, "Server optimizers").
     */
    public Builder serverOptimizer(String serverOptimizer) {
      this.serverOptimizer = serverOptimizer;
      return this;
    }

    /** Server momentum of fedavgm; null (the default) for {@link ServerOptimizers}' default. */
    public Builder serverBeta(Double serverBeta) {
      this.serverBeta = serverBeta;
      return this;
    }

    /** First-moment decay of fedadagrad, fedadam, fedyogi; null for the default. */
    public Builder serverBeta1(Double serverBeta1) {
      this.serverBeta1 = serverBeta1;
      return this;
    }

    /** Second-moment decay of fedadam, fedyogi; null for the default. */
    public Builder serverBeta2(Double serverBeta2) {
      this.serverBeta2 = serverBeta2;
      return this;
    }

    /** Adaptivity of fedadagrad, fedadam, fedyogi; null for the default. */
    public Builder serverTau(Double serverTau) {
      this.serverTau = serverTau;
      return this;
    }

    public Builder initialMean(float initialMean) {
      this.initialMean = initialMean;
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

    /** See {@link FederationConfig#selectionProbability()}. */
    public Builder selectionProbability(double selectionProbability) {
      this.selectionProbability = selectionProbability;
      return this;
    }

    public Builder retryDelay(Duration retryDelay) {
      this.retryDelay = Objects.requireNonNull(retryDelay, "retryDelay");
      return this;
    }

    public Builder maxChunkBytes(int maxChunkBytes) {
      this.maxChunkBytes = maxChunkBytes;
      return this;
    }

    /** @throws IllegalArgumentException naming the first invalid setting */
    public FederationConfig build() {
      if (numItems == 0) {
        throw new IllegalArgumentException("num_items is required (the catalogue size)");
      }
      Checks.inRange("num_items", numItems, 1, ModelShape.MAX_ITEMS);
      if (training == null) {
        training = TrainingConfig.defaults(16);
      }
      new ModelShape(numItems, training.rank());
      Checks.inRange("rounds", rounds, 1, MAX_ROUNDS);
      Checks.inRange("clients_per_round", clientsPerRound, 1, MAX_CLIENTS_PER_ROUND);
      if (minClients != 0) {
        Checks.inRange("min_clients", minClients, 1, clientsPerRound);
      }
      positive("selection_timeout", selectionTimeout);
      positive("round_timeout", roundTimeout);
      if (selectionTimeout.compareTo(roundTimeout) > 0) {
        throw new IllegalArgumentException(
            "selection_timeout must be <= round_timeout. Provided values: selection_timeout="
                + selectionTimeout.toMillis() + " ms, round_timeout=" + roundTimeout.toMillis()
                + " ms");
      }
      Checks.finiteInRange("server_learning_rate", serverLearningRate, 1e-6, 1e6);
      serverOptimizer = checkServerOptimizer();
      Checks.finiteInRange("initial_mean", initialMean, -1e6, 1e6);
      // Zero would start parameters at exactly zero, and the update's zero pattern would then
      // reveal which items a client rated (see GlobalModel.initial).
      if (!(initScale > 0 && initScale <= 10)) {
        throw new IllegalArgumentException(
            "init_scale must be > 0 and <= 10. Provided value: " + initScale);
      }
      positive("retry_delay", retryDelay);
      if (!(selectionProbability >= 0 && selectionProbability <= 1)) {
        throw new IllegalArgumentException("selection_probability must be 0 (first come) or in"
            + " (0, 1] (Poisson sampling). Provided value: " + selectionProbability);
      }
      Checks.inRange("max_chunk_bytes", maxChunkBytes, MIN_CHUNK_BYTES, MAX_CHUNK_BYTES);
      if (maxChunkBytes % 4 != 0) {
        throw new IllegalArgumentException(
            "max_chunk_bytes must be a multiple of 4. Provided value: " + maxChunkBytes);
      }
      if (secagg.enabled()) {
        checkSecAgg();
      }
      if (selectionProbability > 0 && privacy.mode() != PrivacySettings.Mode.NONE
          && privacy.samplingRate() < selectionProbability) {
        throw new IllegalArgumentException("privacy_users_per_round / privacy_population = "
            + privacy.samplingRate() + " is below selection_probability " + selectionProbability
            + ": the accountant would under-count; set privacy_users_per_round to at least"
            + " selection_probability * privacy_population");
      }
      if (adaptiveClipping.enabled()
          && (privacy.mode() != PrivacySettings.Mode.CENTRAL || secagg.enabled())) {
        throw new IllegalArgumentException("privacy_adaptive_clip needs privacy_mode central"
            + " without secure aggregation (the unclipped count travels in the clear to be"
            + " noised by the coordinator)");
      }
      if (privacy.mode() == PrivacySettings.Mode.DISTRIBUTED && !secagg.enabled()) {
        throw new IllegalArgumentException("privacy_mode distributed needs secagg=true: each"
            + " client adds only a share of the noise, which protects nobody unless the"
            + " coordinator sees nothing but the sum");
      }
      return new FederationConfig(this);
    }

    /** A secure round needs two clients, and the largest cohort's sum must fit 32 bits. */
    private void checkSecAgg() {
      int min = minClients == 0 ? clientsPerRound : minClients;
      if (min < 2) {
        throw new IllegalArgumentException("secure aggregation needs min_clients >= 2 (a sum of"
            + " one client is that client's update). Provided value: " + min);
      }
      try {
        secagg.bitsFor(clientsPerRound);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("clients_per_round * max(ceil(secagg_clip_range *"
            + " secagg_scale), secagg_max_weight) must be < 2^31 so that the securely aggregated"
            + " sum fits 32 bits. Provided values: clients_per_round=" + clientsPerRound
            + ", secagg_clip_range=" + secagg.clipRange() + ", secagg_scale=" + secagg.scale()
            + ", secagg_max_weight=" + secagg.maxWeight(), e);
      }
      // selection, then four phases (advertise, share, masked input, unmask) that may each wait
      // their full timeout for a dropped client: a shorter round deadline abandons rounds that
      // the protocol would have completed
      Duration needed = selectionTimeout.plus(secagg.phaseTimeout().multipliedBy(4));
      if (needed.compareTo(roundTimeout) > 0) {
        throw new IllegalArgumentException("round_timeout must be >= selection_timeout + 4 x"
            + " secagg_phase_timeout_ms with secagg=true (each of the four SecAgg+ phases may wait"
            + " its full timeout). Provided values: round_timeout=" + roundTimeout.toMillis()
            + " ms, selection_timeout=" + selectionTimeout.toMillis()
            + " ms, secagg_phase_timeout_ms=" + secagg.phaseTimeout().toMillis() + " ms");
      }
    }

    /** Validates through {@link ServerOptimizers#create}, renaming its parameters to keys. */
    private String checkServerOptimizer() {
      if (serverOptimizer == null
          || !ServerOptimizers.NAMES.contains(serverOptimizer.trim().toLowerCase(Locale.ROOT))) {
        throw new IllegalArgumentException("server_optimizer must be one of "
            + ServerOptimizers.NAMES + ". Provided value: "
            + (serverOptimizer == null ? "null" : "\"" + serverOptimizer + "\""));
      }
      String name = serverOptimizer.trim().toLowerCase(Locale.ROOT);
      Map<String, Double> params =
          optimizerParams(serverLearningRate, serverBeta, serverBeta1, serverBeta2, serverTau);
      List<String> accepted = PARAMETERS.get(name);
      for (String param : params.keySet()) {
        if (!accepted.contains(param)) {
          List<String> keys = new ArrayList<>();
          for (String a : accepted) {
            keys.add(key(a));
          }
          throw new IllegalArgumentException(key(param) + " does not apply to server_optimizer "
              + name + ", which takes " + keys + ". Provided value: " + params.get(param));
        }
      }
      try {
        ServerOptimizers.create(name, params);
      } catch (IllegalArgumentException e) {
        String message = String.valueOf(e.getMessage());
        for (String param : params.keySet()) {
          if (message.startsWith(param + " ")) {
            throw new IllegalArgumentException(key(param) + message.substring(param.length()), e);
          }
        }
        throw e;
      }
      return name;
    }

    /** Parameters each optimizer takes, as documented by {@link ServerOptimizers}. */
    private static final Map<String, List<String>> PARAMETERS = Map.of(
        "fedavg", List.of("eta"),
        "fedavgm", List.of("eta", "beta"),
        "fedadagrad", List.of("eta", "beta1", "tau"),
        "fedadam", List.of("eta", "beta1", "beta2", "tau"),
        "fedyogi", List.of("eta", "beta1", "beta2", "tau"));

    /** The properties key of a {@link ServerOptimizers} parameter. */
    private static String key(String param) {
      return param.equals("eta") ? "server_learning_rate" : "server_" + param;
    }

    private static void positive(String name, Duration d) {
      if (d.isNegative() || d.isZero() || d.compareTo(Duration.ofDays(30)) > 0) {
        throw new IllegalArgumentException(
            name + " must be in (0 ms, 30 days]. Provided value: " + d.toMillis() + " ms");
      }
    }
  }
}
