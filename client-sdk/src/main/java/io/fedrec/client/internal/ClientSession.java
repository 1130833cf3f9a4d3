package io.fedrec.client.internal;

import io.fedrec.client.ClientEventListener;
import io.fedrec.client.CoordinatorTransport;
import io.fedrec.client.LocalDataSource;
import io.fedrec.core.aggregate.SparseContribution;
import io.fedrec.core.codec.SecAggProtos;
import io.fedrec.core.codec.TrainingConfigs;
import io.fedrec.core.dp.DistributedNoise;
import io.fedrec.core.dp.NoiseDistribution;
import io.fedrec.core.dp.RandomSource;
import io.fedrec.core.model.GlobalModel;
import io.fedrec.core.model.LocalTrainer;
import io.fedrec.core.model.ModelShape;
import io.fedrec.core.model.TrainingConfig;
import io.fedrec.core.model.UserRatings;
import io.fedrec.core.secagg.Encoding;
import io.fedrec.core.secagg.SecAggClient;
import io.fedrec.core.secagg.SecAggMessages.AdvertiseKeys;
import io.fedrec.core.secagg.SecAggMessages.MaskedInput;
import io.fedrec.core.secagg.SecAggMessages.ShareKeys;
import io.fedrec.core.secagg.SecAggMessages.UnmaskResponse;
import io.fedrec.core.secagg.SecAggParameters;
import io.fedrec.proto.v1.CheckInRequest;
import io.fedrec.proto.v1.CheckInResponse;
import io.fedrec.proto.v1.ClientCapabilities;
import io.fedrec.proto.v1.DownloadModelRequest;
import io.fedrec.proto.v1.ModelInfo;
import io.fedrec.proto.v1.PrivacyConfig;
import io.fedrec.proto.v1.ReportFailureRequest;
import io.fedrec.proto.v1.SecAggConfig;
import io.fedrec.proto.v1.SecAggPoll;
import io.fedrec.proto.v1.SecAggRequest;
import io.fedrec.proto.v1.SecAggResponse;
import io.fedrec.proto.v1.SubmitUpdateResponse;
import io.fedrec.proto.v1.Task;
import io.fedrec.proto.v1.UpdateHeader;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/**
 * The client's side of the protocol, one step at a time. A {@link #step()}:
 *
 * <ol>
 *   <li>checks in;
 *   <li>on a {@code Task}: downloads the model unless the cached one has the same version and
 *       SHA-256; reconstructs {@code p_u, b_u} and computes the update of every local user with
 *       ratings ({@link LocalTrainer}, Federated Reconstruction, Singhal et al. 2021, Alg. 1;
 *       explicit biased MF or, when the task's {@code training.feedback} is implicit, weighted MF
 *       with dense updates of every item row, Hu et al. 2008),
 *       summing the per-user updates in the data source's order (each user's contribution
 *       clipped to the task's {@code privacy.clip_norm} when it is set); adds the weight decay
 *       once for all participating users (with clipping: weighted by their clipping scales);
 *       submits the dense sum with weight = the number of participating users;
 *   <li>when no user has ratings, reports {@code "no_data"}; when training fails (e.g. an item id
 *       outside the catalogue), reports {@code "training_error"} with a detail that names no user.
 * </ol>
 *
 * <p>RPCs failing with {@code UNAVAILABLE} or {@code DEADLINE_EXCEEDED} yield a {@link
 * StepResult.Retry} whose reason is {@link StepResult.Retry#UNAVAILABLE} or {@link
 * StepResult.Retry#DEADLINE_EXCEEDED}; the caller owns the backoff and the attempt count. An
 * upload that failed that way is kept, and the next step retries it (without checking in) until it
 * succeeds, is rejected, or the task's time budget has passed; an answer {@code
 * FAILED_PRECONDITION} whose description contains "duplicate" counts as success, because it means
 * an earlier attempt arrived.
 *
 * <p>Training is sequential by default. With a training executor and {@code parallelism > 1} the
 * users (in data-source order) are cut into {@code parallelism} contiguous partitions, each summed
 * into its own accumulator, and the partial sums are added in partition order: the result depends
 * on {@code parallelism} but never on thread timing.
 *
 * <p>Listener events fired here: {@code onCheckIn}, {@code onTaskReceived}, {@code
 * onModelUpdated}, {@code onUpdateSubmitted}, {@code onTaskFailed}. The loop around the session
 * fires the others.
 *
 * <p><b>Not thread-safe:</b> one thread steps a session at a time. {@link #latestModel()} and
 * {@link #latestTrainingConfig()} may be read from other threads (volatile).
 */
