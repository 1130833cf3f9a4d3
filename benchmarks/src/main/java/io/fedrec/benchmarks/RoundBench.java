package io.fedrec.benchmarks;

import io.fedrec.client.ClientEventListener;
import io.fedrec.client.CoordinatorTransport;
import io.fedrec.client.LocalDataSource;
import io.fedrec.client.internal.ClientSession;
import io.fedrec.client.internal.StepResult;
import io.fedrec.coordinator.round.FederationConfig;
import io.fedrec.coordinator.round.RoundEngine;
import io.fedrec.core.model.TrainingConfig;
import io.fedrec.core.model.UserRatings;
import io.fedrec.simulator.data.RatingsData;
import io.fedrec.simulator.data.Split;
import io.fedrec.simulator.data.SyntheticConfig;
import io.fedrec.simulator.data.SyntheticDataset;
import io.fedrec.simulator.sim.DirectTransport;
import io.fedrec.simulator.sim.SimulatedClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One full plaintext round in one JVM, through the production code on both sides: a {@link
 * RoundEngine} and, per selected client, a fresh {@link ClientSession} whose {@link
 * ClientSession#step()} checks in, downloads the model, trains and submits over the simulator's
 * {@link DirectTransport} (no serialisation). The last submission closes, aggregates and
 * publishes the round inside the engine. Clients run on a fixed pool of one thread per core, as
 * in the simulator. This is what {@code fedrec simulate --transport direct} (or, with {@code
 * path=sparse}, {@code --transport sparse}) does per round, minus cohort sampling and evaluation.
 *
 * <p>Data: a synthetic federation ({@link SyntheticDataset}, Zipf item popularity, latent-factor
 * ratings) of {@value #POPULATION_PER_COHORT} x {@code cohort} users with exactly 100 ratings
 * each, one user per client; round {@code r} selects the {@code (r mod 10)}-th block of {@code
 * cohort} clients. Model rank 32, the default training configuration (2 local steps).
 *
 * <p>Scores: {@code round} in ops/s is rounds/s; the auxiliary counter {@code clientUpdates} is
 * client updates accepted per second (cohort x rounds/s), the figure issue 7 sets a target for.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx8g"})
public class RoundBench {
  static final int POPULATION_PER_COHORT = 10;
  static final int RATINGS_PER_USER = 100;
  static final int RANK = 32;
  static final Duration RPC_TIMEOUT = Duration.ofSeconds(60);

  @Param({"100", "1000"})
  int cohort;

  @Param({"1682"})
  int numItems;

  /**
   * {@code direct}: dense updates, as over the wire; {@code sparse}: the simulator's fast path
   * ({@code --transport sparse}): touched rows only, the prior added once per round.
   */
  @Param({"direct", "sparse"})
  String path;

  private ExecutorService pool;
  private RoundEngine engine;
  private CoordinatorTransport transport;
  private List<OneUserClient> clients;
  private long published;

  /** Client updates accepted, reported per second by JMH. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class Updates {
    public long clientUpdates;

    @Setup(Level.Iteration)
    public void reset() {
      clientUpdates = 0;
    }
  }

  @Setup(Level.Trial)
  public void setUp() {
    int population = POPULATION_PER_COHORT * cohort;
    Split split = SyntheticDataset.generate(SyntheticConfig.builder()
        .numUsers(population)
        .numItems(numItems)
        .meanRatingsPerUser(RATINGS_PER_USER)
        .activitySigma(0)
        .minRatingsPerUser(2)
        .testFraction(0)
        .seed(42L)
        .build());
    RatingsData train = split.train();
    clients = new ArrayList<>(population);
    for (int u = 0; u < train.numUsers(); u++) {
      if (train.userSize(u) > 0) {
        clients.add(new OneUserClient("device-" + u, train.user(u)));
      }
    }
    if (clients.size() < population) {
      throw new IllegalStateException("only " + clients.size() + " users have ratings");
    }
    FederationConfig config = FederationConfig.builder()
        .numItems(numItems)
        .training(TrainingConfig.defaults(RANK))
        .rounds(FederationConfig.MAX_ROUNDS)
        .clientsPerRound(cohort)
        .minClients(cohort)
        .initialMean((float) train.meanRating())
        .seed(42L)
        .build();
    engine = RoundEngine.builder(config)
        .clock(new SimulatedClock())
        .tokenRandom(new Random(42L))
        .build();
    transport = new DirectTransport(engine, path.equals("sparse"));
    pool = Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors());
    published = engine.currentModel().version();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    pool.shutdownNow();
  }

  @Benchmark
  public long round(Updates updates) throws InterruptedException, ExecutionException {
    int block = (int) (published % POPULATION_PER_COHORT);
    List<Callable<StepResult>> tasks = new ArrayList<>(cohort);
    for (int c = block * cohort, end = c + cohort; c < end; c++) {
      OneUserClient client = clients.get(c);
      tasks.add(() -> new ClientSession(
          client.clientId, transport, client, RPC_TIMEOUT, ClientEventListener.NONE).step());
    }
    for (Future<StepResult> f : pool.invokeAll(tasks)) {
      StepResult r = f.get();
      if (!(r instanceof StepResult.Participated)) {
        throw new IllegalStateException("a client did not participate: " + r);
      }
    }
    long version = engine.currentModel().version();
    if (version != published + 1) {
      throw new IllegalStateException(
          "round not published: model version " + version + ", expected " + (published + 1));
    }
    published = version;
    updates.clientUpdates += cohort;
    return version;
  }

  /** A device holding one user's ratings, read in place. */
  static final class OneUserClient implements LocalDataSource {
    final String clientId;
    private final UserRatings ratings;
    private final List<String> ids = List.of("user");

    OneUserClient(String clientId, UserRatings ratings) {
      this.clientId = clientId;
      this.ratings = ratings;
    }

    @Override
    public Collection<String> userIds() {
      return ids;
    }

    @Override
    public UserRatings ratings(String userId) {
      return "user".equals(userId) ? ratings : null;
    }
  }
}
