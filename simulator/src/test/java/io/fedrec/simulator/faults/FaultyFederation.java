package io.fedrec.simulator.faults;

import io.fedrec.client.ClientEventListener;
import io.fedrec.client.FederatedClient;
import io.fedrec.client.LocalDataSource;
import io.fedrec.client.RetryPolicy;
import io.fedrec.coordinator.round.FederationConfig;
import io.fedrec.coordinator.round.RoundEngine;
import io.fedrec.coordinator.round.RoundListener;
import io.fedrec.coordinator.round.RoundRecord;
import io.fedrec.coordinator.round.SecAggSettings;
import io.fedrec.coordinator.service.CoordinatorServer;
import io.fedrec.core.model.GlobalModel;
import io.fedrec.core.model.TrainingConfig;
import io.fedrec.core.model.UserRatings;
import io.fedrec.simulator.data.RatingsData;
import io.fedrec.simulator.data.Split;
import io.fedrec.simulator.data.SyntheticConfig;
import io.fedrec.simulator.data.SyntheticDataset;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.IntFunction;
import java.util.function.ToLongFunction;

/**
 * A real coordinator ({@link CoordinatorServer} over loopback TCP) and real SDK clients ({@link
 * FederatedClient}) with the fault proxies in between: client &rarr; {@link TcpFaultProxy} &rarr;
 * {@link GrpcFaultProxy} &rarr; coordinator, a {@link CallRecorder} on the coordinator's server.
 * Each client has its own channel, so TCP faults hit one client's connection at a time. The test
 * thread stands in for the host application: {@link #awaitFinished} serves recommendations from
 * every client that has a model while the federation runs, and records anything thrown.
 *
 * <p>Model: 1,000 items, rank 8 (9,001 parameters, 36 KB) in 4 KB chunks, so uploads and downloads
 * are streams of ten messages that can be duplicated, reordered and cut.
 */
final class FaultyFederation implements AutoCloseable {
  static final int NUM_ITEMS = 1000;
  static final int RANK = 8;
  static final int CHUNK_BYTES = 4096;

  /**
   * @param clients SDK clients
   * @param cohort clients per round (more than {@code clients} keeps selection open)
   * @param minClients smallest cohort and smallest number of submissions that publish a round
   * @param secagg whether rounds are securely aggregated (SecAgg+)
   * @param rpcTimeout the clients' deadline per call
   */
  record Settings(int clients, int cohort, int minClients, long rounds, boolean secagg,
      Duration selectionTimeout, Duration roundTimeout, Duration rpcTimeout,
      IntFunction<TcpFaultProxy.Fault> tcp, GrpcFaultProxy.Plan plan, long seed) {}

  /** What one client's listener saw. */
  static final class ClientEvents implements ClientEventListener {
    final List<Long> submitted = new CopyOnWriteArrayList<>();
    final Map<String, AtomicLong> retries = new ConcurrentHashMap<>();
    final Map<String, AtomicLong> taskFailures = new ConcurrentHashMap<>();
    final List<Long> failedRounds = new CopyOnWriteArrayList<>();

    @Override
    public void onRetry(Duration delay, String reason) {
      retries.computeIfAbsent(reason, k -> new AtomicLong()).incrementAndGet();
    }

    @Override
    public void onUpdateSubmitted(long round, int users) {
      submitted.add(round);
    }

    @Override
    public void onTaskFailed(long round, Throwable cause) {
      failedRounds.add(round);
      // a status for protocol failures, the exception's type for the client's own refusals
      String kind = cause instanceof StatusRuntimeException e
          ? e.getStatus().getCode().toString() : cause.getClass().getSimpleName();
      taskFailures.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
    }

  }

  final Settings settings;
  final RoundEngine engine;
  final CallRecorder recorder = new CallRecorder();
  final List<RoundRecord> published = new CopyOnWriteArrayList<>();
  final List<GlobalModel> models = new CopyOnWriteArrayList<>();
  final Map<Long, AtomicLong> abandoned = new ConcurrentHashMap<>();
  final List<String> abandonReasons = new CopyOnWriteArrayList<>();
  final List<FederatedClient> clients = new ArrayList<>();
  final List<ClientEvents> events = new ArrayList<>();
  final List<Throwable> hostErrors = new CopyOnWriteArrayList<>();
  final CoordinatorServer server;
  final GrpcFaultProxy grpcProxy;
  final TcpFaultProxy tcpProxy;
  private final List<ManagedChannel> channels = new ArrayList<>();
  private final List<List<String>> users = new ArrayList<>();
  long recommendations;
  private boolean started;