public final class ClientSession {
  /** SDK name and version sent on check-in (informative). */
  public static final String SDK_VERSION = "fedrec-java/0.1.0";

  /** Chunk size used when a task does not announce one. */
  static final int DEFAULT_MAX_CHUNK_BYTES = 1 << 20;

  private final String clientId;
  private final CoordinatorTransport transport;
  private final LocalDataSource data;
  private final Duration rpcTimeout;
  private final ClientEventListener listener;
  private final Executor trainingExecutor;
  private final int parallelism;
  private final Duration transportRetryDelay;
  private final LongSupplier nanoTime;

  private volatile GlobalModel model;
  private volatile TrainingConfig trainingConfig;
  private PendingSubmission pending;
  private SecAggTask secagg;
  private RandomGenerator roundingRandom;
  private RandomSource noiseRandom;
  private PolicyEnforcer enforcer = new PolicyEnforcer(null);
  private StatusRuntimeException lastTransportError;

  /** A sequential session. */
  public ClientSession(
      String clientId,
      CoordinatorTransport transport,
      LocalDataSource data,
      Duration rpcTimeout,
      ClientEventListener listener) {
    this(clientId, transport, data, rpcTimeout, listener, null, 1);
  }

  /**
   * A session that trains on {@code trainingExecutor} in {@code parallelism} fixed partitions
   * ({@code parallelism == 1} or a null executor: sequential on the stepping thread).
   */
  public ClientSession(
      String clientId,
      CoordinatorTransport transport,
      LocalDataSource data,
      Duration rpcTimeout,
      ClientEventListener listener,
      Executor trainingExecutor,
      int parallelism) {
    this(clientId, transport, data, rpcTimeout, listener, trainingExecutor, parallelism,
        Duration.ofSeconds(1), System::nanoTime);
  }

  ClientSession(
      String clientId,
      CoordinatorTransport transport,
      LocalDataSource data,
      Duration rpcTimeout,
      ClientEventListener listener,
      Executor trainingExecutor,
      int parallelism,
      Duration transportRetryDelay,
      LongSupplier nanoTime) {
    this.clientId = io.fedrec.core.model.Checks.clientId(clientId);
    this.transport = Objects.requireNonNull(transport, "transport");
    this.data = Objects.requireNonNull(data, "data");
    if (rpcTimeout == null || rpcTimeout.isNegative() || rpcTimeout.isZero()) {
      throw new IllegalArgumentException("rpcTimeout must be > 0. Provided value: " + rpcTimeout);
    }
    this.rpcTimeout = rpcTimeout;
    this.listener = listener == null ? ClientEventListener.NONE : listener;
    io.fedrec.core.model.Checks.inRange("parallelism", parallelism, 1, 1024);
    this.trainingExecutor = trainingExecutor;
    this.parallelism = trainingExecutor == null ? 1 : parallelism;
    this.transportRetryDelay = transportRetryDelay;
    this.nanoTime = nanoTime;
  }

  /** The last downloaded and verified model, or {@code null} before the first download. */
  public GlobalModel latestModel() {
    return model;
  }

  /** The training configuration of the last task, or {@code null} before the first task. */
  public TrainingConfig latestTrainingConfig() {
    return trainingConfig;
  }

  /** The error behind the last transport-failure {@link StepResult.Retry}, or {@code null}. */
  public StatusRuntimeException lastTransportError() {
    return lastTransportError;
  }

  /** True when an upload interrupted by a transport failure waits to be retried. */
  public boolean hasPendingSubmission() {
    return pending != null;
  }

  /** True while this session takes part in a round's secure aggregation. */
  public boolean inSecureAggregation() {
    return secagg != null;
  }

  /**
   * Randomness of the stochastic rounding that encodes updates for secure aggregation; default a
   * {@link SecureRandom}. Seed one only in simulations, for reproducible runs. (The SecAgg+ keys
   * and mask seeds always come from {@link SecureRandom}; since masks cancel exactly, they do not
   * affect the aggregate.)
   */
  public void roundingRandom(RandomGenerator random) {
    this.roundingRandom = Objects.requireNonNull(random, "random");
  }

  /**
   * Randomness of the distributed-privacy noise; default {@link RandomSource#secure()}. Seed one
   * only in simulations: seeded noise protects nothing.
   */
  public void noiseRandom(RandomSource random) {
    this.noiseRandom = Objects.requireNonNull(random, "random");
  }

  /** The partner's privacy policy and per-user accounting; default: no policy. */
  public void policy(PolicyEnforcer enforcer) {
    this.enforcer = Objects.requireNonNull(enforcer, "enforcer");
  }

