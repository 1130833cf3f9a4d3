package io.fedrec.coordinator.round;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.fedrec.coordinator.round.EngineStatus.Phase;
import io.fedrec.coordinator.store.StateStore;
import io.fedrec.core.aggregate.AggregationProcess;
import io.fedrec.core.aggregate.WeightedMeanFactory;
import io.fedrec.core.model.GlobalModel;
import io.fedrec.core.model.TrainingConfig;
import io.fedrec.proto.v1.CheckInRequest;
import io.fedrec.proto.v1.CheckInResponse;
import io.fedrec.proto.v1.ClientCapabilities;
import io.fedrec.proto.v1.DownloadModelRequest;
import io.fedrec.proto.v1.ReportFailureRequest;
import io.fedrec.proto.v1.Task;
import io.fedrec.proto.v1.UpdateHeader;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class RoundEngineTest {
  private static final int ITEMS = 3;
  private static final int RANK = 2;
  private static final int PARAMS = ITEMS * (RANK + 1) + 1;

  private final TestClock clock = new TestClock();
  private final List<RoundRecord> published = new ArrayList<>();
  private final List<String> abandoned = new ArrayList<>();
  private StateStore store;

  @BeforeEach
  void setUp() {
    store = StateStore.inMemory();
  }

  private FederationConfig.Builder config() {
    return FederationConfig.builder()
        .numItems(ITEMS)
        .training(TrainingConfig.defaults(RANK))
        .rounds(3)
        .clientsPerRound(3)
        .minClients(2)
        .selectionTimeout(Duration.ofSeconds(10))
        .roundTimeout(Duration.ofSeconds(60))
        .serverLearningRate(1.0)
        .seed(7);
  }

  private RoundEngine engine(FederationConfig config) {
    RoundEngine e = RoundEngine.builder(config).store(store).clock(clock)
        .tokenRandom(new Random(1)).build();
    e.addListener(new RoundListener() {
      @Override
      public void onRoundPublished(RoundRecord record, GlobalModel model) {
        published.add(record);
      }

      @Override
      public void onRoundAbandoned(long round, String reason) {
        abandoned.add(round + ": " + reason);
      }
    });
    return e;
  }

  private static CheckInRequest checkIn(String id) {
    return CheckInRequest.newBuilder().setClientId(id).setSdkVersion("test").build();
  }

  private static Task task(RoundEngine e, String id) {
    CheckInResponse r = e.checkIn(checkIn(id));
    assertTrue(r.hasTask(), "expected a task, got " + r);
    return r.getTask();
  }

  private static UpdateHeader header(String id, Task t, long weight) {
    return UpdateHeader.newBuilder().setClientId(id).setRound(t.getRound())
        .setTaskToken(t.getTaskToken()).setWeight(weight).setNumParameters(PARAMS).build();
  }

  private static float[] filled(float v) {
    float[] u = new float[PARAMS];
    Arrays.fill(u, v);
    return u;
  }

  private static void submit(RoundEngine e, String id, Task t, long weight, float[] update) {
    e.beginSubmission(header(id, t, weight)).complete(update);
  }

  private static StatusRuntimeException rejected(Status.Code code, Executable call) {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call);
    assertEquals(code, e.getStatus().getCode(), e.getStatus().getDescription());
    return e;
  }

  @Test
  void build_newStore_opensRoundOneWithInitialModel() {
    RoundEngine e = engine(config().build());
    assertEquals(new EngineStatus(1, Phase.SELECTION, 0, 0, 0, 0), e.status());
    assertEquals(GlobalModel.initial(e.config().shape(), 3.5f, 0.1, 7), e.currentModel());
  }

  @Test
  void checkIn_cohortFills_thenCohortFullRetry() {
    RoundEngine e = engine(config().build());
    Task a = task(e, "a");
    task(e, "b");
    task(e, "c");
    assertEquals(1, a.getRound());
    assertEquals(0, a.getModel().getVersion());
    assertEquals(PARAMS, a.getModel().getNumParameters());
    assertEquals(16, a.getTaskToken().size());
    assertEquals(60_000, a.getTimeBudgetMillis());
    assertEquals(Phase.TRAINING, e.status().phase());
    CheckInResponse d = e.checkIn(checkIn("d"));
    assertEquals("cohort_full", d.getRetry().getReason());
    assertEquals(1000, d.getRetry().getDelayMillis());
  }

  @Test
  void checkIn_selectedClientAgain_getsSameTask() {
    RoundEngine e = engine(config().build());
    Task first = task(e, "a");
    assertEquals(first, task(e, "a"));
    assertEquals(1, e.status().selected());
  }

  @Test
  void checkIn_badClientId_invalidArgumentNamingRule() {
    RoundEngine e = engine(config().build());
    StatusRuntimeException x = rejected(Status.Code.INVALID_ARGUMENT, () -> e.checkIn(checkIn("a b")));
    assertEquals("client_id may only contain [A-Za-z0-9._:-]. Provided value: \"a b\"",
        x.getStatus().getDescription());
    rejected(Status.Code.INVALID_ARGUMENT, () -> e.checkIn(checkIn("")));
  }

  @Test
  void checkIn_modelTooLargeForClient_failedPrecondition() {
    RoundEngine e = engine(config().build());
    CheckInRequest r = checkIn("a").toBuilder()
        .setCapabilities(ClientCapabilities.newBuilder().setMaxModelParameters(5)).build();
    StatusRuntimeException x = rejected(Status.Code.FAILED_PRECONDITION, () -> e.checkIn(r));
    assertEquals("the model has 10 parameters but the client accepts at most 5",
        x.getStatus().getDescription());
  }

  @Test
  void complete_wholeCohort_publishesWeightedMeanStep() {
    RoundEngine e = engine(config().build());
    GlobalModel before = e.currentModel();
    Task a = task(e, "a");
    Task b = task(e, "b");
    Task c = task(e, "c");
    submit(e, "a", a, 1, filled(0.5f));
    submit(e, "b", b, 2, filled(-0.25f));
    assertTrue(published.isEmpty());
    submit(e, "c", c, 1, filled(1.0f));
    // Each submission is already a sum over its users: (0.5 - 0.25 + 1.0) / (1 + 2 + 1) = 0.3125
    // per coordinate, applied with server lr 1.
    GlobalModel after = e.currentModel();
    assertEquals(1, after.version());
    float[] expected = before.parameters();
    for (int i = 0; i < expected.length; i++) {
      expected[i] += 0.3125f;
    }
    assertArrayEquals(expected, after.parameters());
    RoundRecord r = published.get(0);
    assertEquals(1, r.round());
    assertEquals(3, r.selected());
    assertEquals(3, r.submitted());
    assertEquals(0, r.dropouts());
    assertEquals(4, r.totalWeight());
    assertEquals(3L * 4 * PARAMS, r.bytesUp());
    assertEquals("weighted_mean", r.aggregation());
    assertEquals("fedavg", r.optimizer());
    assertEquals(new EngineStatus(2, Phase.SELECTION, 1, 0, 0, 0), e.status());
    assertEquals(List.of(r), store.history());
  }

  @Test
  void complete_beforeCohortFull_accepted() {
    RoundEngine e = engine(config().build());
    Task a = task(e, "a");
    submit(e, "a", a, 1, filled(0.1f));
    assertEquals(new EngineStatus(1, Phase.SELECTION, 0, 1, 1, 1), e.status());
  }

  @Test
  void beginSubmission_duplicate_failedPrecondition() {
    RoundEngine e = engine(config().build());
    Task a = task(e, "a");
    submit(e, "a", a, 1, filled(0.1f));
    StatusRuntimeException x = rejected(Status.Code.FAILED_PRECONDITION,
        () -> e.beginSubmission(header("a", a, 1)));
    assertEquals("duplicate submission: client a already submitted to round 1",
        x.getStatus().getDescription());
    assertEquals("already_participated", e.checkIn(checkIn("a")).getRetry().getReason());
  }

  /**
   * The answer to an accepted upload was lost and the round was published before the client
   * retried: the retry is refused as a duplicate (the SDK then counts the round as participated),
   * not as "round not open" (which made it report a failure for a counted update).
   */
  @Test
  void beginSubmission_repeatAfterThePublish_duplicateNotNotOpen() {
    RoundEngine e = engine(config().build());
    Task a = task(e, "a");
    Task b = task(e, "b");
    Task c = task(e, "c");
    submit(e, "a", a, 1, filled(0.1f));
    submit(e, "b", b, 1, filled(0.1f));
    submit(e, "c", c, 1, filled(0.1f));
    assertEquals(1, published.size());
    StatusRuntimeException x = rejected(Status.Code.FAILED_PRECONDITION,
        () -> e.beginSubmission(header("a", a, 1)));
    assertEquals("duplicate submission: client a already submitted to round 1, which has been"
        + " published", x.getStatus().getDescription());
    // another task token, or a client that never submitted, is not a duplicate
    Task stranger = a.toBuilder().setTaskToken(b.getTaskToken()).build();
    x = rejected(Status.Code.FAILED_PRECONDITION,
        () -> e.beginSubmission(header("a", stranger, 1)));
    assertEquals("round 1 is not open; the open round is 2", x.getStatus().getDescription());
  }

  @Test
  void beginSubmission_wrongTokenRoundOrClient_rejectedWithCodes() {
    RoundEngine e = engine(config().build());
    Task a = task(e, "a");
    UpdateHeader good = header("a", a, 1);
    rejected(Status.Code.NOT_FOUND, () -> e.beginSubmission(
        good.toBuilder().setTaskToken(ByteString.copyFromUtf8("forged-token-123")).build()));
    StatusRuntimeException x = rejected(Status.Code.FAILED_PRECONDITION,
        () -> e.beginSubmission(good.toBuilder().setRound(2).build()));
    assertEquals("round 2 is not open; the open round is 1", x.getStatus().getDescription());
    rejected(Status.Code.NOT_FOUND, () -> e.beginSubmission(good.toBuilder().setClientId("z").build()));
    x = rejected(Status.Code.INVALID_ARGUMENT,
        () -> e.beginSubmission(good.toBuilder().setWeight(0).build()));
    assertEquals("weight must be in [1, 4294967296]. Provided value: 0", x.getStatus().getDescription());
    x = rejected(Status.Code.INVALID_ARGUMENT,
        () -> e.beginSubmission(good.toBuilder().setNumParameters(9).build()));
    assertEquals("num_parameters must equal the model's 10. Provided value: 9",
        x.getStatus().getDescription());
    // None of that consumed the task.
    submit(e, "a", a, 1, filled(0.1f));
  }

  @Test
  void complete_nonFiniteValue_rejectedAndTaskStillUsable() {
    RoundEngine e = engine(config().build());
    Task a = task(e, "a");
    float[] bad = filled(0.1f);
    bad[4] = Float.NaN;
    RoundEngine.Submission s = e.beginSubmission(header("a", a, 1));
    StatusRuntimeException x = rejected(Status.Code.INVALID_ARGUMENT, () -> s.complete(bad));
    assertEquals("update values must be finite with magnitude <= 1048576.0. Provided value at index 4: NaN",
        x.getStatus().getDescription());
    float[] huge = filled(0.1f);
    huge[0] = 2e6f;
    rejected(Status.Code.INVALID_ARGUMENT,
        () -> e.beginSubmission(header("a", a, 1)).complete(huge));
    rejected(Status.Code.INVALID_ARGUMENT,
        () -> e.beginSubmission(header("a", a, 1)).complete(new float[3]));
    submit(e, "a", a, 1, filled(0.1f));
    assertEquals(1, e.status().submitted());
  }

  @Test
  void beginSubmission_concurrentUpload_rejectedUntilAborted() {
    RoundEngine e = engine(config().build());
    Task a = task(e, "a");
    RoundEngine.Submission s = e.beginSubmission(header("a", a, 1));
    rejected(Status.Code.FAILED_PRECONDITION, () -> e.beginSubmission(header("a", a, 1)));
    s.abort();
    submit(e, "a", a, 1, filled(0.1f));
  }

  @Test
  void authorizeDownload_checksTaskAndCountsBytes() {
    RoundEngine e = engine(config().build());
    Task a = task(e, "a");
    DownloadModelRequest req = DownloadModelRequest.newBuilder().setClientId("a")
        .setRound(1).setTaskToken(a.getTaskToken()).build();
    assertEquals(e.currentModel(), e.authorizeDownload(req));
    rejected(Status.Code.NOT_FOUND,
        () -> e.authorizeDownload(req.toBuilder().setClientId("b").build()));
    submit(e, "a", a, 1, filled(0.1f));
    StatusRuntimeException x = rejected(Status.Code.FAILED_PRECONDITION, () -> e.authorizeDownload(req));
    assertEquals("round 1: client a already submitted; download refused", x.getStatus().getDescription());
  }

  @Test
  void reportFailure_lastOutstandingClient_closesRoundWithDropout() {
    RoundEngine e = engine(config().build());
    Task a = task(e, "a");
    Task b = task(e, "b");
    Task c = task(e, "c");
    submit(e, "a", a, 1, filled(0.1f));
    submit(e, "b", b, 1, filled(0.1f));
    e.reportFailure(ReportFailureRequest.newBuilder().setClientId("c").setRound(1)
        .setTaskToken(c.getTaskToken()).setReason("no_data").build());
    assertEquals(1, published.size());
    assertEquals(1, published.get(0).dropouts());
    assertEquals(2, published.get(0).submitted());
  }

  @Test
  void reportFailure_badReason_invalidArgument() {
    RoundEngine e = engine(config().build());
    Task a = task(e, "a");
    StatusRuntimeException x = rejected(Status.Code.INVALID_ARGUMENT,
        () -> e.reportFailure(ReportFailureRequest.newBuilder().setClientId("a").setRound(1)
            .setTaskToken(a.getTaskToken()).setReason("No Data!").build()));
    assertEquals("reason must be 1 to 64 characters from [a-z0-9_]. Provided value: \"No Data!\"",
        x.getStatus().getDescription());
  }

  @Test
  void tick_deadlineWithTooFewSubmissions_abandonsAndReopensSameRound() {
    RoundEngine e = engine(config().build());
    Task a = task(e, "a");
    task(e, "b");
    submit(e, "a", a, 1, filled(0.1f));
    clock.advance(Duration.ofSeconds(59));
    e.tick();
    assertTrue(abandoned.isEmpty());
    clock.advance(Duration.ofSeconds(1));
    e.tick();
    assertEquals(List.of("1: deadline with 1 submissions, fewer than min_clients 2"), abandoned);
    assertEquals(new EngineStatus(1, Phase.SELECTION, 0, 0, 0, 0), e.status());
    assertEquals(0, e.currentModel().version());
    // The old task is dead; the client checks in again for the reopened round.
    rejected(Status.Code.NOT_FOUND, () -> e.beginSubmission(header("a", a, 1)));
    Task again = task(e, "a");
    assertTrue(!again.getTaskToken().equals(a.getTaskToken()));
  }

  @Test
  void tick_deadlineWithMinClients_publishesAndCountsDropouts() {
    RoundEngine e = engine(config().build());
    Task a = task(e, "a");
    Task b = task(e, "b");
    task(e, "c");
    submit(e, "a", a, 1, filled(0.1f));
    submit(e, "b", b, 1, filled(0.3f));
    clock.advance(Duration.ofSeconds(60));
    e.tick();
    assertEquals(1, published.size());
    assertEquals(1, published.get(0).dropouts());
    assertEquals(Duration.ofSeconds(60),
        Duration.between(published.get(0).openedAt(), published.get(0).closedAt()));
  }

  @Test
  void tick_selectionTimeout_closesSelectionOnlyWithMinClients() {
    RoundEngine e = engine(config().build());
    Task a = task(e, "a");
    clock.advance(Duration.ofSeconds(10));
    e.tick();
    assertEquals(Phase.SELECTION, e.status().phase());
    Task b = task(e, "b");
    e.tick();
    assertEquals(Phase.TRAINING, e.status().phase());
    assertEquals("cohort_full", e.checkIn(checkIn("c")).getRetry().getReason());
    submit(e, "a", a, 1, filled(0.1f));
    submit(e, "b", b, 1, filled(0.1f));
    assertEquals(1, published.size());
    assertEquals(2, published.get(0).selected());
  }

  @Test
  void checkIn_afterLastRound_finished() {
    RoundEngine e = engine(config().rounds(1).clientsPerRound(1).minClients(1).build());
    Task a = task(e, "a");
    submit(e, "a", a, 1, filled(0.1f));
    CheckInResponse r = e.checkIn(checkIn("b"));
    assertEquals(1, r.getFinished().getLastRound());
    assertEquals(Phase.FINISHED, e.status().phase());
    rejected(Status.Code.FAILED_PRECONDITION, () -> e.beginSubmission(header("a", a, 1)));
  }

  @Test
  void close_aggregationThrows_roundAbandonedNotPublished() {
    WeightedMeanFactory inner = new WeightedMeanFactory();
    RoundEngine e = RoundEngine.builder(config().clientsPerRound(1).minClients(1).build())
        .store(store).clock(clock)
        .aggregation(() -> new AggregationProcess() {
          @Override
          public RoundAggregator begin(long round, int dimension) {
            RoundAggregator r = inner.create().begin(round, dimension);
            return new RoundAggregator() {
              @Override
              public void accept(io.fedrec.core.aggregate.ClientContribution c) {
                r.accept(c);
              }

              @Override
              public int count() {
                return r.count();
              }

              @Override
              public io.fedrec.core.aggregate.AggregateResult finish() {
                throw new IllegalStateException("noise multiplier missing");
              }
            };
          }

          @Override
          public String name() {
            return "failing";
          }
        })
        .build();
    e.addListener((record, model) -> published.add(record));
    List<String> reasons = new ArrayList<>();
    e.addListener(new RoundListener() {
      @Override
      public void onRoundPublished(RoundRecord record, GlobalModel model) {}

      @Override
      public void onRoundAbandoned(long round, String reason) {
        reasons.add(reason);
      }
    });
    Task a = task(e, "a");
    submit(e, "a", a, 1, filled(0.1f));
    assertTrue(published.isEmpty());
    assertEquals(List.of("aggregation failed: noise multiplier missing"), reasons);
    assertEquals(0, e.currentModel().version());
    assertTrue(store.history().isEmpty());
    assertEquals(1, e.metrics().roundsAbandoned());
  }

  @Test
  void build_existingStore_resumesAfterLastRound() {
    FederationConfig cfg = config().clientsPerRound(1).minClients(1).build();
    RoundEngine first = engine(cfg);
    Task a = task(first, "a");
    submit(first, "a", a, 1, filled(0.1f));
    GlobalModel m1 = first.currentModel();
    RoundEngine second = engine(cfg);
    assertEquals(m1, second.currentModel());
    assertEquals(2, second.status().round());
    assertEquals(1, task(second, "a").getModel().getVersion());
  }

  @Test
  void build_storeOfOtherShape_refused() {
    FederationConfig cfg = config().clientsPerRound(1).minClients(1).build();
    RoundEngine first = engine(cfg);
    submit(first, "a", task(first, "a"), 1, filled(0.1f));
    IllegalStateException x = assertThrows(IllegalStateException.class,
        () -> engine(cfg.toBuilder().numItems(4).build()));
    assertTrue(x.getMessage().startsWith("the state store holds a model of ModelShape[numItems=3"),
        x.getMessage());
  }
}
