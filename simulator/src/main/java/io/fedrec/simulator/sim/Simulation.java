package io.fedrec.simulator.sim;

import io.fedrec.client.ClientEventListener;
import io.fedrec.client.CoordinatorTransport;
import io.fedrec.client.internal.ClientSession;
import io.fedrec.client.internal.StepResult;
import io.fedrec.coordinator.round.EngineStatus;
import io.fedrec.coordinator.round.FederationConfig;
import io.fedrec.coordinator.round.RoundEngine;
import io.fedrec.coordinator.round.RoundListener;
import io.fedrec.coordinator.round.PrivacySettings;
import io.fedrec.coordinator.round.RoundRecord;
import io.fedrec.coordinator.round.SecAggSettings;
import io.fedrec.core.dp.NoiseDistribution;
import io.fedrec.core.dp.PldAccountant;
import io.fedrec.core.dp.RandomSource;
import io.fedrec.core.dp.RdpAccountant;
import io.fedrec.coordinator.service.CoordinatorServer;
import io.fedrec.core.model.GlobalModel;
import io.fedrec.simulator.baseline.BiasBaseline;
import io.fedrec.simulator.data.RatingsData;
import io.fedrec.simulator.data.Split;
import io.fedrec.simulator.eval.Evaluator;
import io.fedrec.simulator.eval.ParallelRanges;
import io.fedrec.simulator.eval.RankingEvaluator;
import io.fedrec.simulator.eval.RankingProtocol;
import io.fedrec.simulator.data.DataSets;
import io.fedrec.simulator.eval.RatingMetrics;
import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs a whole federation in one JVM over the real coordinator ({@link RoundEngine}) and the real
 * client protocol ({@link ClientSession}), with virtual clients holding the training users of a
 * {@link Split}.
 *
 * <h2>Set-up</h2>
 *
 * <ul>
 *   <li>Clients: the training users that have at least one rating, grouped by {@link
 *       Partitioning}: by default in index order into runs of {@code usersPerClient} (1: one
 *       device per user; more: silos), or into {@code silos} silos, IID or skewed (Dirichlet). A
 *       client reads its users' ratings in place ({@link io.fedrec.core.model.UserRatings#wrap});
 *       nothing is copied.
 *   <li>Coordinator: a {@link FederationConfig} with the catalogue size of the data, the cohort
 *       {@code min(clientsPerRound, clients)}, {@code minClients} half the cohort (see {@link #minClients()}), the mean
 *       training rating as the initial {@code mu} and the configured seed; its clock is a {@link
 *       SimulatedClock}, so no timeout ever fires because the machine is slow.
 * </ul>
 *
 * <h2>A round</h2>
 *
 * <ol>
 *   <li>Sample the cohort: distinct clients drawn by a partial Fisher-Yates shuffle from a
 *       {@code SplittableRandom} seeded by {@code (seed, round)}.
 *   <li>Run one {@link ClientSession#step()} per sampled client, in parallel on a fixed pool: each
 *       checks in, is selected, downloads the model, trains its users and submits. The last
 *       submission closes and publishes the round inside the engine.
 *   <li>If the round is still open (a client failed), move the clock past the round deadline and
 *       {@code tick()}: the engine closes it with what it has, or abandons it and reopens the same
 *       round number, which is then run again with a new cohort.
 *   <li>Every {@code evalEvery} rounds, and after the last, score the model with {@link
 *       Evaluator} (each test user reconstructed from its own training ratings) and the
 *       requested ranking metrics.
 * </ol>
 *
 * <h2>Implicit feedback</h2>
 *
 * With {@code training.feedback = implicit} the clients fit weighted MF on the split's ratings,
 * read as interaction strengths ({@link ImplicitFeedback#binary} makes them all 1, as {@code
 * fedrec simulate --feedback implicit} does); the initial {@code mu} is 0; test RMSE/MAE and the
 * bias baseline are not computed (NaN, written as null), because the model scores interactions,
 * not rating values; the ranking metrics (by default {@code hr@10, ndcg@10}, see {@link
 * SimulationConfig}) are the measure, and under the full-catalogue protocol every test
 * interaction is relevant.
 *
 * <h2>Determinism</h2>
 *
 * Cohorts depend only on the seed and the round, the initial model on the seed, and the
 * coordinator's sum is exact fixed point, so the published models are bit-identical across runs,
 * pool sizes and transports. Reported training losses are summed in cohort order.
 *
 * <p>Not thread-safe: call {@link #run} from one thread at a time.
 */
public final class Simulation {
  /** Deadline of every client RPC over gRPC transports. */
  static final Duration RPC_TIMEOUT = Duration.ofSeconds(60);

  /** A round abandoned this many times in a row stops the simulation. */
  static final int MAX_ABANDONED_IN_A_ROW = 3;

  /** Receives each published round as soon as it is known (evaluation included). */
  @FunctionalInterface
  public interface Progress {
    void onRound(RoundRow row, SimulationConfig config);

    Progress NONE = (row, config) -> {};
  }

  private final SimulationConfig config;
  private final Split split;
  private final List<VirtualClient> clients;
  private final int cohortSize;
  private final ClientBehaviour behaviour;
  /** Sampled clients whose upload missed a round's deadline. */
  private final java.util.concurrent.atomic.AtomicLong stragglers =
      new java.util.concurrent.atomic.AtomicLong();
  /** Clients available, summed over the rounds run (for the mean). */
  private final java.util.concurrent.atomic.AtomicLong available =
      new java.util.concurrent.atomic.AtomicLong();
  private final java.util.concurrent.atomic.AtomicLong roundsRun =
      new java.util.concurrent.atomic.AtomicLong();

  /**
   * Prepares the virtual clients; nothing runs until {@link #run}.
   *
   * @throws IllegalArgumentException if no training user has a rating
   */
  public Simulation(SimulationConfig config, Split split) {
    this.config = Objects.requireNonNull(config, "config");
    this.split = Objects.requireNonNull(split, "split");
    this.clients = makeClients(split.train(), config);
    if (clients.isEmpty()) {
      throw new IllegalArgumentException("the training data has no user with a rating");
    }
    this.cohortSize = Math.min(config.clientsPerRound(), clients.size());
    this.behaviour = new ClientBehaviour(config.availability(), config.roundMinutes(),
        config.stragglers(), config.latencySpread(), clients.size(),
        mix(config.seed(), BEHAVIOUR_SALT));
  }

  private static List<VirtualClient> makeClients(RatingsData train, SimulationConfig config) {
    int n = 0;
    int[] users = new int[train.numUsers()];
    for (int u = 0; u < train.numUsers(); u++) {
      if (train.userSize(u) > 0) {
        users[n++] = u;
      }
    }
    boolean devices = config.partition() == Partitioning.Kind.CONTIGUOUS
        && config.usersPerClient() == 1;
    List<int[]> groups = Partitioning.partition(train, java.util.Arrays.copyOf(users, n),
        config.partition(), config.usersPerClient(), config.silos(), config.dirichletAlpha(),
        mix(config.seed(), PARTITION_SALT));
    List<VirtualClient> out = new ArrayList<>(groups.size());
    for (int c = 0; c < groups.size(); c++) {
      int[] g = groups.get(c);
      out.add(new VirtualClient((devices ? "device-" : "silo-") + c, train, g, 0, g.length));
    }
    return out;
  }

  /** Users of the largest client. */
  private int largestClient() {
    int max = 0;
    for (VirtualClient c : clients) {
      max = Math.max(max, c.userIds().size());
    }
    return max;
  }

  /** Number of virtual clients. */
  public int numClients() {
    return clients.size();
  }

  /** Clients per round: {@code min(clientsPerRound, numClients())}. */
  public int cohortSize() {
    return cohortSize;
  }

  /** The coordinator configuration this simulation runs. */
  public FederationConfig federationConfig() {
    return FederationConfig.builder()
        .numItems(split.numItems())
        .training(config.training())
        .rounds(config.rounds())
        .clientsPerRound(cohortSize)
        .minClients(minClients())
        .serverLearningRate(config.serverLearningRate())
        .serverOptimizer(config.serverOptimizer())
        // implicit: the score fits preferences 0/1, most of them 0; the mean rating is no start
        .initialMean(implicit() ? 0f : (float) split.train().meanRating())
        .initScale(config.initScale())
        .seed(config.seed())
        .privacy(privacySettings())
        .secagg(secAggSettings())
        .adaptiveClipping(config.adaptiveClipping())
        .build();
  }

  /**
   * Fewest submissions a round is published with: half the cohort; with distributed privacy,
   * 90% of the clients expected to survive the configured dropout, because every client adds
   * noise for the worst case of this many survivors (a lower floor means more noise).
   */
  private int minClients() {
    int floor = secure() ? 2 : 1;
    if (config.privacy() != null && "distributed".equals(config.privacy().mode())) {
      return Math.max(floor, (int) Math.floor(
          0.9 * (1 - config.dropout()) * (1 - config.stragglers()) * cohortSize));
    }
    return Math.max(floor, cohortSize / 2);
  }

  private boolean secure() {
    return config.secagg().enabled();
  }

  /**
   * The configured secure aggregation; a silo's submission sums its users (at most those of the
   * largest client), so its per-coordinate range and weight bound grow by that factor.
   */
  private SecAggSettings secAggSettings() {
    SecAggSettings s = config.secagg();
    int w = config.partition() == Partitioning.Kind.CONTIGUOUS ? config.usersPerClient()
        : largestClient();
    if (!s.enabled() || w <= s.maxWeight()) {
      return s;
    }
    return new SecAggSettings(true, s.clipRange() * w, s.scale(), w, s.neighbours(),
        s.threshold(), s.phaseTimeout());
  }

  private boolean implicit() {
    return config.training().implicit();
  }

  /**
   * The ranking protocol for the requested metrics, built once; null when none requested. Under
   * full-catalogue ranking, implicit feedback counts every test interaction as relevant.
   */
  private RankingProtocol rankingProtocol() {
    if (config.rankingMetrics().isEmpty()) {
      return null;
    }
    return DataSets.LEAVE_ONE_OUT.equals(split.splitName())
        ? RankingProtocol.leaveOneOut(split, RankingProtocol.DEFAULT_NEGATIVES, config.seed())
        : RankingProtocol.fullCatalogue(split, implicit()
            ? RankingProtocol.ANY_RATING
            : RankingProtocol.EXPLICIT_RELEVANCE_THRESHOLD);
  }

  /**
   * Test RMSE and MAE; NaN for implicit feedback, whose scores fit preferences (0/1) weighted
   * by confidence, not rating values, so an error against ratings measures nothing.
   */
  private RatingMetrics ratingMetrics(GlobalModel model, ExecutorService pool) {
    if (implicit()) {
      return NOT_MEASURED;
    }
    return Evaluator.evaluate(model, config.training(), split, pool);
  }

  private static final RatingMetrics NOT_MEASURED =
      new RatingMetrics(Double.NaN, Double.NaN, 0);

  private Map<String, Double> ranking(
      RankingProtocol protocol, GlobalModel model, ExecutorService pool) {
    if (protocol == null) {
      return Map.of();
    }
    return RankingEvaluator.evaluate(
        model, config.training(), split.train(), protocol, config.rankingMetrics(), pool);
  }

  /** The coordinator's privacy settings: population = the federation's users. */
  private PrivacySettings privacySettings() {
    DpOptions dp = config.privacy();
    if (dp == null) {
      return PrivacySettings.NONE;
    }
    long population = 0;
    for (VirtualClient c : clients) {
      population += c.userIds().size();
    }
    long usersPerRound = Math.max(1, Math.round((double) population * cohortSize / clients.size()));
    return new PrivacySettings(PrivacySettings.Mode.parse(dp.mode()), dp.clipNorm(),
        dp.noiseMultiplier(),
        dp.epsilon(), dp.delta(), population, usersPerRound, dp.noiseDistribution());
  }

  private static PrivacyReport privacyReport(RoundEngine engine, long rounds, long configured) {
    PrivacySettings p = engine.privacy();
    if (p.mode() == PrivacySettings.Mode.NONE) {
      return PrivacyReport.NONE;
    }
    if (p.noise() == NoiseDistribution.SKELLAM) {
      // no PLD accountant exists for Skellam noise: the engine's Skellam RDP bound is the spend
      double skellam = engine.epsilonRdp(rounds);
      return new PrivacyReport(p.mode().key(), skellam, skellam, p.delta(), p.epsilon(),
          p.noiseMultiplier(), p.clipNorm(), p.samplingRate(), rounds < configured,
          p.noise().key());
    }
    double pld = rounds == 0 ? 0 : PldAccountant.create()
        .compose(p.samplingRate(), p.noiseMultiplier(), rounds).epsilon(p.delta());
    double rdp = rounds == 0 ? 0 : RdpAccountant.create()
        .compose(p.samplingRate(), p.noiseMultiplier(), rounds).epsilon(p.delta());
    return new PrivacyReport(p.mode().key(), pld, rdp, p.delta(), p.epsilon(),
        p.noiseMultiplier(), p.clipNorm(), p.samplingRate(), rounds < configured,
        p.noise().key());
  }

  /** Runs all rounds without progress reports. */
  public SimulationResult run() {
    return run(Progress.NONE);
  }

  /**
   * Runs all rounds.
   *
   * @throws IllegalStateException if a round is abandoned {@value #MAX_ABANDONED_IN_A_ROW} times
   *     in a row (the message carries the engine's reason and the first client failure)
   */
  public SimulationResult run(Progress progress) {
    long start = System.nanoTime();
    FederationConfig federation = federationConfig();
    SimulatedClock clock = new SimulatedClock();
    Collector collector = new Collector();
    RoundEngine engine =
        RoundEngine.builder(federation)
            .clock(clock)
            // task tokens need no secrecy among simulated clients; seeded for reproducibility
            .tokenRandom(new Random(config.seed()))
            // simulated noise is seeded so that runs are reproducible; it protects nothing
            .noiseRandom(config.privacy() == null ? null : RandomSource.seeded(config.seed()))
            .build();
    engine.addListener(collector);
    ExecutorService pool = Executors.newFixedThreadPool(config.threads(), new DaemonThreads());
    try (Wire wire = Wire.open(config.transport(), engine)) {
      RatingMetrics baseline =
          implicit() ? NOT_MEASURED : BiasBaseline.evaluateDefault(split);
      List<RoundRow> rows = new ArrayList<>();
      RatingMetrics last = null;
      long lastEvaluated = -1;
      Map<String, Double> lastRanking = Map.of();
      RankingProtocol ranker = rankingProtocol();
      int abandonedInARow = 0;
      int[] perm = new int[clients.size()];
      while (engine.status().phase() != EngineStatus.Phase.FINISHED) {
        long roundStart = System.nanoTime();
        EngineStatus before = engine.status();
        long round = before.round();
        List<StepResult> results =
            runCohort(round, wire.transport, pool, perm, engine, clock, federation);
        EngineStatus after = engine.status();
        if (after.publishedRounds() == before.publishedRounds()) {
          clock.advance(federation.roundTimeout().plusSeconds(1));
          engine.tick();
        }
        Collector.Published published = collector.take();
        if (published == null) {
          abandonedInARow++;
          if (abandonedInARow >= MAX_ABANDONED_IN_A_ROW) {
            throw new IllegalStateException(
                "round " + round + " was abandoned " + abandonedInARow + " times in a row ("
                    + collector.abandonReason() + ")" + firstFailure(results));
          }
          continue;
        }
        abandonedInARow = 0;
        RoundRecord record = published.record;
        double trainRmse = trainRmse(results, record.round());
        double testRmse = Double.NaN;
        double testMae = Double.NaN;
        Map<String, Double> ranking = Map.of();
        if (record.round() % config.evalEvery() == 0 || record.round() == config.rounds()) {
          last = ratingMetrics(published.model, pool);
          lastEvaluated = record.round();
          ranking = ranking(ranker, published.model, pool);
          testRmse = last.rmse();
          testMae = last.mae();
        }
        RoundRow row =
            new RoundRow(
                record.round(), record.submitted(), record.dropouts(), record.totalWeight(),
                trainRmse, testRmse,
                testMae, record.bytesUp(), record.bytesDown(),
                (System.nanoTime() - roundStart) / 1e9, ranking);
        rows.add(row);
        progress.onRound(row, config);
      }
      GlobalModel finalModel = engine.currentModel();
      if (last == null || lastEvaluated != finalModel.version()) {
        last = ratingMetrics(finalModel, pool);
        lastRanking = ranking(ranker, finalModel, pool);
      } else if (!rows.isEmpty()) {
        lastRanking = rows.get(rows.size() - 1).ranking();
      }
      return new SimulationResult(
          config, DataStats.of(split), clients.size(), cohortSize, rows, collector.records(), last,
          baseline,
          (System.nanoTime() - start) / 1e9, finalModel,
          privacyReport(engine, finalModel.version(), config.rounds()), lastRanking,
          ranker == null ? null : ranker.kind().label(),
          SecAggReport.of(secure(), collector.records(), collector.abandoned()),
          stragglers.get(),
          roundsRun.get() == 0 ? clients.size() : (double) available.get() / roundsRun.get());
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * Runs the round's sampled cohort: every client steps in parallel; with secure aggregation the
   * clients step again, pass after pass, until each has finished its part (the SecAgg+ phases need
   * several exchanges). A pass in which the engine made no SecAgg progress means it waits for
   * clients that dropped out: the simulated clock then jumps past the phase deadline.
   */
  private List<StepResult> runCohort(long round, CoordinatorTransport transport,
      ExecutorService pool, int[] perm, RoundEngine engine, SimulatedClock clock,
      FederationConfig federation) {
    int n = 0;
    for (int i = 0; i < perm.length; i++) {
      if (behaviour.available(i, round)) {
        perm[n++] = i;
      }
    }
    available.addAndGet(n);
    roundsRun.incrementAndGet();
    int cohort = Math.min(cohortSize, n);
    SplittableRandom random = new SplittableRandom(mix(config.seed(), round));
    SplittableRandom drops = new SplittableRandom(mix(config.seed() ^ DROPOUT_SALT, round));
    DroppingTransport.DropPoint[] points =
        secure() ? DroppingTransport.DropPoint.values() : DroppingTransport.DropPoint.PLAIN;
    ClientSession[] sessions = new ClientSession[cohort];
    for (int x = 0; x < cohort; x++) {
      int pick = x + random.nextInt(n - x);
      int t = perm[x];
      perm[x] = perm[pick];
      perm[pick] = t;
      VirtualClient client = clients.get(perm[x]);
      CoordinatorTransport own = transport;
      // both draws always happen, so that the dropout plan does not shift the other streams
      boolean drop = drops.nextDouble() < config.dropout();
      int point = drops.nextInt(points.length);
      if (drop) {
        own = new DroppingTransport(transport, points[point]);
      } else if (behaviour.straggles(perm[x], round)) {
        // trains, but its upload misses the deadline: a dropout for the coordinator
        own = new DroppingTransport(transport, DroppingTransport.DropPoint.UPLOAD);
        stragglers.incrementAndGet();
      }
      sessions[x] = new ClientSession(
          client.clientId(), own, client, RPC_TIMEOUT, ClientEventListener.NONE);
      if (secure()) {
        // simulated rounding noise is seeded for reproducibility; it hides nothing
        sessions[x].roundingRandom(new SplittableRandom(mix(config.seed() ^ ROUNDING_SALT,
            round * clients.size() + perm[x])));
        // simulated client noise is seeded too: reproducible, and it protects nothing
        sessions[x].noiseRandom(RandomSource.seeded(mix(config.seed() ^ NOISE_SALT,
            round * clients.size() + perm[x])));
      }
    }
    StepResult[] results = new StepResult[cohort];
    for (int pass = 0; ; pass++) {
      if (pass > MAX_PASSES) {
        throw new IllegalStateException("round " + round + ": the cohort did not finish within "
            + MAX_PASSES + " passes");
      }
      List<Integer> active = new ArrayList<>();
      for (int x = 0; x < cohort; x++) {
        if (results[x] == null || results[x] instanceof StepResult.Retry) {
          active.add(x);
        }
      }
      if (active.isEmpty()) {
        break;
      }
      long progress = engine.secAggProgress();
      List<Callable<StepResult>> tasks = new ArrayList<>(active.size());
      for (int x : active) {
        ClientSession session = sessions[x];
        tasks.add(session::step);
      }
      List<StepResult> stepped = ParallelRanges.invokeAll(pool, tasks, "round " + round);
      for (int i = 0; i < active.size(); i++) {
        results[active.get(i)] = stepped.get(i);
      }
      if (!secure()) {
        break;
      }
      EngineStatus status = engine.status();
      boolean roundOpen = status.round() == round && status.publishedRounds() < round
          && status.phase() != EngineStatus.Phase.FINISHED;
      if (roundOpen && engine.secAggProgress() == progress) {
        // everyone still in the round is waiting for clients that vanished
        clock.advance(federation.secagg().phaseTimeout().plusSeconds(1));
        engine.tick();
      }
    }
    List<StepResult> out = new ArrayList<>(cohort);
    for (StepResult r : results) {
      out.add(r);
    }
    return out;
  }

  /** Bound on stepping passes per round (a SecAgg round needs about ten). */
  private static final int MAX_PASSES = 10_000;

  private static final long DROPOUT_SALT = 0x64726f706f757473L;
  private static final long PARTITION_SALT = 0x7061727469746e73L;
  private static final long BEHAVIOUR_SALT = 0x6265686176696f72L;
  private static final long ROUNDING_SALT = 0x726f756e64696e67L;
  private static final long NOISE_SALT = 0x6e6f697365736565L;

  /** sqrt(sum of reported squared errors / ratings) over the round's participants. */
  private static double trainRmse(List<StepResult> results, long round) {
    double loss = 0;
    long ratings = 0;
    for (StepResult r : results) {
      if (r instanceof StepResult.Participated p && p.round() == round) {
        loss += p.lossSum();
        ratings += p.ratings();
      }
    }
    return ratings == 0 ? Double.NaN : Math.sqrt(loss / ratings);
  }

  private static String firstFailure(List<StepResult> results) {
    for (StepResult r : results) {
      if (r instanceof StepResult.Failed f) {
        Throwable c = f.cause();
        return "; first client failure: " + (c == null ? "unknown" : c.toString());
      }
    }
    return "";
  }

  /** SplitMix64's finaliser over (seed, round): independent streams per round. */
  static long mix(long seed, long round) {
    long z = seed + round * 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** Collects what the engine publishes; called on whichever thread closed the round. */
  private static final class Collector implements RoundListener {
    record Published(RoundRecord record, GlobalModel model) {}

    private final List<RoundRecord> records = new ArrayList<>();
    private Published pending;
    private String abandonReason = "no reason given";
    private int abandoned;

    @Override
    public synchronized void onRoundPublished(RoundRecord record, GlobalModel model) {
      records.add(record);
      pending = new Published(record, model);
    }

    @Override
    public synchronized void onRoundAbandoned(long round, String reason) {
      abandonReason = reason;
      abandoned++;
    }

    synchronized int abandoned() {
      return abandoned;
    }

    synchronized Published take() {
      Published p = pending;
      pending = null;
      return p;
    }

    synchronized String abandonReason() {
      return abandonReason;
    }

    synchronized List<RoundRecord> records() {
      return List.copyOf(records);
    }
  }

  /** The transport between the virtual clients and the engine, and what must be closed. */
  private static final class Wire implements AutoCloseable {
    final CoordinatorTransport transport;
    private final CoordinatorServer server;
    private final ManagedChannel channel;

    private Wire(CoordinatorTransport transport, CoordinatorServer server, ManagedChannel channel) {
      this.transport = transport;
      this.server = server;
      this.channel = channel;
    }

    static Wire open(Transport kind, RoundEngine engine) {
      switch (kind) {
        case DIRECT:
          return new Wire(new DirectTransport(engine), null, null);
        case SPARSE:
          return new Wire(new DirectTransport(engine, true), null, null);
        case INPROCESS: {
          String name = "fedrec-simulation-" + UUID.randomUUID();
          CoordinatorServer server =
              start(new CoordinatorServer(InProcessServerBuilder.forName(name), engine));
          ManagedChannel channel = InProcessChannelBuilder.forName(name).build();
          return new Wire(CoordinatorTransport.grpc(channel), server, channel);
        }
        case TCP: {
          CoordinatorServer server =
              start(new CoordinatorServer(
                  NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)), engine));
          ManagedChannel channel =
              NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
          return new Wire(CoordinatorTransport.grpc(channel), server, channel);
        }
        default:
          throw new IllegalArgumentException("unknown transport " + kind);
      }
    }

    private static CoordinatorServer start(CoordinatorServer server) {
      try {
        server.start();
        return server;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start the coordinator server", e);
      }
    }

    @Override
    public void close() {
      if (channel != null) {
        channel.shutdown();
        try {
          if (!channel.awaitTermination(5, TimeUnit.SECONDS)) {
            channel.shutdownNow();
          }
        } catch (InterruptedException e) {
          channel.shutdownNow();
          Thread.currentThread().interrupt();
        }
      }
      if (server != null) {
        try {
          server.stop();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  /** Daemon worker threads, so that an abandoned pool never keeps the JVM alive. */
  private static final class DaemonThreads implements java.util.concurrent.ThreadFactory {
    private final AtomicInteger next = new AtomicInteger();

    @Override
    public Thread newThread(Runnable r) {
      Thread t = new Thread(r, "fedrec-sim-" + next.incrementAndGet());
      t.setDaemon(true);
      return t;
    }
  }
}
