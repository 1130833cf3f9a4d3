package io.fedrec.simulator.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedrec.coordinator.round.FederationConfig;
import io.fedrec.coordinator.round.RoundEngine;
import io.fedrec.core.model.TrainingConfig;
import io.fedrec.proto.v1.CheckInRequest;
import io.fedrec.proto.v1.DownloadModelRequest;
import io.fedrec.proto.v1.Task;
import io.fedrec.proto.v1.UpdateHeader;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DirectTransportTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(1);

  private final RoundEngine engine = RoundEngine.builder(
          FederationConfig.builder().numItems(4).training(TrainingConfig.defaults(2)).rounds(2)
              .clientsPerRound(1).build())
      .clock(new SimulatedClock())
      .tokenRandom(new Random(1))
      .build();
  private final DirectTransport transport = new DirectTransport(engine);

  private Task checkIn() {
    return transport.checkIn(CheckInRequest.newBuilder().setClientId("c1").build(), TIMEOUT)
        .getTask();
  }

  private static UpdateHeader header(Task task) {
    return UpdateHeader.newBuilder().setClientId("c1").setRound(task.getRound())
        .setTaskToken(task.getTaskToken()).setWeight(1)
        .setNumParameters(task.getModel().getNumParameters()).build();
  }

  @Test
  void downloadModel_selectedClient_returnsEngineModel() {
    Task task = checkIn();
    float[] params = transport.downloadModel(
        DownloadModelRequest.newBuilder().setClientId("c1").setRound(task.getRound())
            .setTaskToken(task.getTaskToken()).build(),
        task.getModel(), TIMEOUT);
    assertArrayEquals(engine.currentModel().parameters(), params);
  }

  @Test
  void downloadGlobalModel_sharesTheEnginesImmutableModel_noCopyPerClient() {
    Task task = checkIn();
    io.fedrec.core.model.GlobalModel m = transport.downloadGlobalModel(
        DownloadModelRequest.newBuilder().setClientId("c1").setRound(task.getRound())
            .setTaskToken(task.getTaskToken()).build(),
        task.getModel(), engine.currentModel().shape(), TIMEOUT);
    org.junit.jupiter.api.Assertions.assertSame(engine.currentModel(), m);
  }

  @Test
  void submitUpdate_wrongLength_invalidArgumentAndTaskStillOpen() {
    Task task = checkIn();
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> transport.submitUpdate(header(task), new float[3], 1 << 20, TIMEOUT));
    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
    assertTrue(e.getStatus().getDescription().contains("Provided value: 3"),
        e.getStatus().getDescription());
    float[] ok = new float[(int) task.getModel().getNumParameters()];
    assertTrue(transport.submitUpdate(header(task), ok, 1 << 20, TIMEOUT).getAccepted());
    assertEquals(1, engine.status().publishedRounds());
  }

  @Test
  void submitUpdate_unknownToken_notFoundLikeGrpc() {
    Task task = checkIn();
    UpdateHeader bad = header(task).toBuilder()
        .setTaskToken(com.google.protobuf.ByteString.copyFromUtf8("forged-token-000")).build();
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> transport.submitUpdate(bad, new float[13], 1 << 20, TIMEOUT));
    assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
  }
}
