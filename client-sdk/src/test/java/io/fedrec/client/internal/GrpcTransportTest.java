package io.fedrec.client.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.fedrec.client.CoordinatorTransport;
import io.fedrec.client.FakeCoordinator;
import io.fedrec.client.FakeCoordinator.DownloadFault;
import io.fedrec.client.InProcessCoordinator;
import io.fedrec.core.codec.FloatCodec;
import io.fedrec.core.model.GlobalModel;
import io.fedrec.core.model.ModelShape;
import io.fedrec.proto.v1.CheckInRequest;
import io.fedrec.proto.v1.DownloadModelRequest;
import io.fedrec.proto.v1.ModelInfo;
import io.fedrec.proto.v1.SubmitUpdateResponse;
import io.fedrec.proto.v1.UpdateChunk;
import io.fedrec.proto.v1.UpdateHeader;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class GrpcTransportTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final DownloadModelRequest DOWNLOAD =
      DownloadModelRequest.newBuilder().setClientId("c1").setRound(1)
          .setTaskToken(ByteString.copyFromUtf8("t")).build();

  private FakeCoordinator fake;
  private InProcessCoordinator server;
  private CoordinatorTransport transport;
  private GlobalModel model;

  @BeforeEach
  void setUp() {
    fake = new FakeCoordinator();
    server = new InProcessCoordinator(fake);
    transport = CoordinatorTransport.grpc(server.channel());
    model = GlobalModel.initial(new ModelShape(13, 4), 3.5f, 0.1, 11);
    fake.model = model;
  }

  @AfterEach
  void tearDown() {
    server.close();
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 3, 7, 64, 1000})
  void downloadModel_chunkSize_reassemblesExactParameters(int chunkFloats) {
    fake.downloadChunkFloats = chunkFloats;

    float[] params = transport.downloadModel(DOWNLOAD, FakeCoordinator.info(model), TIMEOUT);

    assertArrayEquals(model.parameters(), params);
    assertEquals(DOWNLOAD, fake.downloads.get(0));
  }

  @Test
  void downloadModel_shaMismatch_throwsDataLoss() {
    ModelInfo bad = FakeCoordinator.info(model).toBuilder()
        .setSha256(ByteString.copyFrom(new byte[32])).build();

    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> transport.downloadModel(DOWNLOAD, bad, TIMEOUT));

    assertEquals(Status.Code.DATA_LOSS, e.getStatus().getCode());
    assertTrue(e.getStatus().getDescription().contains("sha256 mismatch"),
        e.getStatus().getDescription());
  }

  @ParameterizedTest
  @EnumSource(value = DownloadFault.class, names = {"GAP", "SHORT_LAST", "NO_LAST", "AFTER_LAST"})
  void downloadModel_corruptStream_throwsDataLoss(DownloadFault fault) {
    fake.downloadFault = fault;

    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> transport.downloadModel(DOWNLOAD, FakeCoordinator.info(model), TIMEOUT));

    assertEquals(Status.Code.DATA_LOSS, e.getStatus().getCode());
    assertFalse(e.getStatus().getDescription().isBlank());
  }

  @Test
  void downloadModel_gapInOffsets_namesExpectedAndReceivedOffset() {
    fake.downloadFault = DownloadFault.GAP;

    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> transport.downloadModel(DOWNLOAD, FakeCoordinator.info(model), TIMEOUT));

    assertEquals("model chunk offsets must be consecutive: expected offset 7, received 8",
        e.getStatus().getDescription());
  }

  @Test
  void downloadModel_shortStream_namesReceivedCount() {
    fake.downloadFault = DownloadFault.SHORT_LAST;

    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> transport.downloadModel(DOWNLOAD, FakeCoordinator.info(model), TIMEOUT));

    assertEquals("model stream ended after 14 of 66 parameters", e.getStatus().getDescription());
  }

  @Test
  void downloadModel_serverUnavailable_propagatesStatus() {
    fake.downloadFault = DownloadFault.UNAVAILABLE;

    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> transport.downloadModel(DOWNLOAD, FakeCoordinator.info(model), TIMEOUT));

    assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode());
  }

  @ParameterizedTest
  @ValueSource(ints = {4, 12, 40, 1 << 20})
  void submitUpdate_chunkSize_sendsHeaderFirstThenConsecutiveSlices(int maxChunkBytes) {
    float[] update = new float[37];
    for (int i = 0; i < update.length; i++) {
      update[i] = i * 0.25f - 3;
    }
    UpdateHeader header = header(update.length);

    SubmitUpdateResponse response = transport.submitUpdate(header, update, maxChunkBytes, TIMEOUT);

    assertTrue(response.getAccepted());
    List<UpdateChunk> chunks = fake.uploads.get(0).chunks();
    assertEquals(header, chunks.get(0).getHeader());
    assertEquals(0, chunks.get(0).getValues().getLeFloat32().size());
    long next = 0;
    for (int i = 1; i < chunks.size(); i++) {
      UpdateChunk c = chunks.get(i);
      assertFalse(c.hasHeader());
      assertEquals(next, c.getOffset());
      int bytes = c.getValues().getLeFloat32().size();
      assertTrue(bytes > 0 && bytes <= maxChunkBytes, "chunk bytes " + bytes);
      next += FloatCodec.count(c.getValues());
    }
    assertEquals(update.length, next);
    assertEquals((update.length * 4 + maxChunkBytes - 1) / maxChunkBytes, chunks.size() - 1);
    assertArrayEquals(update, fake.uploads.get(0).values());
  }

  @Test
  void submitUpdate_rejected_propagatesStatusAndDescription() {
    fake.submitOutcomes.add(Status.FAILED_PRECONDITION
        .withDescription("expected round 2, received 1").asRuntimeException());

    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> transport.submitUpdate(header(3), new float[3], 8, TIMEOUT));

    assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode());
    assertEquals("expected round 2, received 1", e.getStatus().getDescription());
  }

  @Test
  void submitUpdate_noResponseWithinTimeout_throwsDeadlineExceededAndCancelsCall()
      throws InterruptedException {
    fake.submitNeverResponds = true;

    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> transport.submitUpdate(header(3), new float[3], 8, Duration.ofMillis(100)));

    assertEquals(Status.Code.DEADLINE_EXCEEDED, e.getStatus().getCode());
    assertTrue(fake.submitCancelled.await(5, TimeUnit.SECONDS), "server saw no cancellation");
  }

  @Test
  void submitUpdate_chunkBytesNotMultipleOfFour_throwsIllegalArgument() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> transport.submitUpdate(header(3), new float[3], 6, TIMEOUT));

    assertEquals("maxChunkBytes must be a positive multiple of 4. Provided value: 6",
        e.getMessage());
  }

  @Test
  void checkIn_noResponseWithinTimeout_throwsDeadlineExceeded() {
    fake.checkInNeverResponds = true;

    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> transport.checkIn(CheckInRequest.newBuilder().setClientId("c1").build(),
            Duration.ofMillis(50)));

    assertEquals(Status.Code.DEADLINE_EXCEEDED, e.getStatus().getCode());
  }

  private static UpdateHeader header(int numParameters) {
    return UpdateHeader.newBuilder()
        .setClientId("c1")
        .setRound(1)
        .setTaskToken(ByteString.copyFromUtf8("t"))
        .setWeight(2)
        .setNumParameters(numParameters)
        .build();
  }
}
