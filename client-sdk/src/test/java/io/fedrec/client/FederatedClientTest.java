package io.fedrec.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedrec.core.model.GlobalModel;
import io.fedrec.core.model.LocalTrainer;
import io.fedrec.core.model.ModelShape;
import io.fedrec.core.model.TrainingConfig;
import io.fedrec.core.model.UserRatings;
import io.fedrec.core.model.UserState;
import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FederatedClientTest {
  private static final ModelShape SHAPE = new ModelShape(30, 4);
  private static final TrainingConfig CONFIG = TrainingConfig.defaults(4);
  private static final RetryPolicy NO_JITTER = RetryPolicy.builder()
      .initialBackoff(Duration.ofMillis(100)).maxBackoff(Duration.ofSeconds(1)).multiplier(2)
      .maxAttempts(3).jitter(0).build();

  private final MapDataSource data = MapDataSource.builder()
      .user("alice", new int[] {0, 3, 7, 11}, new float[] {4, 5, 2, 3})
      .user("bob", new int[0], new float[0])
      .user("carol", new int[] {1, 3, 29}, new float[] {3, 4, 1})
      .build();
  private final RecordingListener listener = new RecordingListener();
  private final ManualScheduledExecutor executor = new ManualScheduledExecutor();
  private GlobalModel served;
  private FakeCoordinator fake;
  private InProcessCoordinator server;

  @BeforeEach
  void setUp() {
    SplittableRandom random = new SplittableRandom(17);
    float[] params = new float[SHAPE.numParameters()];
    for (int i = 0; i < params.length; i++) {
      params[i] = (float) (random.nextDouble() - 0.5);
    }
    params[SHAPE.muOffset()] = 3.5f;
    served = GlobalModel.of(3, SHAPE, params);
    fake = new FakeCoordinator();
    fake.model = served;
    server = new InProcessCoordinator(fake);
  }

  @AfterEach
  void tearDown() {
    server.close();
  }

  private FederatedClient.Builder builder() {
    return FederatedClient.builder()
        .clientId("client-1")
        .channel(server.channel())
        .dataSource(data)
        .executor(executor)
        .listener(listener)
        .rpcTimeout(Duration.ofSeconds(10))
        .retryPolicy(NO_JITTER);
  }

  // ---- builder validation ----

  @Test
  void build_missingClientId_throwsNamingSetter() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> builder().clientId(null).build());

    assertEquals("clientId must be 1 to 128 characters. Provided value: null", e.getMessage());
  }

  @Test
  void build_clientIdWithSpace_throwsNamingSetterAndValue() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> builder().clientId("a b").build());

    assertEquals("clientId may only contain [A-Za-z0-9._:-]. Provided value: \"a b\"",
        e.getMessage());
  }

  @Test
  void build_noChannelTargetOrTransport_throws() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> builder().channel(null).build());

    assertEquals("exactly one of channel, target or transport must be set. Provided: none",
        e.getMessage());
  }

  @Test
  void build_channelAndTarget_throwsNamingBoth() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> builder().target("localhost:1").build());

    assertEquals("exactly one of channel, target or transport must be set. Provided: channel, target",
        e.getMessage());
  }

  @Test
  void build_plaintextWithoutTarget_throws() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> builder().usePlaintext().build());

    assertEquals("usePlaintext() and credentials(...) apply only with target(...). Provided: channel",
        e.getMessage());
  }

  @Test
  void build_missingDataSource_throws() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> builder().dataSource(null).build());

    assertEquals("dataSource must be set. Provided value: null", e.getMessage());
  }

  @Test
  void build_zeroRpcTimeout_throws() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> builder().rpcTimeout(Duration.ZERO).build());

    assertEquals("rpcTimeout must be > 0. Provided value: PT0S", e.getMessage());
  }

  @Test
  void build_zeroMaxRounds_throws() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> builder().maxRounds(0).build());

    assertEquals("maxRounds must be >= 1. Provided value: 0", e.getMessage());
  }

  // ---- loop ----

  @Test
  void recommend_duringTheRoundThatDownloadedTheModel_servesItBeforeTraining() {
    fake.thenTask(FakeCoordinator.task(1, served, CONFIG, 64)).thenFinished(1);
    FederatedClient[] holder = new FederatedClient[1];
    List<Integer> servedDuringRound = new java.util.ArrayList<>();
    FederatedClient client = builder().listener(new ClientEventListener() {
      @Override
      public void onModelUpdated(long version) {
        // The loop thread is inside the step: training and upload have not happened yet.
        servedDuringRound.add(holder[0].recommend("alice", 1).size());
        assertEquals(served, holder[0].latestModel().orElseThrow());
      }
    }).build();
    holder[0] = client;

    client.start();
    executor.runUntilIdle(100);

    assertEquals(List.of(1), servedDuringRound);
    assertEquals(1L, client.finished().getNow(-1L));
  }

  @Test
  void start_coordinatorFinishes_completesFinishedAfterParticipating() {
    fake.thenRetry(500, "no_round_open")
        .thenTask(FakeCoordinator.task(1, served, CONFIG, 64))
        .thenTask(FakeCoordinator.task(2, served, CONFIG, 64))
        .thenFinished(2);
    FederatedClient client = builder().build();

    client.start();
    executor.runUntilIdle(100);

    assertEquals(2L, client.finished().getNow(-1L));
    assertEquals(2, client.roundsParticipated());
    assertEquals(served, client.latestModel().orElseThrow());
    assertEquals(List.of(Duration.ZERO, Duration.ofMillis(500), Duration.ZERO, Duration.ZERO),
        executor.delays);
    assertEquals(List.of(
        "checkIn client-1", "retry 500 no_round_open",
        "checkIn client-1", "taskReceived 1", "modelUpdated 3", "updateSubmitted 1 2",
        "checkIn client-1", "taskReceived 2", "updateSubmitted 2 2",
        "checkIn client-1", "finished 2"), listener.events);
    assertEquals(1, fake.downloads.size());
    assertEquals(0, executor.pending());
  }

  @Test
  void start_retryAfter_addsJitterFromInjectedRandom() {
    RetryPolicy policy = RetryPolicy.builder().jitter(0.5).build();
    fake.thenRetry(1000, "cohort_full").thenFinished(0);
    FederatedClient client = builder().retryPolicy(policy).random(new SplittableRandom(9)).build();

    client.start();
    executor.runUntilIdle(10);

    Duration expected = policy.withJitter(Duration.ofMillis(1000), new SplittableRandom(9));
    assertEquals(expected, executor.delays.get(1));
    assertTrue(expected.compareTo(Duration.ofMillis(1000)) > 0);
    assertTrue(listener.events.contains("retry " + expected.toMillis() + " cohort_full"));
  }

  @Test
  void start_maxRounds_finishesAfterThatManyParticipations() {
    fake.thenTask(FakeCoordinator.task(5, served, CONFIG, 64))
        .thenTask(FakeCoordinator.task(6, served, CONFIG, 64));
    FederatedClient client = builder().maxRounds(1).build();

    client.start();
    executor.runUntilIdle(10);

    assertEquals(5L, client.finished().getNow(-1L));
    assertEquals(1, fake.checkInRequests.size());
    assertEquals("finished 5", listener.events.get(listener.events.size() - 1));
  }

  @Test
  void start_repeatedUnavailable_backsOffExponentiallyAndReportsErrorAfterMaxAttempts() {
    fake.thenCheckInError(Status.UNAVAILABLE).thenCheckInError(Status.UNAVAILABLE)
        .thenCheckInError(Status.UNAVAILABLE).thenFinished(0);
    FederatedClient client = builder().build();

    client.start();
    executor.runUntilIdle(10);

    assertEquals(List.of(Duration.ZERO, Duration.ofMillis(100), Duration.ofMillis(200),
        Duration.ofMillis(400)), executor.delays);
    assertEquals(1, listener.errors.size());
    assertEquals(Status.Code.UNAVAILABLE, Status.fromThrowable(listener.errors.get(0)).getCode());
    assertEquals(0L, client.finished().getNow(-1L));
  }

  @Test
  void start_dataSourceThrows_reportsErrorAndKeepsLooping() {
    AtomicInteger calls = new AtomicInteger();
    LocalDataSource flaky = new LocalDataSource() {
      @Override
      public Collection<String> userIds() {
        if (calls.getAndIncrement() == 0) {
          throw new IllegalStateException("store offline");
        }
        return data.userIds();
      }

      @Override
      public UserRatings ratings(String userId) {
        return data.ratings(userId);
      }
    };
    fake.thenFinished(7);
    FederatedClient client = builder().dataSource(flaky).build();

    client.start();
    executor.runUntilIdle(10);

    assertEquals("store offline", listener.errors.get(0).getMessage());
    assertEquals(Duration.ofMillis(100), executor.delays.get(1));
    assertEquals(7L, client.finished().getNow(-1L));
  }

  @Test
  void start_twice_throwsIllegalState() {
    FederatedClient client = builder().build();
    client.start();

    assertThrows(IllegalStateException.class, client::start);
  }

  // ---- recommend ----

  private FederatedClient clientAfterOneRound() {
    return clientAfterOneRound(builder());
  }

  private FederatedClient clientAfterOneRound(FederatedClient.Builder builder) {
    fake.thenTask(FakeCoordinator.task(1, served, CONFIG, 64)).thenFinished(1);
    FederatedClient client = builder.build();
    client.start();
    executor.runUntilIdle(10);
    return client;
  }

  /** Scores every unrated item with the reconstructed user and sorts: the reference ranking. */
  private List<Recommendation> bruteForce(String user, int k) {
    UserRatings ratings = data.ratings(user);
    UserState state = new LocalTrainer(CONFIG).reconstruct(served, ratings);
    boolean[] seen = new boolean[SHAPE.numItems()];
    for (int j = 0; j < ratings.size(); j++) {
      seen[ratings.item(j)] = true;
    }
    List<Recommendation> all = new ArrayList<>();
    for (int item = 0; item < SHAPE.numItems(); item++) {
      if (!seen[item]) {
        all.add(new Recommendation(item, state.score(served, item)));
      }
    }
    all.sort(Comparator.comparing(Recommendation::score).reversed()
        .thenComparing(Recommendation::item));
    return all.subList(0, Math.min(k, all.size()));
  }

  @Test
  void recommend_afterModel_excludesRatedItemsAndMatchesBruteForce() {
    FederatedClient client = clientAfterOneRound();

    List<Recommendation> top = client.recommend("alice", 10);

    assertEquals(bruteForce("alice", 10), top);
    for (Recommendation r : top) {
      assertFalse(List.of(0, 3, 7, 11).contains(r.item()), "rated item " + r.item());
    }
  }

  @Test
  void recommend_withFilters_excludesAndRestrictsAndCanIncludeSeen() {
    FederatedClient client = clientAfterOneRound();
    List<Recommendation> all = bruteForce("alice", SHAPE.numItems());
    int best = all.get(0).item();
    List<Recommendation> excluded = client.recommend("alice", 5,
        RecommendationFilter.builder().exclude(best).build());
    assertEquals(all.subList(1, 6), excluded);
    // candidates: only three items, one of them rated (0), which stays excluded
    List<Recommendation> some = client.recommend("alice", 5,
        RecommendationFilter.builder().candidates(0, 1, 2).build());
    assertEquals(2, some.size());
    for (Recommendation r : some) {
      assertTrue(r.item() == 1 || r.item() == 2, r.toString());
    }
    // includeSeen: rated items compete again, scored like the others
    List<Recommendation> withSeen = client.recommend("alice", SHAPE.numItems(),
        RecommendationFilter.builder().includeSeen().build());
    assertEquals(SHAPE.numItems(), withSeen.size());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> client.recommend("alice", 3, RecommendationFilter.builder().candidates(-1).build()));
    assertEquals("candidates item ids must be in [0, " + SHAPE.numItems() + "). Provided value: -1",
        e.getMessage());
  }

  @Test
  void score_matchesTheRankingScores() {
    FederatedClient client = clientAfterOneRound();
    List<Recommendation> top = bruteForce("carol", 4);
    int[] items = top.stream().mapToInt(Recommendation::item).toArray();
    float[] scores = client.score("carol", items);
    for (int j = 0; j < items.length; j++) {
      assertEquals(top.get(j).score(), scores[j]);
    }
    assertThrows(IllegalArgumentException.class,
        () -> client.score("carol", SHAPE.numItems()));
    assertThrows(IllegalArgumentException.class, () -> client.score("nobody", 1));
  }

  @Test
  void recommendAll_equalsPerUserRecommendations() {
    FederatedClient client = clientAfterOneRound();
    RecommendationFilter filter = RecommendationFilter.builder().exclude(5).build();
    java.util.Map<String, List<Recommendation>> batch =
        client.recommendAll(List.of("carol", "alice", "bob"), 6, filter);
    assertEquals(List.of("carol", "alice", "bob"), List.copyOf(batch.keySet()));
    for (String user : batch.keySet()) {
      assertEquals(client.recommend(user, 6, filter), batch.get(user), user);
    }
  }

  @Test
  void recommendAll_severalBlocksOfUsersAndItems_equalsPerUserRecommendations() {
    ModelShape shape = new ModelShape(FederatedClient.SCORE_BLOCK_ITEMS + 37, 4);
    served = RandomModels.model(shape, 23);
    fake.model = served;
    fake.downloadChunkFloats = 4096;
    SplittableRandom random = new SplittableRandom(23);
    MapDataSource.Builder many = MapDataSource.builder();
    List<String> ids = new ArrayList<>();
    for (int u = 0; u < FederatedClient.SCORE_BLOCK_USERS + 3; u++) {
      String id = "user-" + u;
      ids.add(id);
      if (u % 10 == 0) {
        many.user(id, new int[0], new float[0]);
      } else {
        many.user(id, new int[] {u, 300 + u, shape.numItems() - 1 - u},
            new float[] {1 + random.nextInt(5), 1 + random.nextInt(5), 1 + random.nextInt(5)});
      }
    }
    FederatedClient client = clientAfterOneRound(builder().dataSource(many.build()));
    RecommendationFilter filter = RecommendationFilter.builder().exclude(2, 4100).build();

    java.util.Map<String, List<Recommendation>> batch = client.recommendAll(ids, 10, filter);

    assertEquals(ids, List.copyOf(batch.keySet()));
    for (String user : ids) {
      assertEquals(client.recommend(user, 10, filter), batch.get(user), user);
    }
  }

  @Test
  void recommendAll_customBackend_ranksByItsScores() {
    ScoringBackend byLowestItem = (model, users, itemFrom, itemTo, scores) -> {
      for (int u = 0; u < users.size(); u++) {
        for (int item = itemFrom; item < itemTo; item++) {
          scores[u * (itemTo - itemFrom) + item - itemFrom] = -item;
        }
      }
    };
    FederatedClient client = clientAfterOneRound(builder().scoringBackend(byLowestItem));

    java.util.Map<String, List<Recommendation>> batch =
        client.recommendAll(List.of("alice", "bob"), 3, RecommendationFilter.DEFAULT);

    // alice rated 0, 3, 7 and 11; bob rated nothing
    assertEquals(List.of(new Recommendation(1, -1f), new Recommendation(2, -2f),
        new Recommendation(4, -4f)), batch.get("alice"));
    assertEquals(List.of(new Recommendation(0, 0f), new Recommendation(1, -1f),
        new Recommendation(2, -2f)), batch.get("bob"));
  }

  @Test
  void scoringBackend_null_throwsNamingIt() {
    NullPointerException e = assertThrows(NullPointerException.class,
        () -> builder().scoringBackend(null));

    assertEquals("scoringBackend", e.getMessage());
  }

  @Test
  void recommend_kCoversCatalogue_returnsAllUnratedItems() {
    FederatedClient client = clientAfterOneRound();

    List<Recommendation> all = client.recommend("carol", SHAPE.numItems());

    assertEquals(SHAPE.numItems() - 3, all.size());
    assertEquals(bruteForce("carol", SHAPE.numItems()), all);
  }

  @Test
  void recommend_userWithoutRatings_ranksByItemBias() {
    FederatedClient client = clientAfterOneRound();

    List<Recommendation> top = client.recommend("bob", 5);

    List<Recommendation> byBias = new ArrayList<>();
    for (int item = 0; item < SHAPE.numItems(); item++) {
      byBias.add(new Recommendation(item, served.itemBias(item)));
    }
    byBias.sort(Comparator.comparing(Recommendation::score).reversed()
        .thenComparing(Recommendation::item));
    assertEquals(byBias.subList(0, 5), top);
  }

  @Test
  void recommend_beforeFirstModel_throwsIllegalState() {
    FederatedClient client = builder().build();

    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> client.recommend("alice", 3));

    assertTrue(e.getMessage().startsWith("no global model yet"), e.getMessage());
  }

  @Test
  void recommend_unknownUser_throwsIllegalArgument() {
    FederatedClient client = clientAfterOneRound();

    assertThrows(IllegalArgumentException.class, () -> client.recommend("mallory", 3));
  }

  @Test
  void recommend_kAboveNumItems_throwsNamingK() {
    FederatedClient client = clientAfterOneRound();

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> client.recommend("alice", 31));

    assertEquals("k must be in [1, 30]. Provided value: 31", e.getMessage());
  }

  // ---- close ----

  @Test
  void close_calledTwice_isIdempotentAndLeavesCallerExecutorRunning() {
    fake.thenRetry(1000, "no_round_open");
    FederatedClient client = builder().build();
    client.start();
    executor.runUntilIdle(1);

    client.close();
    client.close();

    assertFalse(executor.isShutdown());
    assertEquals(0, executor.pending());
    assertThrows(CancellationException.class, () -> client.finished().join());
    assertThrows(IllegalStateException.class, client::start);
  }

  @Test
  void close_ownedExecutor_isIdempotent() {
    FederatedClient client = builder().executor(null).build();

    client.close();
    client.close();

    assertTrue(client.finished().isCompletedExceptionally());
  }
}
