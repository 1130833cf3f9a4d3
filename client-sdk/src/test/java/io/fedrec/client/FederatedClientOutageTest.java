package io.fedrec.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedrec.core.model.GlobalModel;
import io.fedrec.core.model.ModelShape;
import io.fedrec.core.model.TrainingConfig;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.Status;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The SDK under a failing coordinator, over real loopback TCP: the coordinator process goes away
 * after a round (its server is shut down, so connections are refused), stays away while the host
 * keeps serving recommendations, then comes back on the same port; the client never throws into
 * the host's threads, keeps serving from the model it has, reports the outage to its listener,
 * resumes by itself and submits exactly once per round.
 */
class FederatedClientOutageTest {
  private static final ModelShape SHAPE = new ModelShape(200, 8);
  private static final TrainingConfig TRAINING = TrainingConfig.defaults(8);

  private final List<Server> servers = new ArrayList<>();

  private Server serve(int port, FakeCoordinator fake) throws IOException {
    Server s = Grpc.newServerBuilderForPort(port, InsecureServerCredentials.create())
        .addService(fake).build().start();
    servers.add(s);
    return s;
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    for (Server s : servers) {
      s.shutdownNow();
      s.awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void coordinatorGoesAwayAndReturnsOnTheSamePort_clientServesThroughoutAndResumes()
      throws Exception {
    GlobalModel v0 = GlobalModel.initial(SHAPE, 3.5f, 0.1, 3);
    FakeCoordinator before = new FakeCoordinator();
    before.model = v0;
    before.thenTask(FakeCoordinator.task(1, v0, TRAINING, 4096)).thenRetry(20, "no_round_open");
    Server first = serve(0, before);
    int port = first.getPort();

    MapDataSource data = MapDataSource.builder()
        .user("alice", new int[] {0, 42, 199}, new float[] {4, 5, 1})
        .user("bob", new int[] {3, 7}, new float[] {2, 5})
        .build();
    CountDownLatch submitted = new CountDownLatch(1);
    CountDownLatch outageReported = new CountDownLatch(1);
    RecordingListener listener = new RecordingListener() {
      @Override
      public void onUpdateSubmitted(long round, int users) {
        super.onUpdateSubmitted(round, users);
        submitted.countDown();
      }

      @Override
      public void onError(Throwable error) {
        super.onError(error);
        outageReported.countDown();
      }
    };
    try (FederatedClient client = FederatedClient.builder()
        .clientId("outage-1")
        .target("localhost:" + port).usePlaintext()
        .dataSource(data)
        .listener(listener)
        .rpcTimeout(Duration.ofSeconds(5))
        .retryPolicy(RetryPolicy.builder().initialBackoff(Duration.ofMillis(20))
            .maxBackoff(Duration.ofMillis(200)).maxAttempts(3).build())
        .build()) {
      client.start();
      assertTrue(submitted.await(30, TimeUnit.SECONDS), "round 1 submitted");
      assertEquals(1, before.uploads.size());

      // the coordinator dies: connections are refused from now on
      first.shutdownNow();
      first.awaitTermination(5, TimeUnit.SECONDS);
      // the host keeps serving from the model it has until the client reports the outage;
      // nothing throws into its thread
      int served = 0;
      long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      do {
        assertEquals(5, client.recommend("alice", 5).size());
        assertEquals(2, client.recommendAll(List.of("alice", "bob"), 3,
            RecommendationFilter.DEFAULT).size());
        served++;
      } while ((served < 10 || !outageReported.await(1, TimeUnit.MILLISECONDS))
          && System.nanoTime() < giveUp);
      assertEquals(0, outageReported.getCount(), "the outage is reported");
      assertTrue(served >= 10, "served " + served);
      for (Throwable e : listener.errors) {
        // refused connections are UNAVAILABLE; a call in flight when the server died is CANCELLED
        Status.Code code = Status.fromThrowable(e).getCode();
        assertTrue(code == Status.Code.UNAVAILABLE || code == Status.Code.CANCELLED, e.toString());
      }
      assertFalse(client.finished().isDone());

      // it comes back on the same port with the next round
      float[] next = v0.parameters();
      next[0] += 0.5f;
      GlobalModel v1 = GlobalModel.of(1, SHAPE, next);
      FakeCoordinator after = new FakeCoordinator();
      after.model = v1;
      after.thenTask(FakeCoordinator.task(2, v1, TRAINING, 4096)).thenFinished(2);
      serve(port, after);

      // gRPC's reconnect backoff (1 s, then 1.6x) bounds how soon the client notices
      assertEquals(2L, client.finished().get(60, TimeUnit.SECONDS));
      assertEquals(2, client.roundsParticipated());
      assertEquals(v1, client.latestModel().orElseThrow());
      assertEquals(5, client.recommend("alice", 5).size());
      assertEquals(1, before.uploads.size(), "round 1 submitted once");
      assertEquals(1, after.uploads.size(), "round 2 submitted once");
      assertEquals(2, after.uploads.get(0).header().getRound());
    }
  }
}