  /** Runs one protocol step; see the class documentation. Never throws for protocol errors. */
  public StepResult step() {
    if (pending != null) {
      return submitPending();
    }
    if (secagg != null) {
      return continueSecAgg();
    }
    safely(() -> listener.onCheckIn(clientId));
    CheckInResponse response;
    try {
      response = transport.checkIn(checkInRequest(), rpcTimeout);
    } catch (StatusRuntimeException e) {
      StepResult.Retry retry = transportRetry(e);
      return retry != null ? retry : new StepResult.Failed(-1, e);
    }
    switch (response.getOutcomeCase()) {
      case RETRY:
        return new StepResult.Retry(
            Duration.ofMillis(Math.max(0, response.getRetry().getDelayMillis())),
            response.getRetry().getReason());
      case FINISHED:
        return new StepResult.Finished(response.getFinished().getLastRound());
      case TASK:
        return runTask(response.getTask());
      default:
        return new StepResult.Failed(-1, Status.INTERNAL
            .withDescription("check-in response carries no task, retry or finished")
            .asRuntimeException());
    }
  }

  private CheckInRequest checkInRequest() {
    Collection<String> users = data.userIds();
    return CheckInRequest.newBuilder()
        .setClientId(clientId)
        .setSdkVersion(SDK_VERSION)
        .setCapabilities(ClientCapabilities.newBuilder().setMultiUser(users.size() > 1))
        .build();
  }

