package io.fedrec.simulator.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedrec.simulator.baseline.CentralizedMf;
import io.fedrec.simulator.data.DataSets;
import io.fedrec.simulator.data.RatingsData;
import io.fedrec.simulator.data.Split;
import io.fedrec.simulator.data.SyntheticConfig;
import io.fedrec.simulator.data.SyntheticDataset;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A trained model against the popularity baseline on synthetic data, under leave-one-out with 99
 * negatives, all seeds fixed (the outcomes below are deterministic, not statistical).
 */
class RankingSyntheticTest {
  private static final List<MetricSpec> METRICS =
      MetricSpec.parseList("hr@10,ndcg@10,precision@5,recall@20,map@10,mrr,coverage@10,"
          + "diversity@10,popularity@10");

  private static ExecutorService pool;

  @BeforeAll
  static void startPool() {
    pool = Executors.newFixedThreadPool(2);
  }

  @AfterAll
  static void shutdownPool() throws InterruptedException {
    pool.shutdownNow();
    pool.awaitTermination(10, TimeUnit.SECONDS);
  }

  /**
   * Implicit interactions with a latent structure: 400 users and 200 items in 4 groups (item
   * {@code i} in group {@code i % 4}, user {@code u} in group {@code u % 4}); each user
   * interacts with 24 distinct items, each from its own group with probability 0.8 and otherwise
   * from the whole catalogue, uniformly; random timestamps. Popularity carries no signal beyond
   * sampling noise, the group does.
   */
  private static RatingsData clustered(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int users = 400;
    int items = 200;
    RatingsData.Builder b = RatingsData.builder(users, items);
    for (int u = 0; u < users; u++) {
      boolean[] taken = new boolean[items];
      for (int n = 0; n < 24; ) {
        int i = r.nextDouble() < 0.8 ? 4 * r.nextInt(items / 4) + u % 4 : r.nextInt(items);
        if (!taken[i]) {
          taken[i] = true;
          b.add(u, i, 1f, 1 + r.nextInt(1_000_000));
          n++;
        }
      }
    }
    return b.build();
  }

  /**
   * Explicit MF needs non-interactions to learn a ranking from implicit data: the positives
   * (rating 1) plus as many negatives (rating 0) drawn per user from the items not in its
   * training positives — the held-out item may be drawn, as the model cannot know it.
   */
  private static RatingsData withSampledNegatives(RatingsData positives, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    RatingsData.Builder b = RatingsData.builder(positives.numUsers(), positives.numItems());
    for (int u = 0; u < positives.numUsers(); u++) {
      boolean[] taken = new boolean[positives.numItems()];
      for (int j = 0; j < positives.userSize(u); j++) {
        taken[positives.item(u, j)] = true;
        b.add(u, positives.item(u, j), 1f);
      }
      for (int n = 0; n < positives.userSize(u); ) {
        int i = r.nextInt(positives.numItems());
        if (!taken[i]) {
          taken[i] = true;
          b.add(u, i, 0f);
          n++;
        }
      }
    }
    return b.build();
  }

  @Test
  void evaluate_clusteredImplicitData_trainedModelBeatsPopularityOnHr10() {
    RatingsData all = clustered(7L);
    Split loo = DataSets.leaveOneOut(
        new Split("clustered", "all", all, RatingsData.builder(400, 200).build()), 1L);
    RankingProtocol p = RankingProtocol.leaveOneOut(loo, RankingProtocol.DEFAULT_NEGATIVES, 2L);
    RatingsData train = withSampledNegatives(loo.train(), 3L);
    CentralizedMf mf = CentralizedMf.fit(train, CentralizedMf.Params.defaults().withRank(4), pool);
    Map<String, Double> model = RankingEvaluator.evaluate(
        mf.toGlobalModel(), mf.trainingConfig(), train, p, METRICS, pool);
    Map<String, Double> pop = RankingEvaluator.evaluate(
        PopularityRanker.fit(loo.train()), loo.train(), p, METRICS, pool);
    System.out.println("clustered loo, MF with sampled negatives: " + model);
    System.out.println("clustered loo, popularity: " + pop);
    assertTrue(model.get("hr@10") > pop.get("hr@10") + 0.2, model + " vs " + pop);
  }

  @Test
  void evaluate_syntheticDefaultGenerator_popularityBeatsExplicitMfOnHr10() {
    // SyntheticDataset draws which items a user rates by item popularity alone, independent of
    // the user's factors (its p_u . q_i only shapes the rating values). Popularity is then the
    // best possible ranker of the held-out interaction, and an MF fitted to rating values ranks
    // by predicted rating, which the generator does not tie to being interacted with.
    Split s = SyntheticDataset.generate(
        SyntheticConfig.builder().numUsers(600).numItems(300).seed(42).build());
    Split loo = DataSets.leaveOneOut(s, 1L);
    RankingProtocol p = RankingProtocol.leaveOneOut(loo, RankingProtocol.DEFAULT_NEGATIVES, 2L);
    CentralizedMf mf = CentralizedMf.fit(loo.train(), CentralizedMf.Params.defaults(), pool);
    Map<String, Double> model = RankingEvaluator.evaluate(
        mf.toGlobalModel(), mf.trainingConfig(), loo.train(), p, METRICS, pool);
    Map<String, Double> pop = RankingEvaluator.evaluate(
        PopularityRanker.fit(loo.train()), loo.train(), p, METRICS, pool);
    System.out.println("synthetic loo, explicit ALS MF: " + model);
    System.out.println("synthetic loo, popularity: " + pop);
    assertTrue(pop.get("hr@10") > model.get("hr@10"), model + " vs " + pop);
    // the popularity ranker shows the same few items to everyone
    assertTrue(pop.get("coverage@10") < model.get("coverage@10"), model + " vs " + pop);
    assertTrue(pop.get("popularity@10") > model.get("popularity@10"), model + " vs " + pop);
  }

  @Test
  void evaluate_withAndWithoutPool_bitIdentical() {
    Split s = SyntheticDataset.generate(
        SyntheticConfig.builder().numUsers(500).numItems(300).seed(9).build());
    CentralizedMf mf = CentralizedMf.fit(s.train(), CentralizedMf.Params.defaults(), null);
    RankingProtocol full =
        RankingProtocol.fullCatalogue(s, RankingProtocol.EXPLICIT_RELEVANCE_THRESHOLD);
    Map<String, Double> sequential = RankingEvaluator.evaluate(
        mf.toGlobalModel(), mf.trainingConfig(), s.train(), full, METRICS, null);
    Map<String, Double> parallel = RankingEvaluator.evaluate(
        mf.toGlobalModel(), mf.trainingConfig(), s.train(), full, METRICS, pool);
    assertEquals(sequential, parallel);
    assertTrue(sequential.values().stream().noneMatch(v -> v.isNaN()), sequential.toString());
  }
}