  FaultyFederation(Settings s) throws IOException {
    this.settings = s;
    Split split = SyntheticDataset.generate(SyntheticConfig.builder()
        .numUsers(s.clients() * 8).numItems(NUM_ITEMS).build());
    FederationConfig config = FederationConfig.builder()
        .numItems(NUM_ITEMS)
        .training(TrainingConfig.defaults(RANK))
        .rounds(s.rounds())
        .clientsPerRound(s.cohort())
        .minClients(s.minClients())
        .selectionTimeout(s.selectionTimeout())
        .roundTimeout(s.roundTimeout())
        .retryDelay(Duration.ofMillis(50))
        .maxChunkBytes(CHUNK_BYTES)
        .initialMean((float) split.train().meanRating())
        .seed(s.seed())
        .secagg(s.secagg()
            ? new SecAggSettings(true, SecAggSettings.DEFAULT_CLIP_RANGE,
                SecAggSettings.DEFAULT_SCALE, 64, 0, 0,
                // the longest phases that fit the round: selection + 4 phases <= round timeout
                s.roundTimeout().minus(s.selectionTimeout()).dividedBy(4))
            : SecAggSettings.OFF)
        .build();
    engine = RoundEngine.builder(config).build();
    engine.addListener(new RoundListener() {
      @Override
      public void onRoundPublished(RoundRecord record, GlobalModel model) {
        published.add(record);
        models.add(model);
      }

      @Override
      public void onRoundAbandoned(long round, String reason) {
        abandoned.computeIfAbsent(round, r -> new AtomicLong()).incrementAndGet();
        abandonReasons.add("round " + round + ": " + reason);
      }
    });
    server = new CoordinatorServer(NettyServerBuilder.forAddress(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
            InsecureServerCredentials.create())
        .intercept(recorder), engine).start();
    grpcProxy = new GrpcFaultProxy(server.port(), s.plan());
    tcpProxy = new TcpFaultProxy(grpcProxy.port(), s.tcp());
    warmUp();

    RatingsData train = split.train();
    RetryPolicy retry = RetryPolicy.builder()
        .initialBackoff(Duration.ofMillis(20)).maxBackoff(Duration.ofMillis(250))
        .multiplier(2).maxAttempts(5).jitter(0.2).build();
    for (int c = 0; c < s.clients(); c++) {
      Map<String, UserRatings> ratings = new LinkedHashMap<>();
      for (int u = c; u < train.numUsers(); u += s.clients()) {
        ratings.put("u" + u, train.user(u));
      }
      users.add(List.copyOf(ratings.keySet()));
      ManagedChannel channel = Grpc.newChannelBuilderForAddress(
          InetAddress.getLoopbackAddress().getHostAddress(), tcpProxy.port(),
          InsecureChannelCredentials.create()).build();
      channels.add(channel);
      ClientEvents listener = new ClientEvents();
      events.add(listener);
      clients.add(FederatedClient.builder()
          .clientId(clientId(c))
          .channel(channel)
          .dataSource(new LocalDataSource() {
            @Override
            public Collection<String> userIds() {
              return ratings.keySet();
            }

            @Override
            public UserRatings ratings(String userId) {
              return ratings.get(userId);
            }
          })
          .listener(listener)
          .rpcTimeout(s.rpcTimeout())
          .retryPolicy(retry)
          .random(new Random(s.seed() * 31 + c))
          .build());
    }
  }

  /**
   * One health check through the message proxy, so that the first check-ins do not pay the
   * servers' start-up (class loading, Netty threads) against their 750 ms deadline; it draws one
   * fault from the plan, which may make it fail (ignored).
   */
  private void warmUp() {
    ManagedChannel channel = Grpc.newChannelBuilderForAddress(
        InetAddress.getLoopbackAddress().getHostAddress(), grpcProxy.port(),
        InsecureChannelCredentials.create()).build();
    try {
      HealthGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
          .check(HealthCheckRequest.getDefaultInstance());
    } catch (StatusRuntimeException ignored) {
      // a fault drawn for the warm-up; the servers are warm all the same
    } finally {
      channel.shutdownNow();
    }
  }