  private StepResult runTask(Task task) {
    long round = task.getRound();
    safely(() -> listener.onTaskReceived(round));
    long startNanos = nanoTime.getAsLong();

    TrainingConfig config;
    ModelShape shape;
    try {
      config = TrainingConfigs.fromProto(task.getTraining());
      shape = checkModelInfo(task.getModel(), config);
    } catch (IllegalArgumentException e) {
      return fail(task, "training_error", "invalid task: " + e.getMessage(), e);
    }
    trainingConfig = config;
    if (task.getPrivacy().getMode().equals("distributed") && !task.hasSecagg()) {
      String detail = "privacy mode distributed without secure aggregation: this client's share"
          + " of the noise would not protect its update";
      return fail(task, "policy_refused", detail, new IllegalStateException(detail));
    }
    try {
      NoiseDistribution.parse(task.getPrivacy().getNoise());
    } catch (IllegalArgumentException e) {
      // this client cannot add noise it does not know: it must not contribute without it
      return fail(task, "policy_refused", "the task's " + e.getMessage(), e);
    }
    String refusal = enforcer.check(task);
    if (refusal != null) {
      safely(() -> listener.onPolicyRefusal(round, refusal));
      return fail(task, "policy_refused", refusal, new IllegalStateException(refusal));
    }
    double clipNorm = task.getPrivacy().getClipNorm();
    if (!(clipNorm >= 0 && Double.isFinite(clipNorm))
        || (clipNorm == 0 && !task.getPrivacy().getMode().isEmpty()
            && !task.getPrivacy().getMode().equals("none"))) {
      return fail(task, "training_error", "invalid task: privacy.clip_norm must be > 0 and finite"
          + " when privacy.mode is not none. Provided value: " + clipNorm,
          new IllegalArgumentException("privacy.clip_norm " + clipNorm));
    }

    GlobalModel current = model;
    ModelInfo info = task.getModel();
    if (!isCached(current, info, shape)) {
      try {
        current = transport.downloadGlobalModel(
            DownloadModelRequest.newBuilder()
                .setClientId(clientId)
                .setRound(round)
                .setTaskToken(task.getTaskToken())
                .build(),
            info,
            shape,
            rpcTimeout);
      } catch (StatusRuntimeException e) {
        StepResult.Retry retry = transportRetry(e);
        return retry != null ? retry : failed(round, e);
      } catch (IllegalArgumentException e) {
        return failed(round, Status.DATA_LOSS.withDescription(e.getMessage()).asRuntimeException());
      }
      model = current;
      long version = current.version();
      safely(() -> listener.onModelUpdated(version));
    }

    List<UserRatings> users = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    long ratings = 0;
    try {
      for (String id : data.userIds()) {
        UserRatings r = data.ratings(id);
        if (r == null || r.size() == 0) {
          continue;
        }
        int maxItem = r.maxItem();
        if (maxItem >= shape.numItems()) {
          String detail = "rating for item id " + maxItem + " is outside the catalogue of "
              + shape.numItems() + " items (num_items)";
          return fail(task, "training_error", detail, new IllegalArgumentException(detail));
        }
        users.add(r);
        ids.add(id);
      }
    } catch (RuntimeException e) {
      // The data source's message may carry user data: report the type only.
      return fail(task, "training_error", "data source failed: " + e.getClass().getName(), e);
    }
    if (users.isEmpty()) {
      return fail(task, "no_data", "no local user has ratings",
          new IllegalStateException("no local user has ratings for round " + round));
    }
    PolicyEnforcer.Admission admission = enforcer.admit(task, ids);
    if (!admission.excluded().isEmpty()) {
      java.util.Set<String> out = new java.util.HashSet<>(admission.excluded());
      List<UserRatings> kept = new ArrayList<>();
      for (int i = 0; i < ids.size(); i++) {
        if (!out.contains(ids.get(i))) {
          kept.add(users.get(i));
        }
      }
      users = kept;
      int excluded = out.size();
      safely(() -> listener.onUsersExcluded(round, excluded,
          "the policy's per-user epsilon cap would be exceeded"));
      if (users.isEmpty()) {
        String detail = "every local user with ratings has reached the policy's per-user"
            + " epsilon cap";
        safely(() -> listener.onPolicyRefusal(round, detail));
        return fail(task, "policy_refused", detail, new IllegalStateException(detail));
      }
    }
    for (UserRatings r : users) {
      ratings += r.size();
    }

    if (sparseEligible(task, config)) {
      return submitSparse(task, current, config, users, admission, ratings, startNanos);
    }
    float[] update;
    double lossSum;
    long unclippedUsers = 0;
    try {
      float[][] partials = new float[partitions(users.size())][];
      double[] losses = new double[partials.length];
      double[] shares = new double[partials.length];
      long[] unclipped = new long[partials.length];
      train(current, config, clipNorm, users, partials, losses, shares, unclipped);
      for (long c : unclipped) {
        unclippedUsers += c;
      }
      update = partials[0];
      lossSum = losses[0];
      double priorShares = shares[0];
      for (int p = 1; p < partials.length; p++) {
        float[] part = partials[p];
        for (int x = 0; x < update.length; x++) {
          update[x] += part[x];
        }
        lossSum += losses[p];
        priorShares += shares[p];
      }
      new LocalTrainer(config).addWeightDecay(current, update, priorShares);
    } catch (RuntimeException e) {
      return fail(task, "training_error", "local training failed: " + e.getClass().getName(), e);
    }

    long deadline = deadlineNanos(task, startNanos);
    // the update is about to leave the device: from here on it counts against the users' caps
    enforcer.record(admission);
    if (task.getPrivacy().getMode().equals("local") && !task.hasSecagg()) {
      // local DP: the submission itself carries the full noise before it leaves the device
      try {
        update = new DistributedNoise(task.getPrivacy().getClipNorm(),
            task.getPrivacy().getNoiseMultiplier(), DistributedNoise.LOCAL_SCALE, update.length, 1)
            .noisyCopy(update, rounding(), NoiseDistribution.parse(task.getPrivacy().getNoise()),
                noise());
      } catch (IllegalArgumentException e) {
        return fail(task, "training_error", "invalid local privacy parameters: "
            + e.getMessage(), e);
      }
    }
    if (task.hasSecagg()) {
      SecAggConfig sc = task.getSecagg();
      if (users.size() > sc.getMaxWeight()) {
        String detail = "secure aggregation allows at most secagg.max_weight = "
            + sc.getMaxWeight() + " users per submission; this client has " + users.size();
        return fail(task, "secagg_refused", detail, new IllegalStateException(detail));
      }
      secagg = new SecAggTask(task, update, users.size(), lossSum, ratings,
          chunkBytes(task.getMaxChunkBytes()), deadline);
      return continueSecAgg();
    }
    UpdateHeader header = UpdateHeader.newBuilder()
        .setClientId(clientId)
        .setRound(round)
        .setTaskToken(task.getTaskToken())
        .setWeight(users.size())
        .setUnclippedUsers(unclippedUsers)
        .setNumParameters(update.length)
        .build();
    pending = new PendingSubmission(header, update, null, chunkBytes(task.getMaxChunkBytes()),
        users.size(), lossSum, ratings, deadline, false);
    return submitPending();
  }

  /**
   * The simulator's fast path: a plaintext round (no privacy, no secure aggregation) of explicit
   * ratings over a transport that takes sparse updates. Implicit feedback updates every item row,
   * so it stays dense.
   */
  private boolean sparseEligible(Task task, TrainingConfig config) {
    return transport.acceptsSparseUpdates() && !task.hasSecagg()
        && PolicyEnforcer.mode(task).equals("none") && !config.implicit();
  }

