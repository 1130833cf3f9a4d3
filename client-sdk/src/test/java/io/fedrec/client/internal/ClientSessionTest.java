package io.fedrec.client.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedrec.client.CoordinatorTransport;
import io.fedrec.client.FakeCoordinator;
import io.fedrec.client.InProcessCoordinator;
import io.fedrec.client.LocalDataSource;
import io.fedrec.client.MapDataSource;
import io.fedrec.client.RecordingListener;
import io.fedrec.core.model.GlobalModel;
import io.fedrec.core.model.LocalTrainer;
import io.fedrec.core.model.ModelShape;
import io.fedrec.core.model.TrainingConfig;
import io.fedrec.core.model.UserRatings;
import io.fedrec.proto.v1.ReportFailureRequest;
import io.fedrec.proto.v1.UpdateHeader;
import io.grpc.Status;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ClientSessionTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final ModelShape SHAPE = new ModelShape(20, 3);
  private static final TrainingConfig CONFIG =
      new TrainingConfig(3, 10f, 10f, 0.1f, 2, 0.05f, 1f, 5f, 1e-3f);

  private final GlobalModel model0 = GlobalModel.initial(SHAPE, 3.5f, 0.1, 7);
  private final MapDataSource data = MapDataSource.builder()
      .user("alice", new int[] {0, 3, 7}, new float[] {4, 5, 2})
      .user("bob", new int[0], new float[0])
      .user("carol", new int[] {1, 3, 19, 12}, new float[] {3, 4, 1, 5})
      .user("dave", new int[] {5}, new float[] {2})
      .build();
  private final RecordingListener listener = new RecordingListener();

  private FakeCoordinator fake;
  private InProcessCoordinator server;
  private CoordinatorTransport transport;

  @BeforeEach
  void setUp() {
    fake = new FakeCoordinator();
    fake.model = model0;
    server = new InProcessCoordinator(fake);
    transport = CoordinatorTransport.grpc(server.channel());
  }

  @AfterEach
  void tearDown() {
    server.close();
  }

  private ClientSession session(LocalDataSource source) {
    return new ClientSession("client-1", transport, source, TIMEOUT, listener);
  }

  /** The update computed independently: per-user updates summed in order, then weight decay. */
  private static float[] expectedUpdate(GlobalModel model, List<UserRatings> users) {
    float[] acc = new float[model.shape().numParameters()];
    LocalTrainer trainer = new LocalTrainer(CONFIG);
    for (UserRatings u : users) {
      trainer.accumulateUserUpdate(model, u, acc);
    }
    trainer.addWeightDecay(model, acc, users.size());
    return acc;
  }

  private List<UserRatings> usersWithRatings() {
    return List.of(data.ratings("alice"), data.ratings("carol"), data.ratings("dave"));
  }

  @Test
  void step_task_submitsExactSumOfPerUserUpdatesWithWeightUsers() {
    fake.thenTask(FakeCoordinator.task(1, model0, CONFIG, 16));

    StepResult result = session(data).step();

    StepResult.Participated p = assertInstanceOf(StepResult.Participated.class, result);
    assertEquals(1, p.round());
    assertEquals(3, p.users());
    assertEquals(8, p.ratings());
    assertEquals(1, fake.uploads.size());
    FakeCoordinator.Upload upload = fake.uploads.get(0);
    UpdateHeader h = upload.header();
    assertEquals("client-1", h.getClientId());
    assertEquals(1, h.getRound());
    assertEquals("token-1", h.getTaskToken().toStringUtf8());
    assertEquals(3, h.getWeight());
    assertEquals(SHAPE.numParameters(), h.getNumParameters());
    assertArrayEquals(expectedUpdate(model0, usersWithRatings()), upload.values());
  }

  @Test
  void step_task_lossSumIsSumOfPerUserLosses() {
    fake.thenTask(FakeCoordinator.task(1, model0, CONFIG, 16));
    double expected = 0;
    LocalTrainer trainer = new LocalTrainer(CONFIG);
    for (UserRatings u : usersWithRatings()) {
      expected += trainer.accumulateUserUpdate(model0, u, new float[SHAPE.numParameters()]);
    }

    StepResult.Participated p = (StepResult.Participated) session(data).step();

    assertEquals(expected, p.lossSum(), 0);
  }

  @Test
  void step_task_firesEventsInOrderAndCachesModel() {
    fake.thenTask(FakeCoordinator.task(1, model0, CONFIG, 16));
    ClientSession session = session(data);
    assertNull(session.latestModel());

    session.step();

    assertEquals(List.of("checkIn client-1", "taskReceived 1", "modelUpdated 0",
        "updateSubmitted 1 3"), listener.events);
    assertEquals(model0, session.latestModel());
    assertEquals(CONFIG, session.latestTrainingConfig());
  }

  @Test
  void step_sameVersionAndHash_skipsDownload() {
    fake.thenTask(FakeCoordinator.task(1, model0, CONFIG, 16))
        .thenTask(FakeCoordinator.task(2, model0, CONFIG, 16));
    ClientSession session = session(data);

    session.step();
    StepResult second = session.step();

    assertInstanceOf(StepResult.Participated.class, second);
    assertEquals(1, fake.downloads.size());
    assertArrayEquals(expectedUpdate(model0, usersWithRatings()), fake.uploads.get(1).values());
  }

  @Test
  void step_newVersion_downloadsAgainAndTrainsOnNewModel() {
    GlobalModel model1 = model0.plusScaled(expectedUpdate(model0, usersWithRatings()), 1f);
    fake.thenTask(FakeCoordinator.task(1, model0, CONFIG, 16))
        .thenTask(FakeCoordinator.task(2, model1, CONFIG, 16));
    ClientSession session = session(data);

    session.step();
    fake.model = model1;
    session.step();

    assertEquals(2, fake.downloads.size());
    assertEquals(model1, session.latestModel());
    assertArrayEquals(expectedUpdate(model1, usersWithRatings()), fake.uploads.get(1).values());
  }

  @Test
  void step_noUserHasRatings_reportsNoDataAndFails() {
    MapDataSource empty = MapDataSource.builder()
        .user("bob", new int[0], new float[0]).user("eve", new int[0], new float[0]).build();
    fake.thenTask(FakeCoordinator.task(4, model0, CONFIG, 16));

    StepResult result = session(empty).step();

    StepResult.Failed f = assertInstanceOf(StepResult.Failed.class, result);
    assertEquals(4, f.round());
    assertEquals(1, fake.failures.size());
    ReportFailureRequest report = fake.failures.get(0);
    assertEquals("no_data", report.getReason());
    assertEquals(4, report.getRound());
    assertEquals("token-4", report.getTaskToken().toStringUtf8());
    assertEquals(0, fake.submitCalls.get());
    assertTrue(listener.events.contains("taskFailed 4"));
  }

  @Test
  void step_itemOutsideCatalogue_reportsTrainingErrorNamingItemNotUser() {
    MapDataSource bad = MapDataSource.builder()
        .user("alice", new int[] {0, 3}, new float[] {4, 5})
        .user("secret-user-77", new int[] {2, 25}, new float[] {4, 5})
        .build();
    fake.thenTask(FakeCoordinator.task(1, model0, CONFIG, 16));

    StepResult result = session(bad).step();

    assertInstanceOf(StepResult.Failed.class, result);
    ReportFailureRequest report = fake.failures.get(0);
    assertEquals("training_error", report.getReason());
    assertTrue(report.getDetail().contains("25"), report.getDetail());
    assertTrue(report.getDetail().contains("20"), report.getDetail());
    assertFalse(report.getDetail().contains("secret-user-77"), report.getDetail());
    assertEquals(0, fake.submitCalls.get());
  }

  @Test
  void step_modelRankDiffersFromTrainingRank_reportsTrainingError() {
    GlobalModel rank4 = GlobalModel.initial(new ModelShape(20, 4), 3.5f, 0.1, 7);
    fake.thenTask(FakeCoordinator.task(1, rank4, CONFIG, 16));

    StepResult result = session(data).step();

    assertInstanceOf(StepResult.Failed.class, result);
    assertEquals("training_error", fake.failures.get(0).getReason());
    assertTrue(fake.failures.get(0).getDetail().contains("rank"));
    assertTrue(fake.downloads.isEmpty());
  }

  @Test
  void step_retryAfter_mapsToRetryWithDelayAndReason() {
    fake.thenRetry(1500, "cohort_full");

    StepResult result = session(data).step();

    assertEquals(new StepResult.Retry(Duration.ofMillis(1500), "cohort_full"), result);
    assertFalse(((StepResult.Retry) result).isTransportFailure());
  }

  @Test
  void step_finished_mapsToFinished() {
    fake.thenFinished(42);

    assertEquals(new StepResult.Finished(42), session(data).step());
  }

  @Test
  void step_checkInUnavailable_returnsTransportRetry() {
    fake.thenCheckInError(Status.UNAVAILABLE.withDescription("not ready"));
    ClientSession session = session(data);

    StepResult.Retry retry = assertInstanceOf(StepResult.Retry.class, session.step());

    assertTrue(retry.isTransportFailure());
    assertEquals(StepResult.Retry.UNAVAILABLE, retry.reason());
    assertEquals(Status.Code.UNAVAILABLE, session.lastTransportError().getStatus().getCode());
  }

  @Test
  void step_checkInInvalidArgument_returnsFailedWithoutRound() {
    fake.thenCheckInError(Status.INVALID_ARGUMENT.withDescription("bad client id"));

    StepResult.Failed f = assertInstanceOf(StepResult.Failed.class, session(data).step());

    assertEquals(-1, f.round());
  }

  @Test
  void step_downloadUnavailable_returnsTransportRetryAndRedownloadsNextTime() {
    fake.thenTask(FakeCoordinator.task(1, model0, CONFIG, 16))
        .thenTask(FakeCoordinator.task(1, model0, CONFIG, 16));
    fake.downloadFault = FakeCoordinator.DownloadFault.UNAVAILABLE;
    ClientSession session = session(data);

    StepResult first = session.step();
    fake.downloadFault = FakeCoordinator.DownloadFault.NONE;
    StepResult second = session.step();

    assertEquals(StepResult.Retry.UNAVAILABLE, ((StepResult.Retry) first).reason());
    assertInstanceOf(StepResult.Participated.class, second);
  }

  @Test
  void step_corruptDownload_failsTask() {
    fake.thenTask(FakeCoordinator.task(1, model0, CONFIG, 16));
    fake.downloadFault = FakeCoordinator.DownloadFault.GAP;
    ClientSession session = session(data);

    StepResult.Failed f = assertInstanceOf(StepResult.Failed.class, session.step());

    assertEquals(Status.Code.DATA_LOSS, Status.fromThrowable(f.cause()).getCode());
    assertNull(session.latestModel());
    assertEquals(0, fake.submitCalls.get());
  }

  @Test
  void step_submitUnavailableThenDuplicate_countsAsParticipatedWithoutNewCheckIn() {
    fake.thenTask(FakeCoordinator.task(1, model0, CONFIG, 16));
    fake.submitOutcomes.add(Status.UNAVAILABLE.withDescription("connection reset")
        .asRuntimeException());
    fake.submitOutcomes.add(Status.FAILED_PRECONDITION
        .withDescription("duplicate submission for round 1").asRuntimeException());
    ClientSession session = session(data);

    StepResult first = session.step();
    assertTrue(session.hasPendingSubmission());
    StepResult second = session.step();

    assertEquals(StepResult.Retry.UNAVAILABLE, ((StepResult.Retry) first).reason());
    StepResult.Participated p = assertInstanceOf(StepResult.Participated.class, second);
    assertEquals(1, p.round());
    assertEquals(3, p.users());
    assertEquals(1, fake.checkInRequests.size());
    assertEquals(2, fake.submitCalls.get());
    assertFalse(session.hasPendingSubmission());
  }

  @Test
  void step_submitUnavailableThenAccepted_resubmitsSameUpdate() {
    fake.thenTask(FakeCoordinator.task(1, model0, CONFIG, 16));
    fake.submitOutcomes.add(Status.UNAVAILABLE.asRuntimeException());
    ClientSession session = session(data);

    session.step();
    StepResult second = session.step();

    assertInstanceOf(StepResult.Participated.class, second);
    assertArrayEquals(expectedUpdate(model0, usersWithRatings()), fake.uploads.get(0).values());
  }

  @Test
  void step_submitRejectedForWrongRound_returnsFailed() {
    fake.thenTask(FakeCoordinator.task(1, model0, CONFIG, 16));
    fake.submitOutcomes.add(Status.FAILED_PRECONDITION
        .withDescription("expected round 2, received 1").asRuntimeException());
    ClientSession session = session(data);

    StepResult.Failed f = assertInstanceOf(StepResult.Failed.class, session.step());

    assertEquals(1, f.round());
    assertFalse(session.hasPendingSubmission());
  }

  @Test
  void step_parallelTraining_isDeterministicAcrossExecutors() {
    MapDataSource many = manyUsers(23);
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      fake.thenTask(FakeCoordinator.task(1, model0, CONFIG, 64))
          .thenTask(FakeCoordinator.task(2, model0, CONFIG, 64))
          .thenTask(FakeCoordinator.task(3, model0, CONFIG, 64));

      new ClientSession("c", transport, many, TIMEOUT, listener, pool, 3).step();
      new ClientSession("c", transport, many, TIMEOUT, listener, Runnable::run, 3).step();
      new ClientSession("c", transport, many, TIMEOUT, listener).step();
    } finally {
      pool.shutdownNow();
    }

    float[] pooled = fake.uploads.get(0).values();
    float[] direct = fake.uploads.get(1).values();
    float[] sequential = fake.uploads.get(2).values();
    assertArrayEquals(pooled, direct);
    assertArrayEquals(sequential, pooled, 1e-5f);
    assertEquals(23, fake.uploads.get(0).header().getWeight());
  }

  @Test
  void step_listenerThrows_stepStillCompletes() {
    fake.thenTask(FakeCoordinator.task(1, model0, CONFIG, 16));
    ClientSession session = new ClientSession("client-1", transport, data, TIMEOUT,
        new io.fedrec.client.ClientEventListener() {
          @Override
          public void onTaskReceived(long round) {
            throw new IllegalStateException("listener bug");
          }
        });

    assertInstanceOf(StepResult.Participated.class, session.step());
    assertEquals(model0, session.latestModel());
  }

  private static MapDataSource manyUsers(int n) {
    MapDataSource.Builder b = MapDataSource.builder();
    java.util.SplittableRandom random = new java.util.SplittableRandom(5);
    for (int u = 0; u < n; u++) {
      int count = 1 + random.nextInt(Math.min(6, SHAPE.numItems()));
      int[] items = new int[count];
      float[] ratings = new float[count];
      int start = random.nextInt(SHAPE.numItems());
      for (int j = 0; j < count; j++) {
        items[j] = (start + j) % SHAPE.numItems(); // distinct: one rating per item
        ratings[j] = 1 + random.nextInt(5);
      }
      b.user("u" + u, items, ratings);
    }
    return b.build();
  }
}
