package io.fedrec.client;

import io.fedrec.client.internal.ClientSession;
import io.fedrec.client.internal.PolicyEnforcer;
import io.fedrec.client.internal.StepResult;
import io.fedrec.client.internal.TopK;
import io.fedrec.core.model.Checks;
import io.fedrec.core.model.GlobalModel;
import io.fedrec.core.model.LocalTrainer;
import io.fedrec.core.model.TrainingConfig;
import io.fedrec.core.model.UserRatings;
import io.fedrec.core.model.UserState;
import io.grpc.Channel;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.TlsChannelCredentials;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;

/**
 * The embeddable federated client: takes part in rounds when the coordinator selects it and serves
 * recommendations from the latest global model. Ratings, rated item ids and the users' {@code p_u,
 * b_u} never leave the process; only the summed, dense update does.
 *
 * <pre>{@code
 * FederatedClient client = FederatedClient.builder()
 *     .clientId("partner-eu-1")
 *     .target("coordinator.example.com:50051").usePlaintext()   // or .credentials(...)
 *     .dataSource(data)
 *     .build();
 * client.start();                                               // returns at once
 * List<Recommendation> top = client.recommend("user-42", 10);   // once a model has arrived
 * client.close();
 * }</pre>
 *
 * <h2>The loop</h2>
 *
 * <p>{@link #start()} schedules the participation loop on the client's executor: by default one
 * daemon thread named {@code fedrec-client-<clientId>} that the client owns; an executor passed
 * with {@link Builder#executor} is used as is and never shut down. Each step checks in and, when
 * given a task, downloads the model (unless cached), trains every local user and submits the sum
 * (see {@link ClientSession}). After a successful round the next step runs at once; after a
 * {@code RetryAfter} it runs after the coordinator's delay plus the retry policy's jitter; after
 * transport failures ({@code UNAVAILABLE}, {@code DEADLINE_EXCEEDED}) or a failed task it runs
 * after the policy's exponential backoff, and every {@link RetryPolicy#maxAttempts()} consecutive
 * failures are reported to {@link ClientEventListener#onError}. The loop stops when the
 * coordinator says the federation is finished, when {@code maxRounds} participations are done, or
 * on {@link #close()}; it never throws into the caller's threads. Events reach the {@link
 * ClientEventListener} in the order documented there.
 *
 * <h2>Thread safety</h2>
 *
 * <p>Thread-safe. Steps of the loop never overlap, even on a multi-threaded executor, because each
 * step schedules the next. {@link #recommend}, {@link #latestModel} and {@link
 * #roundsParticipated} may be called from any thread at any time: the model is swapped atomically
 * when a round's model arrives.
 */
public final class FederatedClient implements AutoCloseable {
  private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(5);

  private final String clientId;
  private final LocalDataSource data;
  private final ClientEventListener listener;
  private final RetryPolicy retryPolicy;
  private final long maxRounds;
  private final RandomGenerator random;
  private final ScheduledExecutorService executor;
  private final boolean ownsExecutor;
  private final ManagedChannel ownedChannel;
  private final ClientSession session;
  private final PolicyEnforcer policy;
  private final ScoringBackend scoringBackend;

  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicLong rounds = new AtomicLong();
  private final CompletableFuture<Long> finished = new CompletableFuture<>();
  private volatile Snapshot snapshot;
  private volatile ScheduledFuture<?> scheduled;
  private volatile Thread loopThread;
  /** Consecutive failures; touched only by the loop, whose steps never overlap. */
  private int failures;

  /** The model and training configuration that recommendations are computed with. */
  private record Snapshot(GlobalModel model, TrainingConfig config) {}