  /**
   * Trains {@code users} into a reused scratch accumulator, gathers the touched rows into a
   * {@link SparseContribution} (prior shares = users: no clipping without privacy) and uploads
   * it. The result is the dense path's update minus its prior, which the coordinator adds once
   * per round for all sparse submissions.
   */
  private StepResult submitSparse(Task task, GlobalModel current, TrainingConfig config,
      List<UserRatings> users, PolicyEnforcer.Admission admission, long ratings,
      long startNanos) {
    long round = task.getRound();
    ModelShape shape = current.shape();
    SparseContribution update;
    double lossSum = 0;
    try {
      float[] acc = SparseScratch.get(shape.numParameters());
      LocalTrainer trainer = new LocalTrainer(config);
      int total = 0;
      for (UserRatings r : users) {
        lossSum += trainer.accumulateUserUpdate(current, r, acc);
        total += r.size();
      }
      int[] items = new int[total];
      int n = 0;
      for (UserRatings r : users) {
        for (int j = 0; j < r.size(); j++) {
          items[n++] = r.item(j);
        }
      }
      java.util.Arrays.sort(items);
      int distinct = 0;
      for (int i = 0; i < n; i++) {
        if (distinct == 0 || items[i] != items[distinct - 1]) {
          items[distinct++] = items[i];
        }
      }
      items = java.util.Arrays.copyOf(items, distinct);
      int k = shape.rank();
      float[] rows = new float[distinct * (k + 1)];
      for (int j = 0; j < distinct; j++) {
        int off = shape.factorOffset(items[j]);
        System.arraycopy(acc, off, rows, j * (k + 1), k);
        java.util.Arrays.fill(acc, off, off + k, 0f);
        rows[j * (k + 1) + k] = acc[shape.biasOffset(items[j])];
        acc[shape.biasOffset(items[j])] = 0f;
      }
      float mu = acc[shape.muOffset()];
      acc[shape.muOffset()] = 0f;
      update = new SparseContribution(clientId, users.size(), items, rows, mu, users.size());
    } catch (RuntimeException e) {
      SparseScratch.discard();
      return fail(task, "training_error", "local training failed: " + e.getClass().getName(), e);
    }
    enforcer.record(admission);
    long deadline = deadlineNanos(task, startNanos);
    UpdateHeader header = UpdateHeader.newBuilder()
        .setClientId(clientId)
        .setRound(round)
        .setTaskToken(task.getTaskToken())
        .setWeight(users.size())
        .setNumParameters(shape.numParameters())
        .build();
    pending = new PendingSubmission(header, null, update, chunkBytes(task.getMaxChunkBytes()),
        users.size(), lossSum, ratings, deadline, false);
    return submitPending();
  }

  /** When the task's time budget, counted from {@code startNanos}, runs out (nanoTime units). */
  private static long deadlineNanos(Task task, long startNanos) {
    long budget = task.getTimeBudgetMillis();
    return budget > 0 ? startNanos + Duration.ofMillis(budget).toNanos() : Long.MAX_VALUE;
  }

  private int partitions(int users) {
    return Math.max(1, Math.min(parallelism, users));
  }

  /**
   * Fills {@code partials[p]} with the summed updates of the {@code p}-th contiguous partition of
   * {@code users}, {@code losses[p]} with its loss and {@code shares[p]} with its users' shares
   * of the prior (the number of users, or with {@code clipNorm > 0} the sum of their clipping
   * scales: each user's whole contribution is clipped, see
   * {@link LocalTrainer#accumulateClippedUserUpdate}).
   */
  private void train(
      GlobalModel current, TrainingConfig config, double clipNorm, List<UserRatings> users,
      float[][] partials, double[] losses, double[] shares, long[] unclipped) {
    int parts = partials.length;
    int n = users.size();
    if (parts == 1) {
      partials[0] = new float[current.shape().numParameters()];
      trainRange(current, config, clipNorm, users, 0, n, partials[0], losses, shares, unclipped,
          0);
      return;
    }
    CompletableFuture<?>[] futures = new CompletableFuture<?>[parts];
    for (int p = 0; p < parts; p++) {
      int part = p;
      int from = (int) ((long) n * p / parts);
      int to = (int) ((long) n * (p + 1) / parts);
      futures[p] = CompletableFuture.runAsync(() -> {
        float[] acc = new float[current.shape().numParameters()];
        trainRange(current, config, clipNorm, users, from, to, acc, losses, shares, unclipped,
            part);
        partials[part] = acc;
      }, trainingExecutor);
    }
    try {
      CompletableFuture.allOf(futures).join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw e;
    }
  }

