package io.fedrec.examples.partner;

import io.fedrec.client.FederatedClient;
import io.fedrec.client.PrivacyPolicy;
import io.fedrec.client.Recommendation;
import io.fedrec.client.RetryPolicy;
import io.fedrec.core.model.GlobalModel;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The core of a partner platform's recommendation service with federated training embedded: the
 * platform keeps its own {@link RatingStore} and thread pools, hands the SDK a data source
 * adapter, a scheduler, a training pool, credentials and a listener, and serves recommendations
 * from the local copy of the global model while the SDK trains in the background.
 *
 * <pre>{@code
 * try (PartnerApp app = new PartnerApp(PartnerSettings.defaults("partner-eu-1"), store,
 *     CoordinatorConnection.tls("fedrec.example.com:443", caFile))) {
 *   app.start();                                        // returns at once
 *   app.serve("user-42", 10).orElse(fallback);          // any thread, any time
 * }
 * }</pre>
 *
 * <h2>Threads</h2>
 *
 * <ul>
 *   <li>{@code partner-scheduler-N}: the platform's scheduled pool. The SDK's participation loop
 *       runs on it (one step at a time, never overlapping), and the platform may schedule its own
 *       periodic work there too. The SDK never shuts it down: {@link #close()} does.
 *   <li>{@code partner-training-N}: a fixed pool on which the SDK trains users in {@code
 *       trainingThreads} fixed partitions; the update depends on that number, never on timing.
 *   <li>The caller's threads: {@link #serve} scores locally and never blocks on the network.
 * </ul>
 *
 * <p>Thread-safe.
 */
public final class PartnerApp implements AutoCloseable {
  private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(5);

  private final ScheduledThreadPoolExecutor scheduler;
  private final ExecutorService trainingPool;
  private final ParticipationLog log = new ParticipationLog();
  private final FederatedClient client;
  private final AtomicBoolean closed = new AtomicBoolean();

  /**
   * Builds the app; nothing connects or runs until {@link #start()}.
   *
   * @throws IllegalArgumentException from the SDK's builder, naming the bad setting and value
   */
  public PartnerApp(PartnerSettings settings, RatingStore store, CoordinatorConnection connection) {
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(connection, "connection");
    scheduler = new ScheduledThreadPoolExecutor(2, named("partner-scheduler-"));
    scheduler.setRemoveOnCancelPolicy(true);
    trainingPool = settings.trainingThreads() > 1
        ? Executors.newFixedThreadPool(settings.trainingThreads(), named("partner-training-"))
        : null;
    try {
      FederatedClient.Builder builder = FederatedClient.builder()
          .clientId(settings.clientId())
          .dataSource(new RatingStoreDataSource(store))
          .executor(scheduler)
          .listener(log)
          .rpcTimeout(settings.rpcTimeout())
          // The platform's privacy floor. This demo joins a development coordinator that may run
          // without privacy, so it accepts every mode; a production platform narrows it, e.g.
          // allowedModes("distributed"), requireSecureAggregation(true), perUserEpsilonCap(10,
          // 1e-6) (see docs/sdk.md, "Privacy policy").
          .privacyPolicy(PrivacyPolicy.builder()
              .allowedModes("none", "central", "distributed")
              .build())
          // Back off from a failing coordinator up to 2 minutes; the platform keeps serving with
          // the last model meanwhile, so there is no hurry.
          .retryPolicy(RetryPolicy.builder()
              .initialBackoff(Duration.ofSeconds(1)).maxBackoff(Duration.ofMinutes(2))
              .multiplier(2).maxAttempts(5).jitter(0.2)
              .build());
      if (trainingPool != null) {
        builder.trainingExecutor(trainingPool, settings.trainingThreads());
      }
      if (settings.maxRounds() > 0) {
        builder.maxRounds(settings.maxRounds());
      }
      connection.applyTo(builder);
      client = builder.build();
    } catch (RuntimeException e) {
      shutdownPools();
      throw e;
    }
  }

  /** Starts federated training in the background and returns at once. */
  public void start() {
    client.start();
  }

  /**
   * The top {@code k} items for {@code user} from the local model, excluding items the user
   * rated; empty before the first global model is available, when the platform serves its own
   * fallback (e.g. its popularity list). {@code k} above the catalogue size is capped to it.
   * Never touches the network, so it is safe on a request thread.
   *
   * @throws IllegalArgumentException if {@code k < 1} or the store does not know {@code user}
   */
  public Optional<List<Recommendation>> serve(String user, int k) {
    if (k < 1) {
      throw new IllegalArgumentException("k must be >= 1. Provided value: " + k);
    }
    Optional<GlobalModel> model = client.latestModel();
    if (model.isEmpty()) {
      return Optional.empty();
    }
    // The model never goes back to empty once present, so recommend() cannot throw
    // IllegalStateException here.
    return Optional.of(client.recommend(user, Math.min(k, model.get().numItems())));
  }

  /** Version of the model {@link #serve} uses, empty before the first. */
  public Optional<Long> servingModelVersion() {
    return client.latestModel().map(GlobalModel::version);
  }

  /**
   * Completes with the last round when the federation finishes or {@code maxRounds} is reached;
   * completes exceptionally with a {@link java.util.concurrent.CancellationException} on {@link
   * #close()}.
   */
  public CompletableFuture<Long> finished() {
    return client.finished();
  }

  /** Rounds whose update the coordinator accepted. */
  public long roundsParticipated() {
    return client.roundsParticipated();
  }

  /** The participation log and its counters. */
  public ParticipationLog log() {
    return log;
  }

  /** The platform's scheduled pool, shared with the SDK's loop; for the platform's own work. */
  public ScheduledExecutorService scheduler() {
    return scheduler;
  }

  /**
   * Stops training (the SDK finishes its current call), then shuts the platform's pools down:
   * {@code shutdown}, up to 5 s {@code awaitTermination}, then {@code shutdownNow}. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      client.close();
    } finally {
      shutdownPools();
    }
  }

  private void shutdownPools() {
    shutdown(scheduler);
    if (trainingPool != null) {
      shutdown(trainingPool);
    }
  }

  private static void shutdown(ExecutorService pool) {
    pool.shutdown();
    try {
      if (!pool.awaitTermination(SHUTDOWN_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
        pool.shutdownNow();
      }
    } catch (InterruptedException e) {
      pool.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  private static ThreadFactory named(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> new Thread(r, prefix + n.incrementAndGet());
  }
}