  static String clientId(int c) {
    return "faults-" + c;
  }

  /**
   * Starts every client and, on the calling (host) thread, serves recommendations until every
   * client's loop has heard that the federation is finished or {@code timeout} passes.
   *
   * @return whether every client finished in time
   */
  boolean awaitFinished(Duration timeout) throws InterruptedException {
    return startAndAwait(() -> clients.stream().allMatch(c -> c.finished().isDone()), timeout);
  }

  /**
   * Starts every client (the first time) and serves recommendations on the calling thread until
   * {@code condition} holds or {@code timeout} passes; returns whether it holds.
   */
  boolean startAndAwait(BooleanSupplier condition, Duration timeout)
      throws InterruptedException {
    if (!started) {
      started = true;
      for (FederatedClient c : clients) {
        c.start();
      }
    }
    long end = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < end) {
      if (condition.getAsBoolean()) {
        return true;
      }
      for (int c = 0; c < clients.size(); c++) {
        FederatedClient client = clients.get(c);
        if (client.latestModel().isPresent()) {
          try {
            List<String> ids = users.get(c);
            client.recommend(ids.get((int) (recommendations % ids.size())), 5);
            recommendations++;
          } catch (RuntimeException e) {
            hostErrors.add(e);
          }
        }
      }
      TimeUnit.MILLISECONDS.sleep(20);
    }
    return condition.getAsBoolean();
  }

  /** Every client's retries by reason, summed. */
  Map<String, Long> retries() {
    Map<String, Long> out = new TreeMap<>();
    for (ClientEvents e : events) {
      e.retries.forEach((k, v) -> out.merge(k, v.get(), Long::sum));
    }
    return out;
  }

  /** Every client's failed tasks by status code, summed. */
  Map<String, Long> taskFailures() {
    Map<String, Long> out = new TreeMap<>();
    for (ClientEvents e : events) {
      e.taskFailures.forEach((k, v) -> out.merge(k, v.get(), Long::sum));
    }
    return out;
  }

  /** Abandoned round attempts by reason, numbers masked so that alike reasons group. */
  Map<String, Long> abandonedByReason() {
    Map<String, Long> out = new TreeMap<>();
    for (String r : abandonReasons) {
      String reason = r.substring(r.indexOf(": ") + 2).replaceAll("[0-9]+", "#");
      out.merge(reason.length() > 70 ? reason.substring(0, 70) : reason, 1L, Long::sum);
    }
    return out;
  }

  /** TCP faults that fired, by kind. */
  Map<String, Long> tcpFaults() {
    return byKind(TcpFaultProxy.Kind.values(), TcpFaultProxy.Kind.NONE, tcpProxy::injected);
  }

  /** Message faults that fired, by kind. */
  Map<String, Long> messageFaults() {
    return byKind(GrpcFaultProxy.Kind.values(), GrpcFaultProxy.Kind.NONE, grpcProxy::injected);
  }

  private static <K extends Enum<K>> Map<String, Long> byKind(
      K[] kinds, K none, ToLongFunction<K> count) {
    Map<String, Long> out = new LinkedHashMap<>();
    for (K k : kinds) {
      if (k != none) {
        out.put(k.name().toLowerCase(Locale.ROOT), count.applyAsLong(k));
      }
    }
    return out;
  }

  /**
   * Tasks a client reported failed although the coordinator accepted a submission of that client
   * in that round: the acceptance's answer was lost and the retry came too late to be told
   * "duplicate". Not a double count, a client under-reporting its participation.
   */
  long acceptedButReportedFailed() {
    long n = 0;
    for (int c = 0; c < events.size(); c++) {
      ClientEvents e = events.get(c);
      for (long round : e.failedRounds) {
        if (recorder.acceptedAny(clientId(c), round) && !e.submitted.contains(round)) {
          n++;
        }
      }
    }
    return n;
  }

  @Override
  public void close() throws Exception {
    for (FederatedClient c : clients) {
      c.close();
    }
    for (ManagedChannel c : channels) {
      c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    tcpProxy.close();
    grpcProxy.close();
    server.stop();
  }
}