  private static void trainRange(
      GlobalModel current, TrainingConfig config, double clipNorm, List<UserRatings> users,
      int from, int to, float[] acc, double[] losses, double[] shares, long[] unclipped,
      int part) {
    LocalTrainer trainer = new LocalTrainer(config);
    double loss = 0;
    double share = 0;
    long kept = 0;
    for (int u = from; u < to; u++) {
      if (clipNorm > 0) {
        LocalTrainer.ClippedUpdate c =
            trainer.accumulateClippedUserUpdate(current, users.get(u), acc, clipNorm);
        loss += c.loss();
        share += c.scale();
        kept += c.scale() >= 1 ? 1 : 0;
      } else {
        loss += trainer.accumulateUserUpdate(current, users.get(u), acc);
        share += 1;
      }
    }
    losses[part] = loss;
    shares[part] = share;
    unclipped[part] = kept;
  }

  private StepResult submitPending() {
    PendingSubmission p = pending;
    long round = p.header.getRound();
    if (p.resumed && nanoTime.getAsLong() - p.deadlineNanos > 0) {
      pending = null;
      return failed(round, Status.DEADLINE_EXCEEDED
          .withDescription("task time budget of round " + round
              + " passed before the upload succeeded")
          .asRuntimeException());
    }
    SubmitUpdateResponse response;
    try {
      response = p.sparse != null
          ? transport.submitSparseUpdate(p.header, p.sparse, rpcTimeout)
          : transport.submitUpdate(p.header, p.update, p.maxChunkBytes, rpcTimeout);
    } catch (StatusRuntimeException e) {
      StepResult.Retry retry = transportRetry(e);
      if (retry != null) {
        pending = p.resumedCopy();
        return retry;
      }
      pending = null;
      if (isDuplicate(e)) {
        // Only an earlier upload of this very update can have made it a duplicate.
        return participated(p);
      }
      return failed(round, e);
    }
    pending = null;
    if (!response.getAccepted()) {
      return failed(round, new IllegalStateException(
          "coordinator did not accept the update for round " + round));
    }
    return participated(p);
  }

