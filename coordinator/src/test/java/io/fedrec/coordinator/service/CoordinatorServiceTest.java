package io.fedrec.coordinator.service;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.fedrec.coordinator.round.FederationConfig;
import io.fedrec.coordinator.round.RoundEngine;
import io.fedrec.coordinator.round.TestClock;
import io.fedrec.core.codec.FloatCodec;
import io.fedrec.core.model.GlobalModel;
import io.fedrec.core.model.TrainingConfig;
import io.fedrec.proto.v1.CheckInRequest;
import io.fedrec.proto.v1.CoordinatorGrpc;
import io.fedrec.proto.v1.DownloadModelRequest;
import io.fedrec.proto.v1.FloatPayload;
import io.fedrec.proto.v1.ModelChunk;
import io.fedrec.proto.v1.ReportFailureRequest;
import io.fedrec.proto.v1.SubmitUpdateResponse;
import io.fedrec.proto.v1.Task;
import io.fedrec.proto.v1.UpdateChunk;
import io.fedrec.proto.v1.UpdateHeader;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CoordinatorServiceTest {
  private static final int ITEMS = 2000;
  private static final int RANK = 4;
  private static final int PARAMS = ITEMS * (RANK + 1) + 1;
  private static final int CHUNK_BYTES = 4096;

  private RoundEngine engine;
  private CoordinatorServer server;
  private ManagedChannel channel;
  private CoordinatorGrpc.CoordinatorBlockingStub blocking;
  private CoordinatorGrpc.CoordinatorStub async;

  @BeforeEach
  void setUp() throws Exception {
    engine = RoundEngine.builder(FederationConfig.builder()
            .numItems(ITEMS).training(TrainingConfig.defaults(RANK)).rounds(2)
            .clientsPerRound(2).minClients(1).maxChunkBytes(CHUNK_BYTES).serverLearningRate(1)
            .build())
        .clock(new TestClock()).tokenRandom(new Random(3)).build();
    String name = InProcessServerBuilder.generateName();
    server = new CoordinatorServer(InProcessServerBuilder.forName(name).directExecutor(), engine).start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    blocking = CoordinatorGrpc.newBlockingStub(channel);
    async = CoordinatorGrpc.newStub(channel);
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.stop();
  }

  private Task task(String id) {
    return blocking.checkIn(CheckInRequest.newBuilder().setClientId(id).build()).getTask();
  }

  private static UpdateHeader header(String id, Task t) {
    return UpdateHeader.newBuilder().setClientId(id).setRound(t.getRound())
        .setTaskToken(t.getTaskToken()).setWeight(1).setNumParameters(PARAMS).build();
  }

  private static List<UpdateChunk> chunks(UpdateHeader h, float[] u, int floatsPerChunk) {
    List<UpdateChunk> out = new ArrayList<>();
    out.add(UpdateChunk.newBuilder().setHeader(h).build());
    for (int off = 0; off < u.length; off += floatsPerChunk) {
      int len = Math.min(floatsPerChunk, u.length - off);
      out.add(UpdateChunk.newBuilder().setOffset(off).setValues(FloatCodec.encode(u, off, len)).build());
    }
    return out;
  }

  private SubmitUpdateResponse send(List<UpdateChunk> messages) throws Exception {
    CompletableFuture<SubmitUpdateResponse> result = new CompletableFuture<>();
    StreamObserver<UpdateChunk> requests = async.submitUpdate(new StreamObserver<>() {
      @Override
      public void onNext(SubmitUpdateResponse value) {
        result.complete(value);
      }

      @Override
      public void onError(Throwable t) {
        result.completeExceptionally(t);
      }

      @Override
      public void onCompleted() {
        result.complete(null);
      }
    });
    for (UpdateChunk c : messages) {
      requests.onNext(c);
    }
    requests.onCompleted();
    try {
      return result.get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw (Exception) e.getCause();
    }
  }

  private Status sendExpectingError(List<UpdateChunk> messages) {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> send(messages));
    return e.getStatus();
  }

  private static float[] update(float v) {
    float[] u = new float[PARAMS];
    Arrays.fill(u, v);
    return u;
  }

  @Test
  void downloadModel_streamsChunksThatReassembleToTheModel() {
    Task t = task("a");
    Iterator<ModelChunk> it = blocking.downloadModel(DownloadModelRequest.newBuilder()
        .setClientId("a").setRound(1).setTaskToken(t.getTaskToken()).build());
    float[] params = new float[PARAMS];
    int chunks = 0;
    long expectedOffset = 0;
    boolean last = false;
    while (it.hasNext()) {
      ModelChunk c = it.next();
      assertEquals(expectedOffset, c.getOffset());
      assertTrue(c.getValues().getLeFloat32().size() <= CHUNK_BYTES);
      expectedOffset += FloatCodec.decodeInto(c.getValues(), params, (int) c.getOffset());
      last = c.getLast();
      chunks++;
    }
    assertTrue(last);
    assertEquals((PARAMS * 4 + CHUNK_BYTES - 1) / CHUNK_BYTES, chunks);
    assertArrayEquals(engine.currentModel().parameters(), params);
    assertArrayEquals(t.getModel().getSha256().toByteArray(), GlobalModel.sha256(params));
  }

  @Test
  void downloadModel_withoutTask_notFound() {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> blocking.downloadModel(DownloadModelRequest.newBuilder().setClientId("x")
            .setRound(1).setTaskToken(ByteString.copyFromUtf8("t")).build()).hasNext());
    assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
    assertEquals("client x holds no task for round 1; check in first", e.getStatus().getDescription());
  }

  @Test
  void submitUpdate_chunkedWholeCohort_publishesRound() throws Exception {
    Task a = task("a");
    Task b = task("b");
    GlobalModel before = engine.currentModel();
    SubmitUpdateResponse r = send(chunks(header("a", a), update(0.5f), CHUNK_BYTES / 4));
    assertEquals(1, r.getRound());
    assertTrue(r.getAccepted());
    send(chunks(header("b", b), update(-0.25f), 1000));
    GlobalModel after = engine.currentModel();
    assertEquals(1, after.version());
    assertEquals(before.mu() + 0.125f, after.mu());
  }

  @Test
  void submitUpdate_missingHeader_invalidArgument() {
    Task a = task("a");
    List<UpdateChunk> msgs = chunks(header("a", a), update(0.1f), 1000);
    Status s = sendExpectingError(msgs.subList(1, msgs.size()));
    assertEquals(Status.Code.INVALID_ARGUMENT, s.getCode());
    assertEquals("the first UpdateChunk must carry the header", s.getDescription());
  }

  @Test
  void submitUpdate_gapInOffsets_invalidArgumentAndTaskReusable() throws Exception {
    Task a = task("a");
    List<UpdateChunk> msgs = new ArrayList<>(chunks(header("a", a), update(0.1f), 1000));
    msgs.remove(2);
    Status s = sendExpectingError(msgs);
    assertEquals(Status.Code.INVALID_ARGUMENT, s.getCode());
    assertEquals("chunks must be consecutive: expected offset 1000, received 2000", s.getDescription());
    assertTrue(send(chunks(header("a", a), update(0.1f), 1000)).getAccepted());
  }

  @Test
  void submitUpdate_streamEndsEarly_invalidArgument() {
    Task a = task("a");
    List<UpdateChunk> msgs = chunks(header("a", a), update(0.1f), 1000);
    Status s = sendExpectingError(msgs.subList(0, 3));
    assertEquals(Status.Code.INVALID_ARGUMENT, s.getCode());
    assertEquals("the stream ended after 2000 of " + PARAMS + " values", s.getDescription());
  }

  @Test
  void submitUpdate_chunkOverLimit_resourceExhausted() {
    Task a = task("a");
    Status s = sendExpectingError(chunks(header("a", a), update(0.1f), CHUNK_BYTES / 4 + 1));
    assertEquals(Status.Code.RESOURCE_EXHAUSTED, s.getCode());
    assertEquals("chunk payload must be at most 4096 bytes. Provided: 4100", s.getDescription());
  }

  @Test
  void submitUpdate_oddPayloadLength_invalidArgument() {
    Task a = task("a");
    List<UpdateChunk> msgs = List.of(UpdateChunk.newBuilder().setHeader(header("a", a)).build(),
        UpdateChunk.newBuilder().setValues(FloatPayload.newBuilder()
            .setLeFloat32(ByteString.copyFrom(new byte[6]))).build());
    Status s = sendExpectingError(msgs);
    assertEquals(Status.Code.INVALID_ARGUMENT, s.getCode());
    assertEquals("payload length must be a multiple of 4 bytes. Provided value: 6", s.getDescription());
  }

  @Test
  void submitUpdate_infinityInPayload_invalidArgument() {
    Task a = task("a");
    float[] u = update(0.1f);
    u[1500] = Float.POSITIVE_INFINITY;
    Status s = sendExpectingError(chunks(header("a", a), u, 1000));
    assertEquals(Status.Code.INVALID_ARGUMENT, s.getCode());
    assertEquals("values must be finite. Provided value at index 1500: Infinity", s.getDescription());
  }

  @Test
  void submitUpdate_duplicate_failedPrecondition() throws Exception {
    Task a = task("a");
    send(chunks(header("a", a), update(0.1f), 1000));
    Status s = sendExpectingError(chunks(header("a", a), update(0.1f), 1000));
    assertEquals(Status.Code.FAILED_PRECONDITION, s.getCode());
    assertEquals("duplicate submission: client a already submitted to round 1", s.getDescription());
  }

  @Test
  void reportFailure_wrongRound_failedPrecondition() {
    Task a = task("a");
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> blocking.reportFailure(ReportFailureRequest.newBuilder().setClientId("a")
            .setRound(5).setTaskToken(a.getTaskToken()).setReason("no_data").build()));
    assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode());
    assertEquals("round 5 is not open; the open round is 1", e.getStatus().getDescription());
  }

  @Test
  void checkIn_afterAllRounds_finished() throws Exception {
    for (int round = 1; round <= 2; round++) {
      Task a = task("a");
      Task b = task("b");
      send(chunks(header("a", a), update(0.01f), 1000));
      send(chunks(header("b", b), update(0.01f), 1000));
    }
    assertEquals(2, blocking.checkIn(CheckInRequest.newBuilder().setClientId("c").build())
        .getFinished().getLastRound());
  }

  @Test
  void checkIn_badClientIdThroughGrpc_invalidArgument() {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> blocking.withDeadlineAfter(Duration.ofSeconds(5).toMillis(), TimeUnit.MILLISECONDS)
            .checkIn(CheckInRequest.newBuilder().setClientId("ü").build()));
    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
    assertEquals("client_id may only contain [A-Za-z0-9._:-]. Provided value: \"?\"",
        e.getStatus().getDescription());
  }
}
