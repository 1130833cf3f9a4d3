package io.fedrec.coordinator.round;

import com.google.protobuf.ByteString;
import io.fedrec.coordinator.metrics.CoordinatorMetrics;
import io.fedrec.coordinator.round.EngineStatus.Phase;
import io.fedrec.coordinator.store.StateStore;
import io.fedrec.coordinator.store.StoredRound;
import io.fedrec.core.aggregate.AggregateResult;
import io.fedrec.core.aggregate.AggregationFactory;
import io.fedrec.core.aggregate.AggregationProcess;
import io.fedrec.core.aggregate.ClientContribution;
import io.fedrec.core.aggregate.OptimizerState;
import io.fedrec.core.aggregate.ServerOptimizer;
import io.fedrec.core.aggregate.StatefulServerOptimizer;
import io.fedrec.core.aggregate.SparseContribution;
import io.fedrec.core.aggregate.WeightedMeanFactory;
import io.fedrec.core.codec.SecAggProtos;
import io.fedrec.core.codec.TrainingConfigs;
import io.fedrec.core.dp.CentralGaussianAggregation;
import io.fedrec.core.dp.DiscreteGaussianSampler;
import io.fedrec.core.dp.DistributedNoise;
import io.fedrec.core.dp.DistributedSumAggregation;
import io.fedrec.core.dp.NoiseCalibration;
import io.fedrec.core.dp.NoiseDistribution;
import io.fedrec.core.dp.PldAccountant;
import io.fedrec.core.dp.PrivacyAccountant;
import io.fedrec.core.dp.RandomSource;
import io.fedrec.core.dp.RdpAccountant;
import io.fedrec.core.dp.SkellamAccountant;
import io.fedrec.core.dp.SkellamSampler;
import io.fedrec.core.model.Checks;
import io.fedrec.core.model.GlobalModel;
import io.fedrec.core.model.LocalTrainer;
import io.fedrec.core.secagg.Encoding;
import io.fedrec.core.secagg.SecAggMessages.KeyDirectory;
import io.fedrec.core.secagg.SecAggMessages.MaskedInput;
import io.fedrec.core.secagg.SecAggMessages.ShareDelivery;
import io.fedrec.core.secagg.SecAggMessages.UnmaskRequest;
import io.fedrec.core.secagg.SecAggParameters;
import io.fedrec.core.secagg.SecAggPhase;
import io.fedrec.core.secagg.SecAggResult;
import io.fedrec.core.secagg.SecAggServer;
import io.fedrec.proto.v1.CheckInRequest;
import io.fedrec.proto.v1.CheckInResponse;
import io.fedrec.proto.v1.DownloadModelRequest;
import io.fedrec.proto.v1.Finished;
import io.fedrec.proto.v1.ModelInfo;
import io.fedrec.proto.v1.PrivacyConfig;
import io.fedrec.proto.v1.ReportFailureRequest;
import io.fedrec.proto.v1.ReportFailureResponse;
import io.fedrec.proto.v1.RetryAfter;
import io.fedrec.proto.v1.SecAggConfig;
import io.fedrec.proto.v1.SecAggDone;
import io.fedrec.proto.v1.SecAggRequest;
import io.fedrec.proto.v1.SecAggResponse;
import io.fedrec.proto.v1.SubmitUpdateResponse;
import io.fedrec.proto.v1.Task;
import io.fedrec.proto.v1.UpdateHeader;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;

/**
 * The coordinator's round state machine (Bonawitz et al., "Towards Federated Learning at Scale:
 * System Design", MLSys 2019, section 2: selection, configuration, reporting). It has no threads
 * of its own: the gRPC service calls it, and a ticker (or a test, with an injected {@link Clock})
 * calls {@link #tick()} to apply timeouts.
 *
 * <p>Rounds. Round {@code R} takes the model of version {@code R - 1} as input. While its cohort
 * fills (phase {@code SELECTION}), the first {@code clients_per_round} clients to check in are
 * selected and each gets a {@link Task} with a random token; selected clients may download and
 * submit at once. Selection closes when the cohort is full, or at the selection timeout if at least
 * {@code min_clients} are selected (phase {@code TRAINING}). The round closes as soon as selection
 * is closed and every selected client has submitted or reported failure, or at the round deadline.
 * With at least {@code min_clients} submissions it is aggregated, stored and published, and round
 * {@code R + 1} opens at once; otherwise it is abandoned and round {@code R} reopens with a new
 * cohort. If aggregation, the server step or the store fails, the round is abandoned too: nothing
 * is published that did not pass every stage (privacy stages fail closed by throwing).
 *
 * <p>Errors. Every method validates its request and throws {@link StatusRuntimeException} with the
 * status codes documented in {@code coordinator.proto}; a rejected request changes nothing, so a
 * client can correct it and retry.
 *
 * <p>Thread safety: all methods may be called concurrently; state changes happen under one lock.
 * Decoding and validating an update's values happens outside it.
 */
public final class RoundEngine {
  private static final Pattern REASON = Pattern.compile("[a-z0-9_]{1,64}");
  private static final int TOKEN_BYTES = 16;
  private static final int MAX_DETAIL_CHARS = 1024;

  /** Longest wait a SecAgg+ client is told before polling again. */
  private static final long SECAGG_POLL_MILLIS = 200;

  /** Largest accepted submission weight (users summed in one update). */
  public static final long MAX_WEIGHT = 1L << 32;

  private final FederationConfig config;
  private final StateStore store;
  private final Clock clock;
  private final AggregationProcess aggregation;
  /** Randomness of the coordinator's noise (central mode, adaptive clipping's count). */
  private final RandomSource noiseRandom;
  /** Adaptive clipping: the clip of the open round, else the configured one. */
  private double clip;
  /** Adaptive clipping: noise multiplier of the update (above the accounted one) and count noise. */
  private double updateNoiseMultiplier;
  private double countNoise;
  private final ServerOptimizer optimizer;
  /** {@link #optimizer} if it keeps state that must be checkpointed, else null. */
  private final StatefulServerOptimizer statefulOptimizer;
  private final CoordinatorMetrics metrics;
  private final Random tokenRandom;
  private final List<RoundListener> listeners = new CopyOnWriteArrayList<>();
  private final io.fedrec.proto.v1.TrainingConfig trainingProto;
  private final PrivacySettings privacy;
  private final long privacyRoundLimit;
  private String finishReason;
  private double epsilonSpentRdp;

  private GlobalModel model;
  private ModelInfo modelInfo;
  private OpenRound open;
  /** The round closed last (published or abandoned), to tell its late SecAgg clients the end. */
  private OpenRound previous;
  /** Counts state changes of secure aggregation (messages accepted, phases closed). */
  private long secAggEvents;

