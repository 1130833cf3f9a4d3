package io.fedrec.coordinator.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedrec.coordinator.round.FederationConfig;
import io.fedrec.coordinator.round.RoundEngine;
import io.fedrec.coordinator.round.TestClock;
import io.fedrec.core.model.TrainingConfig;
import io.fedrec.proto.v1.CheckInRequest;
import io.fedrec.proto.v1.CheckInResponse;
import io.fedrec.proto.v1.CoordinatorGrpc;
import io.fedrec.proto.v1.DownloadModelRequest;
import io.fedrec.proto.v1.SubmitUpdateResponse;
import io.fedrec.proto.v1.UpdateChunk;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Admission control: with {@code limit} calls held open (upload streams that send nothing), every
 * further coordinator call is shed at once, a check-in as a normal "retry later" answer and the
 * others as {@code UNAVAILABLE} with a retry-after trailer; health checks are never shed; closing
 * or cancelling the held calls frees their slots.
 */
class LoadShedderTest {
  private static final int LIMIT = 3;

  private LoadShedder shedder;
  private RoundEngine engine;
  private CoordinatorServer server;
  private ManagedChannel channel;

  @BeforeEach
  void setUp() throws Exception {
    engine = RoundEngine.builder(FederationConfig.builder()
            .numItems(50).training(TrainingConfig.defaults(4)).rounds(2)
            .clientsPerRound(2).minClients(1).serverLearningRate(1).build())
        .clock(new TestClock()).tokenRandom(new Random(3)).build();
    shedder = new LoadShedder(LIMIT, 750);
    String name = InProcessServerBuilder.generateName();
    server = new CoordinatorServer(InProcessServerBuilder.forName(name).directExecutor(), engine,
        ClientAuthentication.none(), null, shedder).start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.stop();
  }

  /** Opens an upload stream and sends nothing: the call stays in flight until it is ended. */
  private StreamObserver<UpdateChunk> holdOpen(List<Throwable> errors, CountDownLatch ended) {
    return CoordinatorGrpc.newStub(channel).submitUpdate(new StreamObserver<>() {
      @Override
      public void onNext(SubmitUpdateResponse value) {}

      @Override
      public void onError(Throwable t) {
        errors.add(t);
        ended.countDown();
      }

      @Override
      public void onCompleted() {
        ended.countDown();
      }
    });
  }

  private CheckInResponse checkIn(String id) {
    return CoordinatorGrpc.newBlockingStub(channel)
        .checkIn(CheckInRequest.newBuilder().setClientId(id).build());
  }

  @Test
  void overTheLimit_shedsCheckInsAsRetryAndOtherCallsAsUnavailable_healthStillAnswers()
      throws InterruptedException {
    List<Throwable> errors = new ArrayList<>();
    CountDownLatch ended = new CountDownLatch(LIMIT);
    List<StreamObserver<UpdateChunk>> held = new ArrayList<>();
    for (int i = 0; i < LIMIT - 1; i++) {
      held.add(holdOpen(errors, ended));
    }
    assertEquals(2, shedder.checkInLimit());
    // with 3/4 of the slots taken, check-ins are shed but work of the round is still admitted:
    // this download gets the engine's own answer (no such task), not "overloaded"
    StatusRuntimeException admitted = assertThrows(StatusRuntimeException.class,
        () -> CoordinatorGrpc.newBlockingStub(channel)
            .downloadModel(DownloadModelRequest.newBuilder().setClientId("x").build())
            .hasNext());
    assertTrue(admitted.getStatus().getCode() != Status.Code.UNAVAILABLE, admitted.toString());
    CheckInResponse early = checkIn("early");
    assertEquals(LoadShedder.REASON, early.getRetry().getReason());
    held.add(holdOpen(errors, ended));
    assertEquals(LIMIT, shedder.inFlight());

    CheckInResponse shed = checkIn("late");
    assertTrue(shed.hasRetry(), shed.toString());
    assertEquals(LoadShedder.REASON, shed.getRetry().getReason());
    assertEquals(750, shed.getRetry().getDelayMillis());

    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> CoordinatorGrpc.newBlockingStub(channel)
            .downloadModel(DownloadModelRequest.newBuilder().setClientId("late").build())
            .hasNext());
    assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode());
    assertEquals("coordinator overloaded: 3 calls in flight (limit 3); retry after 750 ms",
        e.getStatus().getDescription());
    assertEquals("750", e.getTrailers().get(LoadShedder.RETRY_AFTER));

    HealthCheckResponse health = HealthGrpc.newBlockingStub(channel)
        .check(HealthCheckRequest.newBuilder().build());
    assertEquals(HealthCheckResponse.ServingStatus.SERVING, health.getStatus());
    assertEquals(3, shedder.shed());
    assertEquals(LIMIT, shedder.peakInFlight());

    // ending the held calls (one cancelled, the others completed empty) frees every slot
    held.get(0).onError(new RuntimeException("client gave up"));
    for (int i = 1; i < LIMIT; i++) {
      held.get(i).onCompleted();
    }
    assertTrue(ended.await(5, TimeUnit.SECONDS));
    assertEquals(0, shedder.inFlight());
    CheckInResponse afterwards = checkIn("a");
    assertTrue(afterwards.hasTask(), afterwards.toString());
    assertEquals(3, shedder.shed());
    assertTrue(shedder.peakInFlight() <= LIMIT);
  }

  @Test
  void constructor_rejectsLimitsOutOfRange() {
    assertEquals("max_concurrent_calls must be in [1, 1000000]. Provided value: 0",
        assertThrows(IllegalArgumentException.class, () -> new LoadShedder(0, 10)).getMessage());
    assertEquals("shed_retry_ms must be in [1, 3600000]. Provided value: 0",
        assertThrows(IllegalArgumentException.class, () -> new LoadShedder(1, 0)).getMessage());
  }
}