  /**
   * Drives this client's part of the round's secure aggregation (docs/secagg.md) as far as it can
   * without waiting: each answer of the coordinator says what to send next; a wait ends the step
   * with a Retry after the coordinator's delay, and the next step resumes here.
   */
  private StepResult continueSecAgg() {
    SecAggTask t = secagg;
    long round = t.task.getRound();
    if (nanoTime.getAsLong() - t.deadlineNanos > 0) {
      secagg = null;
      return failed(round, Status.DEADLINE_EXCEEDED.withDescription("task time budget of round "
          + round + " passed before secure aggregation finished").asRuntimeException());
    }
    while (true) {
      if (t.maskedInput != null) {
        UpdateHeader header = UpdateHeader.newBuilder()
            .setClientId(clientId)
            .setRound(round)
            .setTaskToken(t.task.getTaskToken())
            .setWeight(0)
            .setNumParameters(t.maskedInput.length)
            .build();
        try {
          transport.submitMaskedInput(header, t.maskedInput, t.maxChunkBytes, rpcTimeout);
        } catch (StatusRuntimeException e) {
          StepResult.Retry retry = transportRetry(e);
          if (retry != null) {
            return retry;
          }
          if (!isDuplicate(e)) {
            secagg = null;
            return failed(round, e);
          }
        }
        t.maskedInput = null;
        t.outgoing = null;
      }
      SecAggRequest.Builder request = SecAggRequest.newBuilder()
          .setClientId(clientId)
          .setRound(round)
          .setTaskToken(t.task.getTaskToken());
      if (t.outgoing == null) {
        request.setPoll(SecAggPoll.getDefaultInstance());
      } else {
        t.outgoing.accept(request);
      }
      SecAggResponse response;
      try {
        response = transport.secAggExchange(request.build(), rpcTimeout);
      } catch (StatusRuntimeException e) {
        StepResult.Retry retry = transportRetry(e);
        if (retry != null) {
          return retry;
        }
        secagg = null;
        return failed(round, e);
      }
      t.outgoing = null;
      try {
        switch (response.getNextCase()) {
          case WAIT -> {
            return new StepResult.Retry(
                Duration.ofMillis(Math.max(0, response.getWait().getDelayMillis())),
                "secagg_" + response.getWait().getReason());
          }
          case SETUP -> {
            SecAggParameters parameters =
                SecAggProtos.fromProto(round, response.getSetup());
            t.encoding = checkedEncoding(t.task.getSecagg(), parameters);
            t.parameters = parameters;
            t.client = SecAggClient.create(parameters, response.getSetup().getClientIndex());
            AdvertiseKeys keys = t.client.advertiseKeys();
            t.outgoing = b -> b.setAdvertiseKeys(SecAggProtos.toProto(keys));
          }
          case KEY_DIRECTORY -> {
            ShareKeys shares = client(t).shareKeys(
                SecAggProtos.fromProto(t.client.index(), response.getKeyDirectory()));
            t.outgoing = b -> b.setShareKeys(SecAggProtos.toProto(shares));
          }
          case SHARE_DELIVERY -> {
            int numParameters = t.update.length;
            int[] input = new int[t.parameters.vectorLength()];
            int[] encoded = t.encoding.encode(t.update, rounding());
            System.arraycopy(encoded, 0, input, 0, numParameters);
            input[numParameters] = (int) t.weight & ((int) ((1L << t.parameters.bits()) - 1));
            PrivacyConfig privacy = t.task.getPrivacy();
            if (privacy.getMode().equals("distributed") || privacy.getMode().equals("local")) {
              // local: the full noise on this update alone, whatever the task says
              int survivors = privacy.getMode().equals("local") ? 1 : privacy.getMinSurvivors();
              new DistributedNoise(privacy.getClipNorm(), privacy.getNoiseMultiplier(),
                  t.task.getSecagg().getScale(), numParameters, survivors)
                  .addNoise(input, t.parameters.bits(),
                      NoiseDistribution.parse(privacy.getNoise()), noise());
            }
            MaskedInput masked = client(t).maskedInput(
                SecAggProtos.fromProto(t.client.index(), response.getShareDelivery()), input);
            t.maskedInput = masked.maskedVector();
          }
          case UNMASK_REQUEST -> {
            UnmaskResponse answer = client(t).unmask(
                SecAggProtos.fromProto(t.client.index(), response.getUnmaskRequest()));
            t.outgoing = b -> b.setUnmask(SecAggProtos.toProto(answer));
          }
          case DONE -> {
            secagg = null;
            if (!response.getDone().getAggregated()) {
              return failed(round, new IllegalStateException("round " + round
                  + ": the coordinator abandoned secure aggregation after this client's part"));
            }
            safely(() -> listener.onUpdateSubmitted(round, t.weight));
            return new StepResult.Participated(round, t.weight, t.lossSum, t.ratings);
          }
          default -> throw new IllegalArgumentException(
              "SecAggResponse carries no message");
        }
      } catch (IllegalArgumentException | IllegalStateException e) {
        secagg = null;
        return fail(t.task, "secagg_error", "secure aggregation failed: " + e.getMessage(), e);
      }
    }
  }

  private static SecAggClient client(SecAggTask t) {
    if (t.client == null) {
      throw new IllegalStateException("the coordinator skipped the SecAgg setup");
    }
    return t.client;
  }

  /**
   * The encoding of the task's announced range and scale at the coordinator's bits, refusing bits
   * too small for the cohort: a sum that can wrap around would decode to garbage.
   */
  private static Encoding checkedEncoding(SecAggConfig config, SecAggParameters parameters) {
    if (parameters.vectorLength() < 2) {
      throw new IllegalArgumentException("secagg vector_length must be num_parameters + 1."
          + " Provided value: " + parameters.vectorLength());
    }
    long m = Math.max((long) Math.ceil(config.getClipRange() * config.getScale()),
        config.getMaxWeight());
    int n = parameters.cohortSize();
    if ((double) n * m >= Math.pow(2, parameters.bits() - 1)) {
      throw new IllegalArgumentException("secagg bits " + parameters.bits() + " are too few for "
          + n + " clients with clip_range " + config.getClipRange() + ", scale "
          + config.getScale() + " and max_weight " + config.getMaxWeight()
          + ": the sum could wrap around");
    }
    return Encoding.builder().cohortSize(n).clipRange(config.getClipRange())
        .scale(config.getScale()).bits(parameters.bits()).build();
  }

  private RandomSource noise() {
    if (noiseRandom == null) {
      noiseRandom = RandomSource.secure();
    }
    return noiseRandom;
  }

  private RandomGenerator rounding() {
    if (roundingRandom == null) {
      roundingRandom = new SecureRandom();
    }
    return roundingRandom;
  }

  private StepResult participated(PendingSubmission p) {
    long round = p.header.getRound();
    safely(() -> listener.onUpdateSubmitted(round, p.users));
    return new StepResult.Participated(round, p.users, p.lossSum, p.ratings);
  }