  private RoundEngine(Builder b) {
    config = b.config;
    store = b.store != null ? b.store : StateStore.inMemory();
    clock = b.clock != null ? b.clock : Clock.systemUTC();
    optimizer = b.optimizer != null ? b.optimizer : config.newServerOptimizer();
    statefulOptimizer =
        optimizer instanceof StatefulServerOptimizer s ? s : null;
    PrivacySettings p = config.privacy();
    if (p.mode() != PrivacySettings.Mode.NONE) {
      if (b.aggregation != null) {
        throw new IllegalStateException("privacy_mode " + p.mode().key() + " brings its own"
            + " aggregation (clipping and noise); a custom aggregation cannot replace it");
      }
      if (p.noiseMultiplier() == 0) {
        PrivacySettings unsolved = p;
        p = p.withNoiseMultiplier(NoiseCalibration.solveNoiseMultiplier(
            p.epsilon(), p.delta(), p.samplingRate(), config.rounds(),
            () -> budgetAccountant(unsolved)));
      }
      privacy = p;
      privacyRoundLimit = roundsWithinBudget(p, config.rounds());
      if (clientNoise(p)) {
        // fails closed now, not mid-round, if the noise cannot be encoded or sampled
        DistributedNoise noise = distributedNoise(config.clientsPerRound());
        if (p.noise() == NoiseDistribution.SKELLAM
            && noise.clientVarianceUnits().compareTo(SkellamSampler.MAX_VARIANCE) > 0) {
          throw new IllegalStateException("the clients' Skellam noise variance "
              + noise.clientVarianceUnits() + " (encoded units) exceeds the sampler's limit "
              + SkellamSampler.MAX_VARIANCE + "; lower secagg_scale or the noise multiplier");
        }
        aggregation = new DistributedSumAggregation(p.clipNorm(), p.noiseMultiplier(),
            p.usersPerRound(), config.secagg().enabled()).create();
      } else {
        aggregation = new CentralGaussianAggregation(p.clipNorm(), p.noiseMultiplier(),
            p.usersPerRound(), b.noiseRandom != null ? b.noiseRandom : RandomSource.secure())
            .create();
      }
      if (config.adaptiveClipping().enabled()) {
        countNoise = config.adaptiveClipping().countNoiseFor(p.usersPerRound());
        try {
          updateNoiseMultiplier =
              AdaptiveClipping.updateNoiseMultiplier(p.noiseMultiplier(), countNoise);
        } catch (IllegalArgumentException e) {
          throw new IllegalStateException(e.getMessage(), e);
        }
      }
    } else {
      privacy = p;
      privacyRoundLimit = Long.MAX_VALUE;
      aggregation = (b.aggregation != null ? b.aggregation
          : new WeightedMeanFactory(config.shape())).create();
    }
    noiseRandom = b.noiseRandom != null ? b.noiseRandom : RandomSource.secure();
    clip = privacy.clipNorm();
    metrics = b.metrics != null ? b.metrics : new CoordinatorMetrics();
    tokenRandom = b.tokenRandom != null ? b.tokenRandom : new SecureRandom();
    trainingProto = TrainingConfigs.toProto(config.training());
    java.util.Optional<StoredRound> latest = store.loadLatest();
    if (latest.isPresent()) {
      GlobalModel m = latest.get().model();
      if (!m.shape().equals(config.shape())) {
        throw new IllegalStateException(
            "the state store holds a model of " + m.shape() + " but the configuration says "
                + config.shape() + "; use a new state directory for a different federation");
      }
      restoreOptimizer(latest.get());
      Double nextClip = latest.get().record().measurements().get("next_clip_norm");
      if (config.adaptiveClipping().enabled() && nextClip != null) {
        clip = nextClip; // the adapted clip survives restarts
      }
      setModel(m);
      epsilonSpentRdp = epsilonRdp(m.version());
    } else {
      setModel(GlobalModel.initial(
          config.shape(), config.initialMean(), config.initScale(), config.seed()));
    }
    metrics.gauge("current_round", () -> status().round());
    metrics.gauge("published_rounds", () -> model.version());
    synchronized (this) {
      openNextRound();
    }
  }

  /**
   * Puts the optimizer state checkpointed with the latest round back, so that the next step
   * continues exactly where the previous coordinator stopped.
   *
   * @throws IllegalStateException if the stored state belongs to another optimizer, a stateful
   *     optimizer finds no state to resume from, or the state does not fit the model
   */
  private void restoreOptimizer(StoredRound latest) {
    long round = latest.record().round();
    java.util.Optional<OptimizerState> state = latest.optimizerState();
    if (state.isPresent() && !state.get().name().equals(optimizer.name())) {
      throw new IllegalStateException("the state store's round " + round
          + " holds the state of server optimizer '" + state.get().name()
          + "' but the configuration says server_optimizer '" + optimizer.name()
          + "'; resume with server_optimizer " + state.get().name()
          + " or use a new state directory");
    }
    if (statefulOptimizer == null) {
      return;
    }
    if (state.isEmpty()) {
      throw new IllegalStateException("the state store's round " + round + " (server optimizer '"
          + latest.record().optimizer() + "') holds no server optimizer state, so server_optimizer"
          + " '" + optimizer.name() + "' cannot resume it; resume with the optimizer that"
          + " produced it or use a new state directory");
    }
    try {
      statefulOptimizer.restore(state.get());
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException("the state store's round " + round
          + " holds a server optimizer state that cannot be restored: " + e.getMessage(), e);
    }
  }

  public static Builder builder(FederationConfig config) {
    return new Builder(config);
  }

  public FederationConfig config() {
    return config;
  }

  public CoordinatorMetrics metrics() {
    return metrics;
  }

