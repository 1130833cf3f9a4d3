package io.fedrec.scoring.nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedrec.client.FakeCoordinator;
import io.fedrec.client.FederatedClient;
import io.fedrec.client.InProcessCoordinator;
import io.fedrec.client.ManualScheduledExecutor;
import io.fedrec.client.MapDataSource;
import io.fedrec.client.RandomModels;
import io.fedrec.client.Recommendation;
import io.fedrec.client.RecommendationFilter;
import io.fedrec.client.ScoringBackend;
import io.fedrec.core.model.GlobalModel;
import io.fedrec.core.model.ModelShape;
import io.fedrec.core.model.TrainingConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@code recommendAll} through {@link Nd4jScoringBackend} against the plain-Java default. */
class Nd4jRecommendAllTest {
  private static final int RANK = 16;

  @Test
  void recommendAll_nd4jBackend_equalsDefaultTopKUpToNearTies() {
    // Three blocks of users (128 + 128 + 44) and two of items (4096 + 904), some users new.
    ModelShape shape = new ModelShape(5000, RANK);
    GlobalModel model = RandomModels.model(shape, 31);
    MapDataSource.Builder data = MapDataSource.builder();
    SplittableRandom random = new SplittableRandom(32);
    List<String> ids = new ArrayList<>();
    for (int u = 0; u < 300; u++) {
      String id = "user-" + u;
      ids.add(id);
      int rated = u % 7 == 0 ? 0 : 5;
      int[] items = new int[rated];
      float[] ratings = new float[rated];
      for (int j = 0; j < rated; j++) {
        items[j] = j * 1000 + random.nextInt(1000);
        ratings[j] = 1 + random.nextInt(5);
      }
      data.user(id, items, ratings);
    }
    RecommendationFilter filter = RecommendationFilter.builder().exclude(17, 4095, 4096).build();
    FederatedClient plain = clientWithModel(model, data.build(), ScoringBackend.plainJava());
    FederatedClient nd4j = clientWithModel(model, data.build(), new Nd4jScoringBackend());

    Map<String, List<Recommendation>> expected = plain.recommendAll(ids, 20, filter);
    Map<String, List<Recommendation>> actual = nd4j.recommendAll(ids, 20, filter);

    assertEquals(List.copyOf(expected.keySet()), List.copyOf(actual.keySet()));
    for (String id : ids) {
      List<Recommendation> e = expected.get(id);
      List<Recommendation> a = actual.get(id);
      assertEquals(e.size(), a.size(), id);
      for (int j = 0; j < e.size(); j++) {
        assertEquals(e.get(j).score(), a.get(j).score(), Nd4jScoringBackendTest.TOLERANCE,
            id + " rank " + j);
        if (e.get(j).item() != a.get(j).item()) {
          // Only a near-tie may swap: the exact score of nd4j's item is within tolerance.
          float exact = plain.score(id, a.get(j).item())[0];
          assertEquals(e.get(j).score(), exact, 2 * Nd4jScoringBackendTest.TOLERANCE,
              id + " rank " + j + ": item " + a.get(j).item() + " instead of " + e.get(j).item());
        }
      }
    }
    plain.close();
    nd4j.close();
  }

  /** A client that has downloaded {@code model} in one round of a fake coordinator. */
  private static FederatedClient clientWithModel(
      GlobalModel model, MapDataSource data, ScoringBackend backend) {
    FakeCoordinator fake = new FakeCoordinator();
    fake.model = model;
    fake.downloadChunkFloats = 1 << 14;
    fake.thenTask(FakeCoordinator.task(1, model, TrainingConfig.defaults(RANK), 1 << 16))
        .thenFinished(1);
    InProcessCoordinator server = new InProcessCoordinator(fake);
    ManualScheduledExecutor executor = new ManualScheduledExecutor();
    FederatedClient client = FederatedClient.builder()
        .clientId("nd4j-test")
        .channel(server.channel())
        .dataSource(data)
        .executor(executor)
        .rpcTimeout(Duration.ofSeconds(30))
        .scoringBackend(backend)
        .build();
    client.start();
    executor.runUntilIdle(10);
    server.close();
    assertTrue(client.latestModel().isPresent(), "the client has the model");
    return client;
  }
}