  private static boolean isDuplicate(StatusRuntimeException e) {
    String description = e.getStatus().getDescription();
    return e.getStatus().getCode() == Status.Code.FAILED_PRECONDITION
        && description != null
        && description.toLowerCase(Locale.ROOT).contains("duplicate");
  }

  private static boolean isCached(GlobalModel cached, ModelInfo info, ModelShape shape) {
    return cached != null
        && cached.version() == info.getVersion()
        && cached.shape().equals(shape)
        && Arrays.equals(cached.sha256(), info.getSha256().toByteArray());
  }

  private static ModelShape checkModelInfo(ModelInfo info, TrainingConfig config) {
    if (info.getRank() != config.rank()) {
      throw new IllegalArgumentException("model rank must equal training rank " + config.rank()
          + ". Provided value: " + info.getRank());
    }
    ModelShape shape = new ModelShape(info.getNumItems(), info.getRank());
    if (info.getNumParameters() != shape.numParameters()) {
      throw new IllegalArgumentException("model num_parameters must be num_items * (rank + 1) + 1 = "
          + shape.numParameters() + ". Provided value: " + info.getNumParameters());
    }
    if (info.getVersion() < 0) {
      throw new IllegalArgumentException(
          "model version must be >= 0. Provided value: " + info.getVersion());
    }
    return shape;
  }

  private static int chunkBytes(int announced) {
    if (announced <= 0) {
      return DEFAULT_MAX_CHUNK_BYTES;
    }
    return Math.max(4, announced & ~3);
  }

  /** Maps retryable statuses to a Retry (remembering the error); null for any other status. */
  private StepResult.Retry transportRetry(StatusRuntimeException e) {
    Status.Code code = e.getStatus().getCode();
    if (code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED) {
      lastTransportError = e;
      return new StepResult.Retry(transportRetryDelay, code == Status.Code.UNAVAILABLE
          ? StepResult.Retry.UNAVAILABLE : StepResult.Retry.DEADLINE_EXCEEDED);
    }
    return null;
  }

  /** Reports the failure to the coordinator (best effort) and returns Failed. */
  private StepResult fail(Task task, String reason, String detail, Throwable cause) {
    try {
      transport.reportFailure(
          ReportFailureRequest.newBuilder()
              .setClientId(clientId)
              .setRound(task.getRound())
              .setTaskToken(task.getTaskToken())
              .setReason(reason)
              .setDetail(detail)
              .build(),
          rpcTimeout);
    } catch (StatusRuntimeException e) {
      // The coordinator counts us as a dropout at the deadline anyway.
      cause.addSuppressed(e);
    }
    return failed(task.getRound(), cause);
  }

  private StepResult failed(long round, Throwable cause) {
    safely(() -> listener.onTaskFailed(round, cause));
    return new StepResult.Failed(round, cause);
  }

  /** Listener exceptions must not break the protocol. */
  private static void safely(Runnable event) {
    try {
      event.run();
    } catch (RuntimeException ignored) {
      // documented: listener exceptions are ignored
    }
  }

  /** This client's state in one round's secure aggregation. */
  private static final class SecAggTask {
    final Task task;
    final float[] update;
    final int weight;
    final double lossSum;
    final long ratings;
    final int maxChunkBytes;
    final long deadlineNanos;
    SecAggParameters parameters;
    Encoding encoding;
    SecAggClient client;
    /** The message to send with the next exchange; null: poll. */
    java.util.function.Consumer<SecAggRequest.Builder> outgoing;
    /** A masked input waiting to be uploaded (kept across transport failures). */
    int[] maskedInput;

    SecAggTask(Task task, float[] update, int weight, double lossSum, long ratings,
        int maxChunkBytes, long deadlineNanos) {
      this.task = task;
      this.update = update;
      this.weight = weight;
      this.lossSum = lossSum;
      this.ratings = ratings;
      this.maxChunkBytes = maxChunkBytes;
      this.deadlineNanos = deadlineNanos;
    }
  }

  /** An update computed for a task, kept until the coordinator has answered its upload. */
  private record PendingSubmission(
      UpdateHeader header,
      float[] update,
      SparseContribution sparse, // non-null: the fast path's upload instead of update
      int maxChunkBytes,
      int users,
      double lossSum,
      long ratings,
      long deadlineNanos,
      boolean resumed) {
    PendingSubmission resumedCopy() {
      return new PendingSubmission(
          header, update, sparse, maxChunkBytes, users, lossSum, ratings, deadlineNanos, true);
    }
  }
}
