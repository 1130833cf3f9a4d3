package io.fedrec.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedrec.core.model.GlobalModel;
import io.fedrec.core.model.ModelShape;
import io.fedrec.core.model.TrainingConfig;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The default path: owned channel from a target, owned daemon executor, real loopback TCP. */
class FederatedClientTcpTest {
  private final FakeCoordinator fake = new FakeCoordinator();
  private Server server;

  @BeforeEach
  void setUp() throws IOException {
    server = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
        .addService(fake).build().start();
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    server.shutdownNow();
    server.awaitTermination(5, TimeUnit.SECONDS);
  }

  @Test
  void start_overLoopbackTcp_participatesAndFinishesOnOwnThread()
      throws InterruptedException, ExecutionException, TimeoutException {
    GlobalModel model = GlobalModel.initial(new ModelShape(500, 8), 3.5f, 0.1, 3);
    fake.model = model;
    fake.downloadChunkFloats = 1000;
    fake.thenTask(FakeCoordinator.task(1, model, TrainingConfig.defaults(8), 4096)).thenFinished(1);
    MapDataSource data = MapDataSource.builder()
        .user("alice", new int[] {0, 42, 499}, new float[] {4, 5, 1}).build();
    List<String> threads = new java.util.concurrent.CopyOnWriteArrayList<>();
    RecordingListener listener = new RecordingListener() {
      @Override
      public void onCheckIn(String clientId) {
        threads.add(Thread.currentThread().getName());
        super.onCheckIn(clientId);
      }
    };

    try (FederatedClient client = FederatedClient.builder()
        .clientId("tcp-1")
        .target("localhost:" + server.getPort()).usePlaintext()
        .dataSource(data)
        .listener(listener)
        .rpcTimeout(Duration.ofSeconds(20))
        .build()) {
      client.start();

      assertEquals(1L, client.finished().get(30, TimeUnit.SECONDS));
      assertEquals(1, client.roundsParticipated());
      assertEquals(model, client.latestModel().orElseThrow());
      assertEquals(5, client.recommend("alice", 5).size());
    }
    assertEquals(List.of("fedrec-client-tcp-1", "fedrec-client-tcp-1"), threads);
    assertEquals(1, fake.uploads.size());
    assertTrue(fake.uploads.get(0).chunks().size() > 2);
  }
}
