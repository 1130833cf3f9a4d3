package io.fedrec.examples.partner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedrec.client.Recommendation;
import io.fedrec.coordinator.round.FederationConfig;
import io.fedrec.coordinator.round.RoundEngine;
import io.fedrec.coordinator.service.CoordinatorServer;
import io.fedrec.core.model.TrainingConfig;
import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The partner app's core against a real round engine behind an in-process gRPC server. */
class PartnerAppTest {
  private static final int ROUNDS = 3;
  private static final long TIMEOUT_SECONDS = 60;

  @TempDir Path dir;

  private RoundEngine engine;
  private CoordinatorServer server;
  private ManagedChannel channel;

  private void startCoordinator(int clientsPerRound) throws Exception {
    engine = RoundEngine.builder(FederationConfig.builder()
            .numItems(SyntheticRatings.ITEMS).training(TrainingConfig.defaults(4))
            .rounds(ROUNDS).clientsPerRound(clientsPerRound).minClients(clientsPerRound)
            .retryDelay(Duration.ofMillis(20)).seed(7)
            .build())
        .tokenRandom(new Random(1)).build();
    String name = InProcessServerBuilder.generateName();
    server = new CoordinatorServer(InProcessServerBuilder.forName(name).directExecutor(), engine)
        .start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (server != null) {
      server.stop();
    }
  }

  private PartnerApp app(String clientId, int fromUser, int toUser) throws Exception {
    Path csv = SyntheticRatings.write(dir.resolve(clientId + ".csv"), fromUser, toUser);
    return new PartnerApp(PartnerSettings.defaults(clientId), InMemoryRatingStore.fromCsv(csv),
        CoordinatorConnection.channel(channel));
  }

  @Test
  void start_inProcessCoordinator_participatesInEveryRoundAndFinishes() throws Exception {
    startCoordinator(1);
    try (PartnerApp app = app("partner-a", 0, 8)) {
      app.start();

      assertEquals(ROUNDS, app.finished().get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
      assertEquals(ROUNDS, app.roundsParticipated());
      assertEquals(ROUNDS, app.log().submissions());
      assertEquals(ROUNDS, app.log().finishedAfter());
      assertEquals(0, app.log().errors());
      assertEquals(ROUNDS, engine.status().publishedRounds());
      assertEquals(app.log().modelVersion(), app.servingModelVersion().orElseThrow());
    }
  }

  @Test
  void serve_afterTraining_excludesSeenItemsInScoreOrder() throws Exception {
    startCoordinator(1);
    try (PartnerApp app = app("partner-a", 0, 8)) {
      app.start();
      app.finished().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);

      for (int u = 0; u < 8; u++) {
        List<Recommendation> top = app.serve("u" + u, 10).orElseThrow();
        assertEquals(10, top.size());
        Set<Integer> seen = SyntheticRatings.seen(u);
        Set<Integer> distinct = new HashSet<>();
        for (int i = 0; i < top.size(); i++) {
          Recommendation r = top.get(i);
          assertFalse(seen.contains(r.item()), "u" + u + " was recommended rated item " + r.item());
          assertTrue(distinct.add(r.item()));
          if (i > 0) {
            assertTrue(top.get(i - 1).score() >= r.score(), "scores must not increase");
          }
        }
      }
    }
  }

  @Test
  void serve_kAboveCatalogue_returnsEveryUnseenItem() throws Exception {
    startCoordinator(1);
    try (PartnerApp app = app("partner-a", 0, 8)) {
      app.start();
      app.finished().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);

      List<Recommendation> all = app.serve("u0", 1000).orElseThrow();

      assertEquals(SyntheticRatings.ITEMS - SyntheticRatings.PER_USER, all.size());
    }
  }

  @Test
  void serve_beforeStart_isEmptySoThePlatformFallsBack() throws Exception {
    startCoordinator(1);
    try (PartnerApp app = app("partner-a", 0, 8)) {
      assertTrue(app.serve("u0", 5).isEmpty());
      assertTrue(app.servingModelVersion().isEmpty());
    }
  }

  @Test
  void serve_unknownUser_throwsIllegalArgument() throws Exception {
    startCoordinator(1);
    try (PartnerApp app = app("partner-a", 0, 8)) {
      app.start();
      app.finished().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);

      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> app.serve("nobody", 5));
      assertTrue(e.getMessage().contains("nobody"), e.getMessage());
    }
  }

  @Test
  void serve_kBelowOne_throwsIllegalArgument() throws Exception {
    startCoordinator(1);
    try (PartnerApp app = app("partner-a", 0, 8)) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> app.serve("u0", 0));
      assertEquals("k must be >= 1. Provided value: 0", e.getMessage());
    }
  }

  @Test
  void start_twoPartnersPerRound_bothFinishAndServeTheirOwnUsers() throws Exception {
    startCoordinator(2);
    try (PartnerApp a = app("partner-a", 0, 4); PartnerApp b = app("partner-b", 4, 8)) {
      a.start();
      b.start();

      assertEquals(ROUNDS, a.finished().get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
      assertEquals(ROUNDS, b.finished().get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
      assertEquals(ROUNDS, a.roundsParticipated());
      assertEquals(ROUNDS, b.roundsParticipated());
      for (Recommendation r : b.serve("u5", 5).orElseThrow()) {
        assertFalse(SyntheticRatings.seen(5).contains(r.item()));
      }
      assertThrows(IllegalArgumentException.class, () -> a.serve("u5", 5));
    }
  }

  @Test
  void close_beforeFinish_cancelsAndShutsDownThePlatformPools() throws Exception {
    startCoordinator(2); // one partner alone can never finish a round
    PartnerApp app = app("partner-a", 0, 8);
    app.start();

    app.close();

    assertTrue(app.scheduler().isTerminated());
    assertThrows(CancellationException.class, () -> app.finished().get(0, TimeUnit.SECONDS));
    app.close(); // idempotent
  }
}
