package io.fedrec.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.fedrec.core.model.Feedback;
import io.fedrec.core.model.GlobalModel;
import io.fedrec.core.model.LocalTrainer;
import io.fedrec.core.model.ModelShape;
import io.fedrec.core.model.TrainingConfig;
import io.fedrec.core.model.UserRatings;
import io.fedrec.core.model.UserState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A federation announcing implicit feedback: the client trains and serves weighted MF. */
class FederatedClientImplicitTest {
  private static final ModelShape SHAPE = new ModelShape(30, 4);
  private static final TrainingConfig IMPLICIT = TrainingConfig.defaults(4, Feedback.IMPLICIT);

  private final MapDataSource data = MapDataSource.builder()
      .user("alice", new int[] {0, 3, 7, 11}, new float[] {1, 1, 1, 1})
      .user("carol", new int[] {1, 3, 29}, new float[] {1, 1, 1})
      .build();
  private final ManualScheduledExecutor executor = new ManualScheduledExecutor();
  private GlobalModel served;
  private FakeCoordinator fake;
  private InProcessCoordinator server;

  @BeforeEach
  void setUp() {
    SplittableRandom random = new SplittableRandom(23);
    float[] params = new float[SHAPE.numParameters()];
    for (int i = 0; i < params.length; i++) {
      params[i] = (float) (random.nextDouble() - 0.5);
    }
    params[SHAPE.muOffset()] = 0f;
    served = GlobalModel.of(3, SHAPE, params);
    fake = new FakeCoordinator();
    fake.model = served;
    server = new InProcessCoordinator(fake);
  }

  @AfterEach
  void tearDown() {
    server.close();
  }

  private FederatedClient clientAfterOneRound() {
    fake.thenTask(FakeCoordinator.task(1, served, IMPLICIT, 64)).thenFinished(1);
    FederatedClient client = FederatedClient.builder()
        .clientId("client-1")
        .channel(server.channel())
        .dataSource(data)
        .executor(executor)
        .rpcTimeout(Duration.ofSeconds(10))
        .build();
    client.start();
    executor.runUntilIdle(10);
    return client;
  }

  @Test
  void step_implicitTask_submitsSumOfImplicitUpdatesPlusPrior() {
    clientAfterOneRound();

    float[] expected = new float[SHAPE.numParameters()];
    LocalTrainer trainer = new LocalTrainer(IMPLICIT);
    trainer.accumulateUserUpdate(served, data.ratings("alice"), expected);
    trainer.accumulateUserUpdate(served, data.ratings("carol"), expected);
    trainer.addWeightDecay(served, expected, 2);
    float[] submitted = fake.uploads.get(0).values();
    assertEquals(expected.length, submitted.length);
    for (int x = 0; x < expected.length; x++) {
      assertEquals(expected[x], submitted[x], 1e-7f, "coordinate " + x);
      assertNotEquals(0f, submitted[x], "coordinate " + x);
    }
  }

  @Test
  void recommend_implicitTask_ranksByImplicitSolveExcludingSeen() {
    FederatedClient client = clientAfterOneRound();

    List<Recommendation> top = client.recommend("alice", 8);

    UserRatings ratings = data.ratings("alice");
    UserState state = new LocalTrainer(IMPLICIT).reconstruct(served, ratings);
    List<Recommendation> all = new ArrayList<>();
    for (int item = 0; item < SHAPE.numItems(); item++) {
      if (!List.of(0, 3, 7, 11).contains(item)) {
        all.add(new Recommendation(item, served.itemBias(item) + served.dot(item, state.factors())));
      }
    }
    all.sort(Comparator.comparing(Recommendation::score).reversed()
        .thenComparing(Recommendation::item));
    assertEquals(all.subList(0, 8), top);
    for (Recommendation r : top) {
      assertFalse(List.of(0, 3, 7, 11).contains(r.item()), "rated item " + r.item());
    }
    // the explicit ridge solve on the same data is a different user vector
    UserState explicit = new LocalTrainer(TrainingConfig.defaults(4)).reconstruct(served, ratings);
    assertNotEquals(explicit.factors()[0], state.factors()[0]);
  }
}