  public void addListener(RoundListener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  /** The latest published model (version = rounds published), or the initial model. */
  public synchronized GlobalModel currentModel() {
    return model;
  }

  public synchronized EngineStatus status() {
    if (open == null) {
      return new EngineStatus(model.version(), Phase.FINISHED, model.version(), 0, 0, 0);
    }
    return new EngineStatus(open.round, open.selectionClosed ? Phase.TRAINING : Phase.SELECTION,
        model.version(), open.participants.size(), open.submitted, open.submitted + open.failed);
  }

  // ---------------------------------------------------------------------------------------------
  // RPCs

  /** Assigns a task, asks the client to come back later, or says the federation is finished. */
  public CheckInResponse checkIn(CheckInRequest request) {
    String clientId = clientId(request.getClientId());
    long maxParams = request.getCapabilities().getMaxModelParameters();
    if (maxParams < 0) {
      throw reject(Status.INVALID_ARGUMENT,
          "capabilities.max_model_parameters must be >= 0. Provided value: " + maxParams);
    }
    int numParameters = config.shape().numParameters();
    if (maxParams != 0 && maxParams < numParameters) {
      throw reject(Status.FAILED_PRECONDITION,
          "the model has " + numParameters + " parameters but the client accepts at most "
              + maxParams);
    }
    metrics.checkIn();
    synchronized (this) {
      applyTimeouts();
      if (open == null) {
        return CheckInResponse.newBuilder()
            .setFinished(Finished.newBuilder().setLastRound(model.version())
                .setReason(finishReason))
            .build();
      }
      Participant p = open.participants.get(clientId);
      if (p != null) {
        if (p.state == State.SELECTED || p.state == State.SUBMITTING) {
          return CheckInResponse.newBuilder().setTask(task(p)).build();
        }
        return retry("already_participated");
      }
      if (open.selectionClosed) {
        return retry("cohort_full");
      }
      if (config.selectionProbability() > 0 && !sampled(open, clientId)) {
        return retry("not_selected");
      }
      byte[] token = new byte[TOKEN_BYTES];
      tokenRandom.nextBytes(token);
      p = new Participant(clientId, ByteString.copyFrom(token));
      open.participants.put(clientId, p);
      metrics.taskAssigned();
      if (open.participants.size() == config.clientsPerRound()) {
        closeSelection();
      }
      return CheckInResponse.newBuilder().setTask(task(p)).build();
    }
  }

  /**
   * Checks that the request holds a live task and returns the model to stream.
   *
   * @throws StatusRuntimeException NOT_FOUND for an unknown task, FAILED_PRECONDITION for a
   *     round that is not open or a task already submitted
   */
  public GlobalModel authorizeDownload(DownloadModelRequest request) {
    String clientId = clientId(request.getClientId());
    synchronized (this) {
      applyTimeouts();
      Participant p = participant(clientId, request.getRound(), request.getTaskToken());
      if (p.state != State.SELECTED) {
        throw reject(Status.FAILED_PRECONDITION,
            "round " + open.round + ": client " + clientId + " already " + p.state.done
                + "; download refused");
      }
      long bytes = 4L * config.shape().numParameters();
      open.bytesDown += bytes;
      metrics.download(bytes);
      return model;
    }
  }

  /**
   * Validates an update's header and reserves the task for one upload.
   *
   * @throws StatusRuntimeException INVALID_ARGUMENT for a bad weight or length, NOT_FOUND for an
   *     unknown task, FAILED_PRECONDITION for a duplicate or concurrent submission or a closed round
   */
  public Submission beginSubmission(UpdateHeader header) {
    String clientId = clientId(header.getClientId());
    if (config.secagg().enabled()) {
      return beginMaskedSubmission(clientId, header);
    }
    if (header.getWeight() < 1 || header.getWeight() > MAX_WEIGHT) {
      throw reject(Status.INVALID_ARGUMENT,
          "weight must be in [1, " + MAX_WEIGHT + "]. Provided value: " + header.getWeight());
    }
    int expected = config.shape().numParameters();
    if (header.getNumParameters() != expected) {
      throw reject(Status.INVALID_ARGUMENT,
          "num_parameters must equal the model's " + expected + ". Provided value: "
              + header.getNumParameters());
    }
    synchronized (this) {
      applyTimeouts();
      refuseRepeatIntoClosedRound(clientId, header);
      Participant p = participant(clientId, header.getRound(), header.getTaskToken());
      switch (p.state) {
        case SELECTED -> { }
        case SUBMITTED -> throw reject(Status.FAILED_PRECONDITION,
            "duplicate submission: client " + clientId + " already submitted to round " + open.round);
        case SUBMITTING -> throw reject(Status.FAILED_PRECONDITION,
            "client " + clientId + " already has an upload in progress for round " + open.round);
        case FAILED -> throw reject(Status.FAILED_PRECONDITION,
            "client " + clientId + " reported failure for round " + open.round
                + "; it cannot submit to it");
        default -> throw new AssertionError(p.state);
      }
      p.state = State.SUBMITTING;
      if (header.getUnclippedUsers() < 0 || header.getUnclippedUsers() > header.getWeight()) {
        p.state = State.SELECTED;
        throw reject(Status.INVALID_ARGUMENT, "unclipped_users must be in [0, weight = "
            + header.getWeight() + "]. Provided value: " + header.getUnclippedUsers());
      }
      Submission s = new Submission(open, p, header.getWeight(), expected, 0);
      s.unclipped = header.getUnclippedUsers();
      return s;
    }
  }

  /**
   * An upload for the round that closed last, by a client whose upload to it was accepted and
   * published (its answer was lost and the round closed before the retry): refused as a
   * <em>duplicate</em>, so that the client learns its update counted, instead of "not open".
   */
  private void refuseRepeatIntoClosedRound(String clientId, UpdateHeader header) {
    OpenRound r = previous;
    if (r == null || r.round != header.getRound() || !r.published
        || (open != null && open.round == r.round)) {
      return;
    }
    Participant p = r.participants.get(clientId);
    if (p != null && p.state == State.SUBMITTED
        && MessageDigest.isEqual(p.token.toByteArray(), header.getTaskToken().toByteArray())) {
      throw reject(Status.FAILED_PRECONDITION, "duplicate submission: client " + clientId
          + " already submitted to round " + r.round + ", which has been published");
    }
  }

  /** The masked-input upload of a securely aggregated round (SecAgg+ round 2). */
  private Submission beginMaskedSubmission(String clientId, UpdateHeader header) {
    if (header.getWeight() != 0) {
      throw reject(Status.INVALID_ARGUMENT, "weight must be 0 in a securely aggregated round (the"
          + " weight travels masked inside the vector). Provided value: " + header.getWeight());
    }
    int expected = config.shape().numParameters() + 1;
    if (header.getNumParameters() != expected) {
      throw reject(Status.INVALID_ARGUMENT, "num_parameters must equal the masked vector length "
          + expected + " (the model's parameters and the weight). Provided value: "
          + header.getNumParameters());
    }
    synchronized (this) {
      applyTimeouts();
      Participant p = participant(clientId, header.getRound(), header.getTaskToken());
      if (p.state == State.SUBMITTED) {
        throw reject(Status.FAILED_PRECONDITION,
            "duplicate submission: client " + clientId + " already submitted to round " + open.round);
      }
      if (p.state == State.SUBMITTING) {
        throw reject(Status.FAILED_PRECONDITION,
            "client " + clientId + " already has an upload in progress for round " + open.round);
      }
      SecAggState sa = expectPhase(p, SecAggPhase.MASKED_INPUT);
      p.state = State.SUBMITTING;
      return new Submission(open, p, 0, expected, sa.parameters.bits());
    }
  }

  /** Counts a selected client as a dropout of its round at once. Idempotent. */
  public ReportFailureResponse reportFailure(ReportFailureRequest request) {
    String clientId = clientId(request.getClientId());
    if (!REASON.matcher(request.getReason()).matches()) {
      throw reject(Status.INVALID_ARGUMENT,
          "reason must be 1 to 64 characters from [a-z0-9_]. Provided value: \""
              + abbreviate(request.getReason()) + "\"");
    }
    if (request.getDetail().length() > MAX_DETAIL_CHARS) {
      throw reject(Status.INVALID_ARGUMENT, "detail must be at most " + MAX_DETAIL_CHARS
          + " characters. Provided length: " + request.getDetail().length());
    }
    synchronized (this) {
      applyTimeouts();
      Participant p = participant(clientId, request.getRound(), request.getTaskToken());
      if (p.state == State.SUBMITTED) {
        throw reject(Status.FAILED_PRECONDITION,
            "client " + clientId + " already submitted to round " + open.round
                + "; a failure cannot be reported after a submission");
      }
      if (p.state != State.FAILED) {
        p.state = State.FAILED;
        open.failed++;
        metrics.failureReported();
        maybeClose();
      }
      return ReportFailureResponse.getDefaultInstance();
    }
  }

  /**
   * One step of a client's secure aggregation (SecAgg+, docs/secagg.md): accepts the client's
   * message for its current phase (or a poll) and answers with the server's next message for it,
   * or a wait.
   *
   * @throws StatusRuntimeException FAILED_PRECONDITION when secure aggregation is off, for a
   *     message of another phase than the client's (naming expected and received), and once the
   *     client has dropped out (a phase it owed a message in has closed); INVALID_ARGUMENT for a
   *     malformed message; NOT_FOUND for an unknown task
   */
  public SecAggResponse secAggExchange(SecAggRequest request) {
    String clientId = clientId(request.getClientId());
    synchronized (this) {
      applyTimeouts();
      SecAggResponse ended = endedRoundAnswer(clientId, request);
      if (ended != null) {
        return ended;
      }
      Participant p = participant(clientId, request.getRound(), request.getTaskToken());
      if (!config.secagg().enabled()) {
        throw reject(Status.FAILED_PRECONDITION, "secure aggregation is off in this federation;"
            + " upload the update with SubmitUpdate");
      }
      if (p.state == State.FAILED) {
        throw reject(Status.FAILED_PRECONDITION, "client " + clientId
            + " reported failure for round " + open.round + "; it takes no further part");
      }
      OpenRound round = open;
      SecAggState sa = round.secagg;
      boolean repeat = isRepeat(p, request);
      try {
        switch (repeat ? SecAggRequest.MessageCase.POLL : request.getMessageCase()) {
          case POLL -> { }
          case ADVERTISE_KEYS -> {
            expectPhase(p, SecAggPhase.ADVERTISE_KEYS).server.receive(
                SecAggProtos.fromProto(p.index, request.getAdvertiseKeys()));
            p.next = SecAggPhase.SHARE_KEYS;
            sa.bytesUp += request.getSerializedSize();
          }
          case SHARE_KEYS -> {
            expectPhase(p, SecAggPhase.SHARE_KEYS).server.receive(
                SecAggProtos.fromProto(p.index, request.getShareKeys()));
            p.next = SecAggPhase.MASKED_INPUT;
            sa.bytesUp += request.getSerializedSize();
          }
          case UNMASK -> {
            expectPhase(p, SecAggPhase.UNMASK).server.receive(
                SecAggProtos.fromProto(p.index, request.getUnmask()));
            p.next = SecAggPhase.DONE;
            sa.bytesUp += request.getSerializedSize();
          }
          default -> throw reject(Status.INVALID_ARGUMENT,
              "SecAggRequest must carry poll, advertise_keys, share_keys or unmask");
        }
      } catch (IllegalArgumentException e) {
        throw reject(Status.INVALID_ARGUMENT, "round " + round.round + ", client " + clientId
            + ": " + e.getMessage());
      } catch (IllegalStateException e) {
        throw reject(Status.FAILED_PRECONDITION, "round " + round.round + ", client " + clientId
            + ": " + e.getMessage());
      }
      if (request.getMessageCase() != SecAggRequest.MessageCase.POLL && !repeat) {
        p.remember(request);
        secAggEvents++;
      }
      maybeClose();
      SecAggResponse response = nextSecAggMessage(round, p);
      if (round.secagg != null) {
        round.secagg.bytesDown += response.getSerializedSize();
      }
      return response;
    }
  }

  /**
   * Whether {@code request} repeats, byte for byte, a phase message {@code p} already delivered
   * (its reply was lost and the client retried): it is then answered as a poll, with what the
   * client should do now, and changes nothing. A <em>different</em> message for a completed phase
   * is not a repeat and is refused by the phase check (FAILED_PRECONDITION).
   */
  private static boolean isRepeat(Participant p, SecAggRequest request) {
    SecAggPhase phase = Participant.phaseOf(request);
    if (phase == null || p.next.ordinal() <= phase.ordinal()) {
      return false;
    }
    byte[] sent = p.sentDigests[phase.ordinal()];
    return sent != null && MessageDigest.isEqual(sent, Participant.digest(request));
  }

  /**
   * For a poll about the round that closed last, or a byte-identical repeat of a message the
   * client sent in it (its answer was lost), by a client that completed its part of it: done
   * (aggregated when the round was published). Null otherwise.
   */
  private SecAggResponse endedRoundAnswer(String clientId, SecAggRequest request) {
    OpenRound r = previous;
    if (r == null || r.secagg == null || r.round != request.getRound()
        || (open != null && open.round == r.round && open.participants.containsKey(clientId))) {
      return null;
    }
    Participant p = r.participants.get(clientId);
    if (p == null || p.next != SecAggPhase.DONE
        || !MessageDigest.isEqual(p.token.toByteArray(), request.getTaskToken().toByteArray())
        || (request.getMessageCase() != SecAggRequest.MessageCase.POLL && !isRepeat(p, request))) {
      return null;
    }
    boolean aggregated = r.secagg.finished && r.secagg.result.completed() && r.published;
    return SecAggResponse.newBuilder()
        .setDone(SecAggDone.newBuilder().setAggregated(aggregated)).build();
  }

  /**
   * The secure aggregation of {@code p}'s round, provided the server is in {@code phase} and
   * {@code p} owes a message of it.
   */
  private SecAggState expectPhase(Participant p, SecAggPhase phase) {
    SecAggState sa = open.secagg;
    if (sa == null) {
      throw reject(Status.FAILED_PRECONDITION, "round " + open.round + ": selection is still open,"
          + " so secure aggregation has not started; expected a poll, received a message of phase "
          + phase);
    }
    if (p.next != phase) {
      throw reject(Status.FAILED_PRECONDITION, "round " + open.round + ": client " + p.clientId
          + " expected phase " + p.next + " but received a message of phase " + phase);
    }
    if (sa.server.phase() != phase) {
      throw reject(Status.FAILED_PRECONDITION, "round " + open.round + ": the coordinator is in"
          + " phase " + sa.server.phase() + " but received a message of phase " + phase
          + "; the client dropped out of the round");
    }
    return sa;
  }

  /** What {@code p} should do next in {@code round}'s secure aggregation. */
  private SecAggResponse nextSecAggMessage(OpenRound round, Participant p) {
    SecAggState sa = round.secagg;
    if (sa == null) {
      return secAggWait("selection_open");
    }
    if (p.next == SecAggPhase.DONE) {
      return sa.finished
          ? SecAggResponse.newBuilder()
              .setDone(SecAggDone.newBuilder().setAggregated(sa.result.completed())).build()
          : secAggWait("unmask_open");
    }
    SecAggPhase serverPhase = sa.server.phase();
    if (p.next.ordinal() < serverPhase.ordinal()) {
      throw reject(Status.FAILED_PRECONDITION, "round " + round.round + ": phase " + p.next
          + " closed before client " + p.clientId + " took part; it dropped out of the round");
    }
    if (p.next == serverPhase) {
      SecAggResponse.Builder b = SecAggResponse.newBuilder();
      switch (serverPhase) {
        case ADVERTISE_KEYS -> {
          return b.setSetup(SecAggProtos.toProto(sa.parameters).toBuilder()
              .setClientIndex(p.index)).build();
        }
        case SHARE_KEYS -> {
          KeyDirectory d = sa.directories[p.index];
          if (d != null) {
            return b.setKeyDirectory(SecAggProtos.toProto(d)).build();
          }
        }
        case MASKED_INPUT -> {
          ShareDelivery d = sa.deliveries[p.index];
          if (d != null) {
            return b.setShareDelivery(SecAggProtos.toProto(d)).build();
          }
        }
        case UNMASK -> {
          UnmaskRequest r = sa.requests[p.index];
          if (r != null) {
            return b.setUnmaskRequest(SecAggProtos.toProto(r)).build();
          }
        }
        default -> { }
      }
      throw reject(Status.FAILED_PRECONDITION, "round " + round.round + ": client " + p.clientId
          + " was left out of phase " + serverPhase + " (too few live neighbours); it dropped out"
          + " of the round");
    }
    return secAggWait(serverPhase.name().toLowerCase(Locale.ROOT) + "_open");
  }

  private SecAggResponse secAggWait(String reason) {
    return SecAggResponse.newBuilder()
        .setWait(RetryAfter.newBuilder()
            .setDelayMillis(Math.min(config.retryDelay().toMillis(), SECAGG_POLL_MILLIS))
            .setReason(reason))
        .build();
  }

  /**
   * A counter of secure-aggregation progress: it grows with every accepted SecAgg message and
   * every closed phase. A simulation that sees it unchanged after all its clients stepped knows the
   * round waits for clients that dropped out, and can move its clock past the phase deadline.
   */
  public synchronized long secAggProgress() {
    return secAggEvents;
  }

  /** Applies the selection timeout and the round deadline; call it periodically. */
  public synchronized void tick() {
    applyTimeouts();
  }

  /**
   * One reserved upload, from {@link #beginSubmission}: the caller streams the payload in and
   * calls {@link #complete} once, or {@link #abort} if the stream broke (the task then accepts
   * a new upload).
   */
  public final class Submission {
    private final OpenRound round;
    private final Participant participant;
    private final long weight;
    private final int expectedLength;
    private final int bits;
    /** Users of this submission whose contribution was not clipped (adaptive clipping). */
    private long unclipped;
    private boolean done;

    private Submission(
        OpenRound round, Participant participant, long weight, int expectedLength, int bits) {
      this.round = round;
      this.participant = participant;
      this.weight = weight;
      this.expectedLength = expectedLength;
      this.bits = bits;
    }

    /** Number of floats (or residues, when {@link #masked()}) the upload must have. */
    public int expectedLength() {
      return expectedLength;
    }

    /** True for the masked input of a securely aggregated round: complete with residues. */
    public boolean masked() {
      return bits != 0;
    }

    /** Bits per residue of a masked upload (residues are below {@code 2^bits}); 0 if plain. */
    public int bits() {
      return bits;
    }

    /**
     * Hands the masked input to the round's secure aggregation; may close the phase (and the
     * round).
     *
     * @throws StatusRuntimeException INVALID_ARGUMENT for a wrong length or residue;
     *     FAILED_PRECONDITION if the phase closed meanwhile
     */
    public SubmitUpdateResponse completeMasked(int[] residues) {
      synchronized (RoundEngine.this) {
        if (done) {
          throw new IllegalStateException("submission already completed or aborted");
        }
        done = true;
        if (!masked()) {
          participant.state = State.SELECTED;
          throw reject(Status.INVALID_ARGUMENT,
              "this round is not securely aggregated: upload values, not residues");
        }
        SecAggState sa = round.secagg;
        if (open != round || participant.state != State.SUBMITTING
            || sa.server.phase() != SecAggPhase.MASKED_INPUT) {
          if (participant.state == State.SUBMITTING) {
            participant.state = State.SELECTED;
          }
          throw reject(Status.FAILED_PRECONDITION, "round " + round.round
              + ": the masked-input phase closed before the upload completed");
        }
        try {
          if (residues.length != expectedLength) {
            throw new IllegalArgumentException("masked input must have " + expectedLength
                + " residues. Provided: " + residues.length);
          }
          sa.server.receive(new MaskedInput(participant.index, residues));
        } catch (IllegalArgumentException | IllegalStateException e) {
          participant.state = State.SELECTED;
          throw reject(e instanceof IllegalArgumentException
              ? Status.INVALID_ARGUMENT : Status.FAILED_PRECONDITION, e.getMessage());
        }
        participant.state = State.SUBMITTED;
        participant.next = SecAggPhase.UNMASK;
        secAggEvents++;
        round.submitted++;
        long bytes = 4L * residues.length;
        round.bytesUp += bytes;
        sa.bytesUp += bytes;
        metrics.submissionAccepted(bytes);
        long roundNumber = round.round;
        maybeClose();
        return SubmitUpdateResponse.newBuilder().setRound(roundNumber).setAccepted(true).build();
      }
    }

    /** The round this upload belongs to. */
    public long round() {
      return round.round;
    }

    /**
     * Validates the update and adds it to the round's aggregate; may close the round.
     *
     * @throws StatusRuntimeException INVALID_ARGUMENT for a wrong length or a value that is not
     *     finite or exceeds the aggregator's bound (the task then accepts a corrected upload);
     *     FAILED_PRECONDITION if the round closed meanwhile
     */
    public SubmitUpdateResponse complete(float[] update) {
      String problem = validate(update);
      synchronized (RoundEngine.this) {
        if (done) {
          throw new IllegalStateException("submission already completed or aborted");
        }
        done = true;
        if (masked()) {
          participant.state = State.SELECTED;
          throw reject(Status.INVALID_ARGUMENT,
              "this round is securely aggregated: upload residues (the masked input), not values");
        }
        if (open != round || participant.state != State.SUBMITTING) {
          throw reject(Status.FAILED_PRECONDITION,
              "round " + round.round + " closed before the upload completed");
        }
        if (problem != null) {
          participant.state = State.SELECTED;
          throw reject(Status.INVALID_ARGUMENT, problem);
        }
        try {
          round.aggregator.accept(new ClientContribution(participant.clientId, update, weight));
        } catch (IllegalArgumentException | IllegalStateException e) {
          participant.state = State.SELECTED;
          throw reject(Status.INVALID_ARGUMENT, "update rejected by the aggregator: " + e.getMessage());
        }
        return accepted(4L * update.length);
      }
    }

    /**
     * Completes the upload with a sparse plaintext update (the simulator's in-process fast path,
     * {@link SparseContribution}): its data rows join the round's sum now and its prior shares
     * are added once, for all sparse submissions, when the round closes. Only for federations
     * without secure aggregation or differential privacy, whose aggregation takes sparse input.
     *
     * @throws StatusRuntimeException FAILED_PRECONDITION for a federation that cannot take it or
     *     a round that closed; INVALID_ARGUMENT for a malformed update or a weight that differs
     *     from the header's
     */
    public SubmitUpdateResponse completeSparse(SparseContribution update) {
      String problem = update.problem(config.shape());
      synchronized (RoundEngine.this) {
        if (done) {
          throw new IllegalStateException("submission already completed or aborted");
        }
        done = true;
        if (masked() || privacy.mode() != PrivacySettings.Mode.NONE
            || !round.aggregator.acceptsSparse()) {
          participant.state = State.SELECTED;
          throw reject(Status.FAILED_PRECONDITION, "sparse updates are only taken by plaintext"
              + " federations without privacy or secure aggregation; upload the dense update");
        }
        if (open != round || participant.state != State.SUBMITTING) {
          throw reject(Status.FAILED_PRECONDITION,
              "round " + round.round + " closed before the upload completed");
        }
        if (problem == null && update.weight() != weight) {
          problem = "sparse update weight must equal the header's " + weight
              + ". Provided value: " + update.weight();
        }
        if (problem != null) {
          participant.state = State.SELECTED;
          throw reject(Status.INVALID_ARGUMENT, problem);
        }
        try {
          round.aggregator.acceptSparse(update);
        } catch (IllegalArgumentException | IllegalStateException e) {
          participant.state = State.SELECTED;
          throw reject(Status.INVALID_ARGUMENT,
              "update rejected by the aggregator: " + e.getMessage());
        }
        round.sparsePriorShares += update.priorShares();
        return accepted(4L * (update.rows().length + update.items().length + 1));
      }
    }

    /** Books an accepted upload of {@code bytes}; the caller holds the engine's lock. */
    private SubmitUpdateResponse accepted(long bytes) {
      participant.state = State.SUBMITTED;
      round.submitted++;
      round.totalWeight += weight;
      round.unclipped += unclipped;
      round.bytesUp += bytes;
      metrics.submissionAccepted(bytes);
      long roundNumber = round.round;
      maybeClose();
      return SubmitUpdateResponse.newBuilder().setRound(roundNumber).setAccepted(true).build();
    }

    /** Releases the reservation so that the client can upload again. Idempotent. */
    public void abort() {
      synchronized (RoundEngine.this) {
        if (!done) {
          done = true;
          if (participant.state == State.SUBMITTING) {
            participant.state = State.SELECTED;
          }
        }
      }
    }

    private String validate(float[] update) {
      if (update.length != expectedLength) {
        return "update must have " + expectedLength + " values. Provided: " + update.length;
      }
      for (int i = 0; i < update.length; i++) {
        float v = update[i];
        if (!(Math.abs(v) <= WeightedMeanFactory.MAX_ABS_VALUE)) {
          return "update values must be finite with magnitude <= "
              + WeightedMeanFactory.MAX_ABS_VALUE + ". Provided value at index " + i + ": " + v;
        }
      }
      return null;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Round lifecycle (all under the lock)

  private void openNextRound() {
    long next = model.version() + 1;
    if (next > config.rounds()) {
      open = null;
      finishReason = "all " + config.rounds() + " rounds published";
      return;
    }
    if (next > privacyRoundLimit) {
      open = null;
      finishReason = String.format(Locale.ROOT, "privacy budget: round %d would bring epsilon"
          + " above %s at delta %s (noise multiplier %.4f, sampling rate %.6f)", next,
          privacy.epsilon(), privacy.delta(), privacy.noiseMultiplier(), privacy.samplingRate());
      return;
    }
    open = new OpenRound(next, clock.instant());
  }

  /**
   * Poisson sampling: whether {@code clientId} is in round {@code r}'s sample, decided by
   * {@code HMAC-SHA256(round key, client id)} read as a uniform number in [0, 1): independent
   * across clients, the same answer however often a client checks in, and unpredictable without
   * the round's secret key.
   */
  private boolean sampled(OpenRound r, String clientId) {
    try {
      javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
      mac.init(new javax.crypto.spec.SecretKeySpec(r.samplingKey, "HmacSHA256"));
      byte[] h = mac.doFinal(clientId.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      long bits = java.nio.ByteBuffer.wrap(h).getLong() >>> 11; // 53 uniform bits
      return bits * 0x1.0p-53 < config.selectionProbability();
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable in this JDK", e);
    }
  }

  /**
   * Largest {@code R <= rounds} whose accounted epsilon (PLD, the tight bound) is within the
   * budget; 0 when even one round exceeds it. Binary search: epsilon grows with R.
   */
  private long roundsWithinBudget(PrivacySettings p, long rounds) {
    if (epsilonBudget(p, rounds) <= p.epsilon()) {
      return rounds;
    }
    long lo = 0;
    long hi = rounds;
    while (hi - lo > 1) {
      long mid = (lo + hi) >>> 1;
      if (epsilonBudget(p, mid) <= p.epsilon()) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /**
   * The accountant of the budget stop and of solving the noise multiplier: PLD (tight) for the
   * Gaussian mechanisms, the Skellam RDP bound when the clients add Skellam noise.
   */
  private PrivacyAccountant budgetAccountant(PrivacySettings p) {
    return p.noise() == NoiseDistribution.SKELLAM
        ? skellamAccountant(p) : PldAccountant.create(PrivacySettings.PLD_INTERVAL);
  }

  /** An empty Skellam accountant at the sensitivities of this federation's encoding. */
  private SkellamAccountant skellamAccountant(PrivacySettings p) {
    return DistributedNoise.skellamAccountant(
        p.clipNorm(), noiseScale(), config.shape().numParameters());
  }

  /** Epsilon after {@code rounds} rounds by the budget's accountant. */
  private double epsilonBudget(PrivacySettings p, long rounds) {
    return budgetAccountant(p).compose(p.samplingRate(), p.noiseMultiplier(), rounds)
        .epsilon(p.delta());
  }

  /**
   * Epsilon after {@code rounds} rounds by the RDP accountant this federation records as {@code
   * epsilon_rdp} (an upper bound on PLD's; for Skellam noise the Skellam RDP bound, the same as
   * the budget's); 0 without privacy.
   */
  public double epsilonRdp(long rounds) {
    if (privacy.mode() == PrivacySettings.Mode.NONE || rounds == 0) {
      return 0;
    }
    PrivacyAccountant a = privacy.noise() == NoiseDistribution.SKELLAM
        ? skellamAccountant(privacy) : RdpAccountant.create();
    return a.compose(privacy.samplingRate(), privacy.noiseMultiplier(), rounds)
        .epsilon(privacy.delta());
  }

  /** The privacy settings in force, with the noise multiplier resolved. */
  public PrivacySettings privacy() {
    return privacy;
  }

  /** Why the federation finished, or null while it runs. */
  public synchronized String finishReason() {
    return open == null ? finishReason : null;
  }

  private void applyTimeouts() {
    if (open == null) {
      return;
    }
    Instant now = clock.instant();
    if (!open.selectionClosed
        && !now.isBefore(open.selectionDeadline)
        && open.participants.size() >= config.minClients()) {
      closeSelection();
    }
    if (!now.isBefore(open.deadline)) {
      close("deadline");
    } else {
      maybeClose();
    }
  }

  private void closeSelection() {
    open.selectionClosed = true;
    metrics.selectionClosed(Duration.between(open.openedAt, clock.instant()).toNanos());
    if (config.secagg().enabled()) {
      startSecAgg(open);
    }
  }

  /** Fixes the cohort's SecAgg+ parameters: n, k, t, bits, the public graph seed. */
  private void startSecAgg(OpenRound r) {
    SecAggSettings s = config.secagg();
    int n = r.participants.size();
    // Indices by sorted client id: independent of the check-in order, so runs are reproducible.
    List<Participant> cohort = new java.util.ArrayList<>(r.participants.values());
    cohort.sort(java.util.Comparator.comparing(x -> x.clientId));
    for (int i = 0; i < n; i++) {
      cohort.get(i).index = i;
    }
    int k = s.neighboursFor(n);
    byte[] graphSeed = new byte[32];
    tokenRandom.nextBytes(graphSeed);
    SecAggParameters parameters = new SecAggParameters(r.round, n, k, s.thresholdFor(k),
        bitsFor(n), config.shape().numParameters() + 1, graphSeed);
    r.secagg = new SecAggState(parameters, encoding(n), clock.instant().plus(s.phaseTimeout()));
    secAggEvents++;
  }

  /**
   * Bits per coordinate for a cohort of {@code n}: enough for the noiseless sum, and with
   * distributed privacy also for the noise's tail.
   */
  private int bitsFor(int n) {
    int plain = config.secagg().bitsFor(n);
    if (!clientNoise(privacy)) {
      return plain;
    }
    return Math.max(plain, distributedNoise(n).bitsFor(n, config.secagg().maxMagnitude()));
  }

  /** Whether the clients add the noise (distributed and local modes). */
  private static boolean clientNoise(PrivacySettings p) {
    return p.mode() == PrivacySettings.Mode.DISTRIBUTED || p.mode() == PrivacySettings.Mode.LOCAL;
  }

  /** The noise each client adds, at the survivors floor the task announces. */
  private int minSurvivors() {
    return privacy.mode() == PrivacySettings.Mode.LOCAL
        ? 1 : Math.min(config.clientsPerRound(), config.minClients());
  }

  /** The clients' noise; {@code n} only bounds the survivors below. */
  private DistributedNoise distributedNoise(int n) {
    return new DistributedNoise(privacy.clipNorm(), privacy.noiseMultiplier(), noiseScale(),
        config.shape().numParameters(), Math.min(n, minSurvivors()));
  }

  /** The fixed-point scale at which the clients draw their noise. */
  private double noiseScale() {
    return config.secagg().enabled() ? config.secagg().scale() : DistributedNoise.LOCAL_SCALE;
  }

  /** The encoding of a cohort of {@code n}, with the (possibly noise-widened) bits. */
  private Encoding encoding(int n) {
    SecAggSettings s = config.secagg();
    return Encoding.builder().cohortSize(n).clipRange(s.clipRange()).scale(s.scale())
        .bits(bitsFor(n)).build();
  }

  private void maybeClose() {
    if (open == null || !open.selectionClosed) {
      return;
    }
    if (open.secagg != null) {
      advanceSecAgg(open);
    } else if (open.submitted + open.failed == open.participants.size()) {
      close("all selected clients done");
    }
  }

  /**
   * Closes SecAgg+ phases while nobody is left to wait for (every live member of the phase has
   * answered) or the phase deadline has passed; at the end publishes the round or abandons it.
   */
  private void advanceSecAgg(OpenRound r) {
    SecAggState sa = r.secagg;
    Instant now = clock.instant();
    while (!sa.finished) {
      SecAggPhase phase = sa.server.phase();
      if (!now.isBefore(sa.phaseDeadline) || !waitingFor(r, phase)) {
        switch (phase) {
          case ADVERTISE_KEYS -> {
            for (KeyDirectory d : sa.server.closeAdvertiseKeys()) {
              sa.directories[d.recipient()] = d;
            }
          }
          case SHARE_KEYS -> {
            for (ShareDelivery d : sa.server.closeShareKeys()) {
              sa.deliveries[d.recipient()] = d;
            }
          }
          case MASKED_INPUT -> {
            for (UnmaskRequest q : sa.server.closeMaskedInput()) {
              sa.requests[q.recipient()] = q;
            }
          }
          case UNMASK -> sa.server.closeUnmask();
          default -> throw new AssertionError(phase);
        }
        sa.phaseDeadline = now.plus(config.secagg().phaseTimeout());
        secAggEvents++;
        if (sa.server.phase() == SecAggPhase.DONE) {
          finishSecAgg(r, sa);
        }
      } else {
        return;
      }
    }
  }

  /** True while a live member of {@code phase} has not sent its message of that phase. */
  private static boolean waitingFor(OpenRound r, SecAggPhase phase) {
    SecAggState sa = r.secagg;
    for (Participant p : r.participants.values()) {
      if (p.state == State.FAILED || p.next != phase) {
        continue;
      }
      boolean member = switch (phase) {
        case ADVERTISE_KEYS -> true;
        case SHARE_KEYS -> sa.directories[p.index] != null;
        case MASKED_INPUT -> sa.deliveries[p.index] != null;
        case UNMASK -> sa.requests[p.index] != null;
        default -> false;
      };
      if (member) {
        return true;
      }
    }
    return false;
  }

  /** Decodes the unmasked sum into the round's aggregate and closes the round, or abandons it. */
  private void finishSecAgg(OpenRound r, SecAggState sa) {
    sa.finished = true;
    SecAggResult result = sa.server.result();
    sa.result = result;
    if (!result.completed()) {
      abandon(r, "secure aggregation abandoned: " + result.abortReason());
      return;
    }
    int[] sum = result.sum();
    int numParameters = config.shape().numParameters();
    float[] decoded = sa.encoding.decode(java.util.Arrays.copyOf(sum, numParameters));
    long weight = sa.encoding.signedValue(sum[numParameters]);
    if (clientNoise(privacy)) {
      // the weight coordinate is noisy too; the mean uses the fixed expected weight
      sa.noisyWeight = weight;
      weight = result.survivors().length;
    } else if (weight < result.survivors().length) {
      abandon(r, "secure aggregation: the decoded weight " + weight + " is below the "
          + result.survivors().length + " survivors (a client sent an out-of-range input)");
      return;
    }
    try {
      r.aggregator.accept(new ClientContribution("secagg-sum-of-" + result.survivors().length,
          decoded, weight));
    } catch (IllegalArgumentException | IllegalStateException e) {
      abandon(r, "secure aggregation: the decoded sum was refused: " + e.getMessage());
      return;
    }
    r.submitted = result.survivors().length;
    r.totalWeight = weight;
    close("secure aggregation complete");
  }

  private void close(String why) {
    OpenRound r = open;
    if (r.secagg != null && !r.secagg.finished) {
      abandon(r, "secure aggregation unfinished at the " + why + " (phase "
          + r.secagg.server.phase() + ")");
      return;
    }
    if (config.secagg().enabled() && r.secagg == null) {
      abandon(r, why + " before selection closed with " + r.participants.size()
          + " clients, fewer than min_clients " + config.minClients());
      return;
    }
    int dropouts = r.participants.size() - r.submitted;
    if (r.submitted < config.minClients()) {
      abandon(r, why + " with " + r.submitted + " submissions, fewer than min_clients "
          + config.minClients());
      return;
    }
    GlobalModel next;
    AggregateResult result;
    // The state before the step: put back if the round is not published after all, so that an
    // abandoned round leaves the optimizer as it found it.
    OptimizerState before = statefulOptimizer == null ? null : statefulOptimizer.state();
    try {
      if (r.sparsePriorShares > 0) {
        // the prior every dense submission would have carried, for all sparse ones at once
        float[] prior = new float[config.shape().numParameters()];
        new LocalTrainer(config.training()).addWeightDecay(model, prior, r.sparsePriorShares);
        r.aggregator.acceptPrior(prior);
      }
      result = r.aggregator.finish();
      next = optimizer.apply(model, result);
    } catch (RuntimeException e) {
      abandon(r, "aggregation failed: " + e.getMessage());
      return;
    }
    Instant closedAt = clock.instant();
    Map<String, Double> measurements = new LinkedHashMap<>(result.measurements());
    double nextClip = clip;
    if (config.adaptiveClipping().enabled()) {
      long noise = DiscreteGaussianSampler.ofSigma(countNoise, noiseRandom).sample();
      double fraction = (r.unclipped + noise) / (double) privacy.usersPerRound();
      nextClip = config.adaptiveClipping().nextClip(clip, fraction);
      // accounted as one Gaussian mechanism at the federation's noise multiplier (recorded with
      // the other privacy fields below)
      measurements.put("update_noise_multiplier", updateNoiseMultiplier);
      measurements.put("count_noise", countNoise);
      measurements.put("unclipped_fraction", fraction);
      measurements.put("next_clip_norm", nextClip);
    }
    double epsilonAfter = epsilonRdp(r.round);
    if (config.selectionProbability() > 0) {
      measurements.put("selection_probability", config.selectionProbability());
    }
    if (r.secagg != null) {
      SecAggState sa = r.secagg;
      measurements.put("secagg_bits", (double) sa.parameters.bits());
      measurements.put("secagg_neighbours", (double) sa.parameters.neighbours());
      measurements.put("secagg_threshold", (double) sa.parameters.threshold());
      measurements.put("secagg_cohort", (double) sa.parameters.cohortSize());
      measurements.put("secagg_advertised", (double) sa.result.advertised());
      measurements.put("secagg_shared_keys", (double) sa.result.sharedKeys());
      measurements.put("secagg_masked_inputs", (double) sa.result.maskedInputs());
      measurements.put("secagg_unmask_responses", (double) sa.result.unmaskResponses());
      measurements.put("secagg_bytes_up", (double) sa.bytesUp);
      measurements.put("secagg_bytes_down", (double) sa.bytesDown);
      if (sa.noisyWeight != null) {
        measurements.put("secagg_noisy_weight", (double) sa.noisyWeight);
      }
    }
    if (privacy.mode() != PrivacySettings.Mode.NONE) {
      measurements.put("clip_norm", clip);
      measurements.put("noise_multiplier", privacy.noiseMultiplier());
      measurements.put("users_per_round", (double) privacy.usersPerRound());
      measurements.put("population", (double) privacy.population());
      measurements.put("sampling_rate", privacy.samplingRate());
      measurements.put("delta", privacy.delta());
      measurements.put("epsilon_budget", privacy.epsilon());
      measurements.put("epsilon_rdp", epsilonAfter);
      if (privacy.noise() == NoiseDistribution.SKELLAM) {
        SkellamAccountant a = skellamAccountant(privacy);
        measurements.put("noise_scale", noiseScale());
        measurements.put("num_parameters", (double) config.shape().numParameters());
        measurements.put("skellam_l2_units", a.l2Sensitivity());
        measurements.put("skellam_l1_units", a.l1Sensitivity());
      } else {
        measurements.put("epsilon_pld", epsilonBudget(privacy, r.round));
        measurements.put("pld_interval", PrivacySettings.PLD_INTERVAL);
      }
    }
    RoundRecord record;
    try {
      record = new RoundRecord(r.round, r.participants.size(), r.submitted, dropouts,
          r.totalWeight, r.bytesUp, r.bytesDown, r.openedAt, closedAt, aggregation.name(),
          optimizer.name(), HexFormat.of().formatHex(model.sha256()),
          HexFormat.of().formatHex(next.sha256()), privacy.mode().key(),
          privacy.accountantVersion(), measurements);
      // exported right after the step that produced next, and stored with it in one checkpoint
      store.publish(next, record, statefulOptimizer == null ? null : statefulOptimizer.state());
    } catch (RuntimeException e) {
      if (statefulOptimizer != null) {
        statefulOptimizer.restore(before);
      }
      abandon(r, "state store failed: " + e.getMessage());
      return;
    }
    setModel(next);
    clip = nextClip;
    r.published = true;
    previous = r;
    epsilonSpentRdp = epsilonAfter;
    metrics.roundPublished(Duration.between(r.openedAt, closedAt).toNanos(), dropouts);
    openNextRound();
    for (RoundListener l : listeners) {
      l.onRoundPublished(record, next);
    }
  }

  private void abandon(OpenRound r, String reason) {
    previous = r;
    metrics.roundAbandoned();
    open = new OpenRound(r.round, clock.instant());
    for (RoundListener l : listeners) {
      l.onRoundAbandoned(r.round, reason);
    }
  }

  private void setModel(GlobalModel m) {
    model = m;
    modelInfo = ModelInfo.newBuilder()
        .setVersion(m.version())
        .setNumItems(m.numItems())
        .setRank(m.rank())
        .setNumParameters(m.shape().numParameters())
        .setSha256(ByteString.copyFrom(m.sha256()))
        .build();
  }

  private Task task(Participant p) {
    long deadlineMillis = open.deadline.toEpochMilli();
    Task.Builder task = Task.newBuilder();
    if (config.secagg().enabled()) {
      task.setSecagg(secAggProto(p));
    }
    return task
        .setRound(open.round)
        .setTaskToken(p.token)
        .setModel(modelInfo)
        .setTraining(trainingProto)
        .setDeadlineUnixMillis(deadlineMillis)
        .setTimeBudgetMillis(Math.max(0, deadlineMillis - clock.millis()))
        .setMaxChunkBytes(config.maxChunkBytes())
        .setPrivacy(privacyProto())
        .build();
  }

  private SecAggConfig secAggProto(Participant p) {
    SecAggSettings s = config.secagg();
    return SecAggConfig.newBuilder()
        .setClipRange(s.clipRange())
        .setScale(s.scale())
        .setMaxWeight(s.maxWeight())
        .build();
  }

  private PrivacyConfig privacyProto() {
    PrivacyConfig.Builder b = PrivacyConfig.newBuilder().setMode(privacy.mode().key());
    if (privacy.mode() != PrivacySettings.Mode.NONE) {
      b.setClipNorm(clip)
          .setNoiseMultiplier(privacy.noiseMultiplier())
          .setSamplingRate(privacy.samplingRate())
          .setDelta(privacy.delta())
          .setEpsilonBudget(privacy.epsilon())
          .setEpsilonSpent(epsilonSpentRdp)
          .setUsersPerRound(privacy.usersPerRound());
      if (clientNoise(privacy)) {
        b.setMinSurvivors(minSurvivors()).setNoise(privacy.noise().key());
      }
    }
    return b.build();
  }

  private CheckInResponse retry(String reason) {
    metrics.retrySent();
    return CheckInResponse.newBuilder()
        .setRetry(RetryAfter.newBuilder()
            .setDelayMillis(config.retryDelay().toMillis())
            .setReason(reason))
        .build();
  }

  private Participant participant(String clientId, long round, ByteString token) {
    if (open == null) {
      throw reject(Status.FAILED_PRECONDITION,
          "the federation is finished after round " + model.version() + "; received round " + round);
    }
    if (round != open.round) {
      throw reject(Status.FAILED_PRECONDITION,
          "round " + round + " is not open; the open round is " + open.round);
    }
    Participant p = open.participants.get(clientId);
    if (p == null) {
      throw reject(Status.NOT_FOUND,
          "client " + clientId + " holds no task for round " + round + "; check in first");
    }
    if (!MessageDigest.isEqual(p.token.toByteArray(), token.toByteArray())) {
      throw reject(Status.NOT_FOUND, "unknown task token for client " + clientId + " in round " + round);
    }
    return p;
  }

  private String clientId(String id) {
    try {
      return Checks.clientId(id);
    } catch (IllegalArgumentException e) {
      throw reject(Status.INVALID_ARGUMENT, e.getMessage());
    }
  }

  private StatusRuntimeException reject(Status status, String description) {
    metrics.requestRejected();
    return status.withDescription(description).asRuntimeException();
  }

  private static String abbreviate(String s) {
    String shown = s.length() > 64 ? s.substring(0, 64) + "..." : s;
    return shown.replaceAll("[^\\x20-\\x7e]", "?");
  }

  private enum State {
    SELECTED("selected"),
    SUBMITTING("uploading"),
    SUBMITTED("submitted"),
    FAILED("reported failure");

    final String done;

    State(String done) {
      this.done = done;
    }
  }

  private static final class Participant {
    final String clientId;
    final ByteString token;
    /** SecAgg+ client index: position among the cohort's sorted client ids; -1 before. */
    int index = -1;
    State state = State.SELECTED;
    /** The SecAgg+ phase whose message this client owes next. */
    SecAggPhase next = SecAggPhase.ADVERTISE_KEYS;
    /** SHA-256 of the phase message this client delivered, by phase ordinal (for repeats). */
    final byte[][] sentDigests = new byte[SecAggPhase.values().length][];

    Participant(String clientId, ByteString token) {
      this.clientId = clientId;
      this.token = token;
    }

    /** Records the digest of an accepted phase message. */
    void remember(SecAggRequest request) {
      SecAggPhase phase = phaseOf(request);
      if (phase != null) {
        sentDigests[phase.ordinal()] = digest(request);
      }
    }

    /** The phase a request's message belongs to; null for a poll or an empty request. */
    static SecAggPhase phaseOf(SecAggRequest request) {
      return switch (request.getMessageCase()) {
        case ADVERTISE_KEYS -> SecAggPhase.ADVERTISE_KEYS;
        case SHARE_KEYS -> SecAggPhase.SHARE_KEYS;
        case UNMASK -> SecAggPhase.UNMASK;
        default -> null;
      };
    }

    /** SHA-256 of the request's phase message (client id, round and token are checked apart). */
    static byte[] digest(SecAggRequest request) {
      com.google.protobuf.ByteString bytes = switch (request.getMessageCase()) {
        case ADVERTISE_KEYS -> request.getAdvertiseKeys().toByteString();
        case SHARE_KEYS -> request.getShareKeys().toByteString();
        case UNMASK -> request.getUnmask().toByteString();
        default -> com.google.protobuf.ByteString.EMPTY;
      };
      try {
        return MessageDigest.getInstance("SHA-256").digest(bytes.toByteArray());
      } catch (java.security.NoSuchAlgorithmException e) {
        throw new IllegalStateException("SHA-256 unavailable in this JDK", e);
      }
    }
  }

  /** One round's SecAgg+ server and the messages waiting to be fetched by each client. */
  private static final class SecAggState {
    final SecAggParameters parameters;
    final Encoding encoding;
    final SecAggServer server;
    final KeyDirectory[] directories;
    final ShareDelivery[] deliveries;
    final UnmaskRequest[] requests;
    Instant phaseDeadline;
    boolean finished;
    SecAggResult result;
    long bytesUp;
    long bytesDown;
    /** Distributed privacy: the decoded (noisy) sum of the weights. */
    Long noisyWeight;

    SecAggState(SecAggParameters parameters, Encoding encoding, Instant phaseDeadline) {
      this.parameters = parameters;
      this.encoding = encoding;
      this.server = SecAggServer.create(parameters);
      int n = parameters.cohortSize();
      this.directories = new KeyDirectory[n];
      this.deliveries = new ShareDelivery[n];
      this.requests = new UnmaskRequest[n];
      this.phaseDeadline = phaseDeadline;
    }
  }

  private final class OpenRound {
    final long round;
    final Instant openedAt;
    final Instant selectionDeadline;
    final Instant deadline;
    final Map<String, Participant> participants = new LinkedHashMap<>();
    final AggregationProcess.RoundAggregator aggregator;
    /** Secret key of this round's Poisson sample (see {@link #sampled}). */
    final byte[] samplingKey = new byte[32];
    SecAggState secagg;
    boolean selectionClosed;
    boolean published;
    int submitted;
    int failed;
    long totalWeight;
    long unclipped;
    /** Prior shares of the round's sparse submissions, added once before the round's finish. */
    double sparsePriorShares;
    long bytesUp;
    long bytesDown;

    OpenRound(long round, Instant openedAt) {
      this.round = round;
      this.openedAt = openedAt;
      this.selectionDeadline = openedAt.plus(config.selectionTimeout());
      this.deadline = openedAt.plus(config.roundTimeout());
      this.aggregator = config.adaptiveClipping().enabled()
          // the clip changes from round to round: a fresh central stage with this round's clip
          ? new CentralGaussianAggregation(clip, updateNoiseMultiplier, privacy.usersPerRound(),
              noiseRandom).create().begin(round, config.shape().numParameters())
          : aggregation.begin(round, config.shape().numParameters());
      if (config.selectionProbability() > 0) {
        tokenRandom.nextBytes(samplingKey);
      }
    }
  }

  /** Builder; only the configuration is required. */
  public static final class Builder {
    private final FederationConfig config;
    private StateStore store;
    private Clock clock;
    private AggregationFactory aggregation;
    private ServerOptimizer optimizer;
    private CoordinatorMetrics metrics;
    private Random tokenRandom;
    private RandomSource noiseRandom;

    private Builder(FederationConfig config) {
      this.config = Objects.requireNonNull(config, "config");
    }

    /** Where published rounds go and where a restart resumes from; default in memory. */
    public Builder store(StateStore store) {
      this.store = store;
      return this;
    }

    /** Time source for deadlines; default the UTC system clock. */
    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    /** Default {@link WeightedMeanFactory}. */
    public Builder aggregation(AggregationFactory aggregation) {
      this.aggregation = aggregation;
      return this;
    }

    /**
     * Default: {@link FederationConfig#newServerOptimizer()}, the configured
     * {@code server_optimizer} with the server learning rate as its step size. A stateful
     * optimizer passed here must be fresh or hold the state of the store's latest round, which
     * {@link #build()} restores into it.
     */
    public Builder optimizer(ServerOptimizer optimizer) {
      this.optimizer = optimizer;
      return this;
    }

    public Builder metrics(CoordinatorMetrics metrics) {
      this.metrics = metrics;
      return this;
    }

    /** Source of task tokens; default {@link SecureRandom}. Seed one only in tests. */
    public Builder tokenRandom(Random tokenRandom) {
      this.tokenRandom = tokenRandom;
      return this;
    }

    /**
     * Randomness of the privacy noise; default {@link RandomSource#secure()}. Seed one only in
     * tests and simulations: seeded noise gives no privacy.
     */
    public Builder noiseRandom(RandomSource noiseRandom) {
      this.noiseRandom = noiseRandom;
      return this;
    }

    /**
     * Builds the engine, resuming after the store's latest round, and opens the next round. With
     * central privacy and no configured noise multiplier, it first solves the multiplier that
     * fits all rounds in the budget (seconds), and computes how many rounds the budget allows.
     *
     * @throws IllegalStateException if the store holds a model of another shape
     */
    public RoundEngine build() {
      return new RoundEngine(this);
    }
  }
}