  private FederatedClient(Builder b, CoordinatorTransport transport, ManagedChannel ownedChannel) {
    this.clientId = b.clientId;
    this.data = b.dataSource;
    this.listener = b.listener == null ? ClientEventListener.NONE : b.listener;
    this.retryPolicy = b.retryPolicy;
    this.maxRounds = b.maxRounds;
    this.random = b.random != null ? b.random : new SecureRandom();
    this.ownedChannel = ownedChannel;
    if (b.executor != null) {
      this.executor = b.executor;
      this.ownsExecutor = false;
    } else {
      ScheduledThreadPoolExecutor own = new ScheduledThreadPoolExecutor(1, runnable -> {
        Thread t = new Thread(runnable, "fedrec-client-" + clientId);
        t.setDaemon(true);
        return t;
      });
      own.setRemoveOnCancelPolicy(true);
      this.executor = own;
      this.ownsExecutor = true;
    }
    this.session = new ClientSession(clientId, transport, data, b.rpcTimeout, this.listener,
        b.trainingExecutor, b.trainingParallelism);
    this.policy = new PolicyEnforcer(b.privacyPolicy);
    this.scoringBackend = b.scoringBackend;
    this.session.policy(policy);
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Starts the participation loop on the client's executor and returns at once.
   *
   * @throws IllegalStateException if already started or closed
   */
  public void start() {
    if (closed.get()) {
      throw new IllegalStateException("client " + clientId + " is closed");
    }
    if (!started.compareAndSet(false, true)) {
      throw new IllegalStateException("client " + clientId + " is already started");
    }
    schedule(Duration.ZERO);
  }

  /**
   * The {@code k} items with the highest score {@code b_u + b_i + p_u . q_i} for {@code userId}
   * under the latest model, excluding items the user rated; ties go to the lower item id. {@code
   * p_u, b_u} are reconstructed from the user's ratings on every call (a small ridge regression);
   * a user without ratings gets items ranked by item bias. When the federation trains on implicit
   * feedback (the task's {@code feedback}), {@code p_u} comes from the weighted-MF solve over the
   * whole catalogue instead ({@code b_u = 0}; the model's {@code Q^T Q} is computed once per call,
   * see {@link LocalTrainer}), so the ranking is by the fitted interaction score {@code b_i + p_u .
   * q_i}, and the item bias is the learnt popularity prior for users without interactions. Fewer than {@code k} items are returned
   * when the user has rated all but fewer than {@code k}.
   *
   * @throws IllegalArgumentException if {@code k} is not in {@code [1, numItems]}, the data source
   *     does not know {@code userId}, or the user rated an item outside the catalogue
   * @throws IllegalStateException before the first model has arrived
   */
  public List<Recommendation> recommend(String userId, int k) {
    return recommend(userId, k, RecommendationFilter.DEFAULT);
  }

  /**
   * As {@link #recommend(String, int)}, among the items {@code filter} allows (by default the
   * unseen ones; see {@link RecommendationFilter}). Fewer than {@code k} items are returned when
   * fewer are allowed.
   *
   * @throws IllegalArgumentException also if the filter names an item outside the catalogue
   */
  public List<Recommendation> recommend(String userId, int k, RecommendationFilter filter) {
    Objects.requireNonNull(filter, "filter");
    Snapshot s = requireSnapshot();
    Checks.inRange("k", k, 1, s.model().numItems());
    boolean[] allowed = filter.allowed(s.model().numItems());
    return rank(s, userId, k, filter, allowed);
  }

  /**
   * Scores of {@code items} for {@code userId} under the latest model, {@code b_u + b_i + p_u .
   * q_i} as {@link #recommend} ranks them (the user reconstructed from her ratings, a new user
   * folded in at once; without ratings, the item biases).
   *
   * @throws IllegalArgumentException for an unknown user or an item outside the catalogue
   * @throws IllegalStateException before the first model has arrived
   */
  public float[] score(String userId, int... items) {
    Objects.requireNonNull(items, "items");
    Snapshot s = requireSnapshot();
    GlobalModel model = s.model();
    UserState user = userState(s, ratingsOf(userId));
    float[] out = new float[items.length];
    for (int j = 0; j < items.length; j++) {
      int item = items[j];
      if (item < 0 || item >= model.numItems()) {
        throw new IllegalArgumentException("items must be in [0, " + model.numItems()
            + "). Provided value: " + item);
      }
      out[j] = user.score(model, item);
    }
    return out;
  }

  /**
   * Recommendations for many local users at once (a silo scoring all its users): every user is
   * reconstructed once, then the dense user-by-item score matrix {@code S = U Q^T + b_u 1^T + 1
   * b_i^T} is computed block by block by the client's {@link ScoringBackend} (blocks of {@value
   * #SCORE_BLOCK_USERS} users by {@value #SCORE_BLOCK_ITEMS} items, so the score buffer stays at 2
   * MiB whatever the catalogue) and each block is reduced to each user's top {@code k} under
   * {@code filter}. With the default backend ({@link ScoringBackend#plainJava()}) each score is
   * computed exactly as {@link #recommend(String, int, RecommendationFilter)} computes it, so the
   * results are identical to calling it per user; another backend may differ in the last bits of a
   * score and so in the order of near-ties.
   *
   * @return recommendations by user id, in the order of {@code userIds}
   * @throws IllegalArgumentException as {@link #recommend(String, int, RecommendationFilter)}
   * @throws IllegalStateException before the first model has arrived
   */
  public Map<String, List<Recommendation>> recommendAll(
      Collection<String> userIds, int k, RecommendationFilter filter) {
    Objects.requireNonNull(userIds, "userIds");
    Objects.requireNonNull(filter, "filter");
    Snapshot s = requireSnapshot();
    GlobalModel model = s.model();
    int numItems = model.numItems();
    Checks.inRange("k", k, 1, numItems);
    boolean[] allowed = filter.allowed(numItems);
    List<String> ids = new ArrayList<>(userIds);
    Map<String, List<Recommendation>> out = new LinkedHashMap<>();
    float[] scores = new float[Math.min(ids.size(), SCORE_BLOCK_USERS)
        * Math.min(numItems, SCORE_BLOCK_ITEMS)];
    for (int from = 0; from < ids.size(); from += SCORE_BLOCK_USERS) {
      int to = Math.min(ids.size(), from + SCORE_BLOCK_USERS);
      int m = to - from;
      List<UserState> users = new ArrayList<>(m);
      boolean[][] seen = new boolean[m][];
      TopK[] tops = new TopK[m];
      for (int u = 0; u < m; u++) {
        UserRatings r = ratingsOf(ids.get(from + u));
        users.add(userState(s, r));
        seen[u] = filter.excludeSeen() ? seenItems(r, numItems) : null;
        tops[u] = new TopK(k);
      }
      for (int i0 = 0; i0 < numItems; i0 += SCORE_BLOCK_ITEMS) {
        int i1 = Math.min(numItems, i0 + SCORE_BLOCK_ITEMS);
        int n = i1 - i0;
        scoringBackend.score(model, users, i0, i1, scores);
        for (int u = 0; u < m; u++) {
          boolean[] sn = seen[u];
          TopK top = tops[u];
          int row = u * n - i0;
          for (int item = i0; item < i1; item++) {
            if (allowed[item] && (sn == null || !sn[item])) {
              top.offer(item, scores[row + item]);
            }
          }
        }
      }
      for (int u = 0; u < m; u++) {
        out.put(ids.get(from + u), tops[u].result());
      }
    }
    return out;
  }

  /** Users per block of {@link #recommendAll}. */
  static final int SCORE_BLOCK_USERS = 128;

  /** Items per block of {@link #recommendAll}: with 128 users, a 2 MiB score buffer. */
  static final int SCORE_BLOCK_ITEMS = 4096;

  private List<Recommendation> rank(
      Snapshot s, String userId, int k, RecommendationFilter filter, boolean[] allowed) {
    GlobalModel model = s.model();
    UserRatings ratings = ratingsOf(userId);
    UserState user = userState(s, ratings);
    boolean[] seen = filter.excludeSeen() ? seenItems(ratings, model.numItems()) : null;
    TopK top = new TopK(k);
    for (int item = 0; item < model.numItems(); item++) {
      if (allowed[item] && (seen == null || !seen[item])) {
        top.offer(item, user.score(model, item));
      }
    }
    return top.result();
  }

  private Snapshot requireSnapshot() {
    Snapshot s = currentSnapshot();
    if (s == null) {
      throw new IllegalStateException(
          "no global model yet: recommend is available once the first model has been downloaded");
    }
    return s;
  }

  private UserRatings ratingsOf(String userId) {
    Objects.requireNonNull(userId, "userId");
    UserRatings ratings = data.ratings(userId);
    if (ratings == null) {
      throw new IllegalArgumentException("userId must be a user of the data source. Provided value: "
          + userId);
    }
    return ratings;
  }

  /** The user's vector: folded in from her ratings now, or zero (item biases) without any. */
  private static UserState userState(Snapshot s, UserRatings ratings) {
    return ratings.size() == 0
        ? new UserState(new float[s.model().rank()], 0f)
        : new LocalTrainer(s.config()).reconstruct(s.model(), ratings);
  }

  private static boolean[] seenItems(UserRatings ratings, int numItems) {
    boolean[] seen = new boolean[numItems];
    for (int j = 0; j < ratings.size(); j++) {
      int item = ratings.item(j);
      if (item < 0 || item >= numItems) {
        throw new IllegalArgumentException("the user rated item " + item
            + ", outside the catalogue of " + numItems + " items");
      }
      seen[item] = true;
    }
    return seen;
  }

  /**
   * The epsilon a local user has spent by this client's own accounting (the {@link
   * PrivacyPolicy}'s per-user accountant, at its delta), over the rounds the user's data took
   * part in; empty without a policy or before the user's first round.
   */
  public OptionalDouble userEpsilon(String userId) {
    return policy.epsilonOf(userId);
  }

  /** The latest global model, empty before the first one has arrived. */
  public Optional<GlobalModel> latestModel() {
    Snapshot s = currentSnapshot();
    return s == null ? Optional.empty() : Optional.of(s.model());
  }

  /**
   * Completes with the last round when the coordinator says the federation is finished, or with
   * the round of the {@code maxRounds}-th participation; completes exceptionally with a {@link
   * CancellationException} when the client is closed first.
   */
  public CompletableFuture<Long> finished() {
    return finished;
  }

  /** Number of rounds whose update the coordinator accepted. */
  public long roundsParticipated() {
    return rounds.get();
  }

  /**
   * Stops the loop (a step in progress finishes its current RPC), then shuts down the executor and
   * the channel if the client created them: {@code shutdown}, up to 5 s {@code
   * awaitTermination}, then {@code shutdownNow}. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    ScheduledFuture<?> next = scheduled;
    if (next != null) {
      next.cancel(false);
    }
    boolean onLoopThread = Thread.currentThread() == loopThread;
    if (ownsExecutor) {
      executor.shutdown();
      if (!onLoopThread) {
        awaitOrForce(() -> executor.awaitTermination(SHUTDOWN_GRACE.toMillis(),
            TimeUnit.MILLISECONDS));
      }
      executor.shutdownNow();
    }
    if (ownedChannel != null) {
      ownedChannel.shutdown();
      if (!onLoopThread) {
        awaitOrForce(() -> ownedChannel.awaitTermination(SHUTDOWN_GRACE.toMillis(),
            TimeUnit.MILLISECONDS));
      }
      ownedChannel.shutdownNow();
    }
    finished.completeExceptionally(
        new CancellationException("client " + clientId + " closed before the federation finished"));
  }

  private interface Await {
    boolean await() throws InterruptedException;
  }

  private static void awaitOrForce(Await await) {
    try {
      await.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void schedule(Duration delay) {
    if (closed.get()) {
      return;
    }
    try {
      scheduled = executor.schedule(this::runStep, delay.toNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      // The caller shut its executor down: nothing left to run the loop on.
      emit(() -> listener.onError(e));
      finished.completeExceptionally(e);
    }
  }

  private void runStep() {
    if (closed.get() || finished.isDone()) {
      return;
    }
    loopThread = Thread.currentThread();
    try {
      StepResult result = session.step();
      publishModel();
      handle(result);
    } catch (RuntimeException e) {
      // A failing data source (or an SDK bug) must not kill the loop silently.
      failures++;
      emit(() -> listener.onError(e));
      schedule(retryPolicy.withJitter(retryPolicy.backoff(failures), random));
    } catch (Error e) {
      // Not recoverable: report it and stop the loop rather than retry.
      emit(() -> listener.onError(e));
      finished.completeExceptionally(e);
    } finally {
      loopThread = null;
    }
  }

  private void handle(StepResult result) {
    if (result instanceof StepResult.Participated p) {
      failures = 0;
      long n = rounds.incrementAndGet();
      if (maxRounds > 0 && n >= maxRounds) {
        finish(p.round());
      } else {
        schedule(Duration.ZERO);
      }
    } else if (result instanceof StepResult.Retry r) {
      Duration delay;
      if (r.isTransportFailure()) {
        failures++;
        delay = retryPolicy.withJitter(retryPolicy.backoff(failures), random);
      } else {
        failures = 0;
        delay = retryPolicy.withJitter(r.delay(), random);
      }
      emit(() -> listener.onRetry(delay, r.reason()));
      if (r.isTransportFailure() && failures % retryPolicy.maxAttempts() == 0) {
        Throwable error = session.lastTransportError();
        emit(() -> listener.onError(error));
      }
      schedule(delay);
    } else if (result instanceof StepResult.Finished f) {
      finish(f.lastRound());
    } else if (result instanceof StepResult.Failed f) {
      failures++;
      if (f.round() < 0 || failures % retryPolicy.maxAttempts() == 0) {
        emit(() -> listener.onError(f.cause()));
      }
      schedule(retryPolicy.withJitter(retryPolicy.backoff(failures), random));
    }
  }

  private void finish(long lastRound) {
    emit(() -> listener.onFinished(lastRound));
    finished.complete(lastRound);
  }

  private void publishModel() {
    currentSnapshot();
  }

  /**
   * The snapshot of the session's latest verified model. The session publishes a model (a
   * volatile write) as soon as its download is verified, before that round's training, so serving
   * switches to it at once rather than after the round's upload. Concurrent callers may build
   * equal snapshots; either one is correct.
   */
  private Snapshot currentSnapshot() {
    GlobalModel model = session.latestModel();
    Snapshot s = snapshot;
    if (model != null && (s == null || s.model() != model)) {
      s = new Snapshot(model, session.latestTrainingConfig());
      snapshot = s;
    }
    return s;
  }

  private static void emit(Runnable event) {
    try {
      event.run();
    } catch (RuntimeException ignored) {
      // documented: listener exceptions are ignored
    }
  }

  /**
   * Configures a {@link FederatedClient}. {@link #build()} validates and names the setter, the
   * rule and the value in its message. Not thread-safe.
   */
  public static final class Builder {
    private String clientId;
    private Channel channel;
    private String target;
    private boolean plaintext;
    private ChannelCredentials credentials;
    private CoordinatorTransport transport;
    private LocalDataSource dataSource;
    private ScheduledExecutorService executor;
    private ClientEventListener listener;
    private Duration rpcTimeout = Duration.ofSeconds(30);
    private RetryPolicy retryPolicy = RetryPolicy.defaults();
    private PrivacyPolicy privacyPolicy;
    private long maxRounds;
    private boolean maxRoundsSet;
    private RandomGenerator random;
    private Executor trainingExecutor;
    private int trainingParallelism = 1;
    private ScoringBackend scoringBackend = ScoringBackend.plainJava();

    private Builder() {}

    /** Stable id of this installation or partner: 1 to 128 characters of {@code [A-Za-z0-9._:-]}. */
    public Builder clientId(String clientId) {
      this.clientId = clientId;
      return this;
    }

    /** A channel to the coordinator, owned by the caller (never shut down by the client). */
    public Builder channel(Channel channel) {
      this.channel = channel;
      return this;
    }

    /**
     * The coordinator's address ({@code host:port} or a gRPC target URI); the client creates and
     * owns the channel. TLS with the JVM's trust store unless {@link #usePlaintext()} or {@link
     * #credentials} says otherwise.
     */
    public Builder target(String target) {
      this.target = target;
      return this;
    }

    /** No TLS for {@link #target}: only on a trusted network. */
    public Builder usePlaintext() {
      this.plaintext = true;
      return this;
    }

    /** Channel credentials (e.g. {@code TlsChannelCredentials}) for {@link #target}. */
    public Builder credentials(ChannelCredentials credentials) {
      this.credentials = credentials;
      return this;
    }

    /** A custom transport (e.g. the simulator's in-JVM one) instead of a channel. */
    public Builder transport(CoordinatorTransport transport) {
      this.transport = transport;
      return this;
    }

    /** The local users and their ratings; required. */
    public Builder dataSource(LocalDataSource dataSource) {
      this.dataSource = dataSource;
      return this;
    }

    /** Runs the loop; the client never shuts it down. Default: an owned daemon thread. */
    public Builder executor(ScheduledExecutorService executor) {
      this.executor = executor;
      return this;
    }

    /**
     * Trains users in {@code parallelism} fixed partitions on {@code trainingExecutor} (not shut
     * down by the client). The summed update depends on {@code parallelism}, never on timing.
     * Default: sequential on the loop thread.
     */
    public Builder trainingExecutor(Executor trainingExecutor, int parallelism) {
      this.trainingExecutor = trainingExecutor;
      this.trainingParallelism = parallelism;
      return this;
    }

    public Builder listener(ClientEventListener listener) {
      this.listener = listener;
      return this;
    }

    /** Deadline of every RPC; {@code > 0}, default 30 s. */
    public Builder rpcTimeout(Duration rpcTimeout) {
      this.rpcTimeout = rpcTimeout;
      return this;
    }

    /** Backoff and jitter; default {@link RetryPolicy#defaults()}. */
    public Builder retryPolicy(RetryPolicy retryPolicy) {
      this.retryPolicy = retryPolicy;
      return this;
    }

    /** Stop after this many accepted updates ({@code >= 1}); default: until finished. */
    public Builder maxRounds(long maxRounds) {
      this.maxRounds = maxRounds;
      this.maxRoundsSet = true;
      return this;
    }

    /**
     * The partner's privacy policy: tasks that violate it are refused, and users whose per-user
     * epsilon cap would be exceeded are left out (see {@link PrivacyPolicy}). Default: none.
     */
    public Builder privacyPolicy(PrivacyPolicy privacyPolicy) {
      this.privacyPolicy = Objects.requireNonNull(privacyPolicy, "privacyPolicy");
      return this;
    }

    /**
     * Computes the score blocks of {@link FederatedClient#recommendAll}. Default: {@link
     * ScoringBackend#plainJava()}. The optional {@code fedrec-scoring-nd4j} artifact offers {@code
     * new Nd4jScoringBackend()} (one float32 gemm per block); docs/performance.md says at which
     * sizes it pays. {@link FederatedClient#recommend} and {@link FederatedClient#score} always
     * score in plain Java.
     */
    public Builder scoringBackend(ScoringBackend scoringBackend) {
      this.scoringBackend = Objects.requireNonNull(scoringBackend, "scoringBackend");
      return this;
    }

    /** Source of retry jitter; default a {@link SecureRandom}. Inject a seeded one in tests. */
    public Builder random(RandomGenerator random) {
      this.random = random;
      return this;
    }

    /**
     * Validates and builds the client; with {@link #target} it also creates the channel (which
     * connects lazily).
     *
     * @throws IllegalArgumentException naming the first invalid setting, the rule and the value
     */
    public FederatedClient build() {
      try {
        Checks.clientId(clientId);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            e.getMessage().replaceFirst("^client_id", "clientId"), e);
      }
      List<String> sources = new ArrayList<>();
      if (channel != null) {
        sources.add("channel");
      }
      if (target != null) {
        sources.add("target");
      }
      if (transport != null) {
        sources.add("transport");
      }
      if (sources.size() != 1) {
        throw new IllegalArgumentException(
            "exactly one of channel, target or transport must be set. Provided: "
                + (sources.isEmpty() ? "none" : String.join(", ", sources)));
      }
      if ((plaintext || credentials != null) && target == null) {
        throw new IllegalArgumentException(
            "usePlaintext() and credentials(...) apply only with target(...). Provided: "
                + sources.get(0));
      }
      if (plaintext && credentials != null) {
        throw new IllegalArgumentException(
            "usePlaintext() and credentials(...) are exclusive. Provided: both");
      }
      if (target != null && target.isBlank()) {
        throw new IllegalArgumentException(
            "target must be a non-blank address. Provided value: \"" + target + "\"");
      }
      if (dataSource == null) {
        throw new IllegalArgumentException("dataSource must be set. Provided value: null");
      }
      if (rpcTimeout == null || rpcTimeout.isNegative() || rpcTimeout.isZero()) {
        throw new IllegalArgumentException("rpcTimeout must be > 0. Provided value: " + rpcTimeout);
      }
      if (retryPolicy == null) {
        throw new IllegalArgumentException("retryPolicy must be set. Provided value: null");
      }
      if (maxRoundsSet && maxRounds < 1) {
        throw new IllegalArgumentException("maxRounds must be >= 1. Provided value: " + maxRounds);
      }
      if (trainingExecutor != null) {
        Checks.inRange("parallelism", trainingParallelism, 1, 1024);
      }
      ManagedChannel owned = null;
      CoordinatorTransport t = transport;
      if (channel != null) {
        t = CoordinatorTransport.grpc(channel);
      } else if (target != null) {
        ChannelCredentials creds = plaintext ? InsecureChannelCredentials.create()
            : credentials != null ? credentials : TlsChannelCredentials.create();
        owned = Grpc.newChannelBuilder(target, creds).build();
        t = CoordinatorTransport.grpc(owned);
      }
      return new FederatedClient(this, t, owned);
    }
  }
}
