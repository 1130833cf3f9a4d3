package io.fedrec.simulator.eval;

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
import io.fedrec.simulator.data.RatingsData;
import io.fedrec.simulator.data.Split;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The hand example: 6 items, full-catalogue protocol with threshold 4, a fixed-score ranker.
 *
 * <ul>
 *   <li>user 0: train {0}; test 2 (5), 4 (4), 3 (2, not relevant); scores {@code 6 - i}, so the
 *       candidates 1..5 rank 1, 2, 3, 4, 5 and hits = [F, T, F, T, F], R = 2.
 *   <li>user 1: train {5}; test 1 (4); scores {@code i + 1}, so the candidates 0..4 rank 4, 3,
 *       2, 1, 0 and hits = [F, F, F, T, F], R = 1.
 *   <li>users 2 (train {1, 2}) and 3 (train {1}) have no test item: not evaluated, but their
 *       ratings count for popularity: counts item 0: 1, 1: 2, 2: 1, 5: 1, others 0; max 2.
 * </ul>
 *
 * Item space (rank 2): q0 = q5 = 0, q1 = (1, 0), q2 = (0, 1), q3 = (1, 1), q4 = (2, 2).
 */
class RankingEvaluatorTest {
  private static final double D3 = 1 / (Math.log(3) / Math.log(2));
  private static final double INV_SQRT2 = 1 / Math.sqrt(2);

  private ExecutorService pool;

  @AfterEach
  void shutdownPool() throws InterruptedException {
    if (pool != null) {
      pool.shutdownNow();
      pool.awaitTermination(10, TimeUnit.SECONDS);
    }
  }

  /** Fixed scores per user; item space optional. */
  private record FixedRanker(float[][] scores, GlobalModel itemSpace) implements Ranker {
    @Override
    public int numItems() {
      return scores[0].length;
    }

    @Override
    public Scorer newScorer() {
      return (user, train, out) -> System.arraycopy(scores[user], 0, out, 0, out.length);
    }
  }

  private static GlobalModel space(float[] factors, int numItems, int rank) {
    float[] params = new float[new ModelShape(numItems, rank).numParameters()];
    System.arraycopy(factors, 0, params, 0, factors.length);
    return GlobalModel.of(0, new ModelShape(numItems, rank), params);
  }

  private static final RatingsData TRAIN = RatingsData.builder(4, 6)
      .add(0, 0, 5f).add(1, 5, 3f).add(2, 1, 4f).add(2, 2, 4f).add(3, 1, 2f).build();
  private static final RatingsData TEST = RatingsData.builder(4, 6)
      .add(0, 2, 5f).add(0, 4, 4f).add(0, 3, 2f).add(1, 1, 4f).build();
  private static final float[][] SCORES = {
    {6, 5, 4, 3, 2, 1}, {1, 2, 3, 4, 5, 6}, {0, 0, 0, 0, 0, 0}, {0, 0, 0, 0, 0, 0}
  };
  private static final GlobalModel SPACE =
      space(new float[] {0, 0, 1, 0, 0, 1, 1, 1, 2, 2, 0, 0}, 6, 2);

  private static Map<String, Double> handResult(String metrics) {
    RankingProtocol full = RankingProtocol.fullCatalogue(
        new Split("hand", "random", TRAIN, TEST), RankingProtocol.EXPLICIT_RELEVANCE_THRESHOLD);
    return RankingEvaluator.evaluate(
        new FixedRanker(SCORES, SPACE), TRAIN, full, MetricSpec.parseList(metrics), null);
  }

  @Test
  void evaluate_handExample_accuracyMeansOverEvaluatedUsers() {
    Map<String, Double> m = handResult("hr@2,ndcg@2,precision@2,recall@2,map@2,mrr");
    // HR@2: user 0 hit at rank 2, user 1 none -> (1 + 0) / 2
    assertEquals(0.5, m.get("hr@2"), 1e-12);
    // NDCG@2: user 0 DCG 1/log2(3), IDCG over min(2, 2) ranks 1 + 1/log2(3); user 1 0
    assertEquals(D3 / (1 + D3) / 2, m.get("ndcg@2"), 1e-12);
    // Precision@2: (1/2 + 0) / 2; Recall@2: (1/2 + 0/1) / 2
    assertEquals(0.25, m.get("precision@2"), 1e-12);
    assertEquals(0.25, m.get("recall@2"), 1e-12);
    // MAP@2: user 0 (1/2) / min(2, 2) = 1/4; user 1 0 -> 1/8
    assertEquals(0.125, m.get("map@2"), 1e-12);
    // MRR: (1/2 + 1/4) / 2
    assertEquals(0.375, m.get("mrr"), 1e-12);
  }

  @Test
  void evaluate_handExample_keysInRequestedOrder() {
    assertEquals(
        List.of("mrr", "hr@2", "coverage@2"),
        List.copyOf(handResult("mrr,hr@2,coverage@2").keySet()));
  }

  @Test
  void evaluate_handExample_coverageIsUnionOfShownListsOverCatalogue() {
    // top-2 lists {1, 2} and {4, 3}: 4 distinct of 6 items; top-1 {1} and {4}: 2 of 6
    Map<String, Double> m = handResult("coverage@2,coverage@1,coverage@10");
    assertEquals(4.0 / 6, m.get("coverage@2"), 1e-12);
    assertEquals(2.0 / 6, m.get("coverage@1"), 1e-12);
    // K = 10 > 5 candidates: everything but a user's own training item is shown -> all 6
    assertEquals(1.0, m.get("coverage@10"), 1e-12);
  }

  @Test
  void evaluate_handExample_popularityIsMeanRelativeCount() {
    // user 0 top-2 {1, 2}: (2/2 + 1/2) / 2 = 0.75; user 1 top-2 {4, 3}: 0 -> mean 0.375
    assertEquals(0.375, handResult("popularity@2").get("popularity@2"), 1e-12);
  }

  @Test
  void evaluate_handExample_diversityIsMeanPairwiseCosineDistance() {
    Map<String, Double> m = handResult("diversity@2,diversity@3");
    // top-2: user 0 {1, 2} orthogonal -> 1; user 1 {4, 3} parallel -> 0; mean 0.5
    assertEquals(0.5, m.get("diversity@2"), 1e-9);
    // top-3: user 0 {1, 2, 3}: distances 1, 1 - 1/sqrt2, 1 - 1/sqrt2 -> (3 - sqrt2) / 3;
    // user 1 {4, 3, 2}: 0, 1 - 1/sqrt2, 1 - 1/sqrt2 -> (2 - sqrt2) / 3
    double user0 = (1 + 2 * (1 - INV_SQRT2)) / 3;
    double user1 = (2 * (1 - INV_SQRT2)) / 3;
    assertEquals((user0 + user1) / 2, m.get("diversity@3"), 1e-9);
  }

  @Test
  void evaluate_diversityWithZeroVector_countsAsOrthogonal() {
    // items 0 (zero vector), 1 and 2 (both (1, 0)); scores rank 0, 1, 2
    RatingsData train = RatingsData.builder(1, 3).build();
    RatingsData test = RatingsData.builder(1, 3).add(0, 1, 5f).build();
    RankingProtocol p = RankingProtocol.fullCatalogue(
        new Split("t", "r", train, test), RankingProtocol.ANY_RATING);
    Ranker ranker = new FixedRanker(
        new float[][] {{3, 2, 1}}, space(new float[] {0, 0, 1, 0, 1, 0}, 3, 2));
    Map<String, Double> m = RankingEvaluator.evaluate(
        ranker, train, p, MetricSpec.parseList("diversity@2,diversity@3,diversity@1"), null);
    // {0, 1}: distance 1; {0, 1, 2}: 1, 1, 0 -> 2/3; a one-item list has no pair -> NaN
    assertEquals(1.0, m.get("diversity@2"), 1e-12);
    assertEquals(2.0 / 3, m.get("diversity@3"), 1e-12);
    assertTrue(m.get("diversity@1").isNaN());
  }

  @Test
  void evaluate_noItemSpace_diversityNaN() {
    RankingProtocol full = RankingProtocol.fullCatalogue(
        new Split("hand", "random", TRAIN, TEST), RankingProtocol.EXPLICIT_RELEVANCE_THRESHOLD);
    Map<String, Double> m = RankingEvaluator.evaluate(
        new FixedRanker(SCORES, null), TRAIN, full, MetricSpec.parseList("diversity@3"), null);
    assertTrue(m.get("diversity@3").isNaN());
  }

  @Test
  void evaluate_looCandidatesButShownListFromWholeCatalogue() {
    // user 0: train {0}, held out 1, one negative. Item 19 scores highest: it is shown first
    // (popularity@1 = count(19) / max = 1) although it is not a candidate.
    RatingsData.Builder b = RatingsData.builder(2, 20).add(0, 0, 1f).add(1, 19, 1f);
    RatingsData train = b.build();
    RatingsData test = RatingsData.builder(2, 20).add(0, 1, 1f).build();
    RankingProtocol p = RankingProtocol.leaveOneOut(new Split("t", "loo", train, test), 1, 5L);
    int[] candidates = p.candidates(0);
    assertEquals(2, candidates.length);
    assertFalse(candidates[1] == 19, "precondition: seed draws a negative other than 19");
    float[] scores = new float[20];
    scores[19] = 10;
    scores[1] = 5;
    Map<String, Double> m = RankingEvaluator.evaluate(
        new FixedRanker(new float[][] {scores, scores}, null), train, p,
        MetricSpec.parseList("hr@1,popularity@1,coverage@1"), null);
    assertEquals(1.0, m.get("hr@1"));
    assertEquals(1.0, m.get("popularity@1"));
    assertEquals(1.0 / 20, m.get("coverage@1"));
  }

  @Test
  void evaluate_constantScores_looHitRateZeroButListsStillShown() {
    RatingsData train = RatingsData.builder(1, 200).add(0, 0, 1f).build();
    RatingsData test = RatingsData.builder(1, 200).add(0, 1, 1f).build();
    RankingProtocol p = RankingProtocol.leaveOneOut(new Split("t", "loo", train, test), 99, 1L);
    Map<String, Double> m = RankingEvaluator.evaluate(
        new FixedRanker(new float[1][200], null), train, p,
        MetricSpec.parseList("hr@10,mrr,coverage@10"), null);
    assertEquals(0.0, m.get("hr@10"));
    assertEquals(1.0 / 100, m.get("mrr"), 1e-12);
    assertEquals(10.0 / 200, m.get("coverage@10"), 1e-12);
  }

  @Test
  void modelRanker_scores_areReconstructedUserScores() {
    TrainingConfig config = new TrainingConfig(1, 1f, 1f, 0.1f, 1, 0.05f, 1f, 5f, 1e-4f);
    GlobalModel model =
        GlobalModel.of(0, new ModelShape(3, 1), new float[] {1f, 0.5f, -1f, 0f, 0.5f, 0.2f, 3f});
    RatingsData train = RatingsData.builder(2, 3).add(0, 0, 5f).add(0, 2, 1f).build();
    Ranker.Scorer scorer = Ranker.of(model, config).newScorer();
    float[] scores = new float[3];
    scorer.score(0, train.user(0), scores);
    UserState state = new LocalTrainer(config).reconstruct(model, train.user(0));
    for (int i = 0; i < 3; i++) {
      assertEquals(state.score(model, i), scores[i]);
    }
    // no training ratings: p = 0, b_u = 0, the score is the item bias
    scorer.score(1, train.user(1), scores);
    assertEquals(0f, scores[0]);
    assertEquals(0.5f, scores[1]);
    assertEquals(0.2f, scores[2]);
  }

  @Test
  void modelRanker_rankMismatch_rejected() {
    GlobalModel model = GlobalModel.of(0, new ModelShape(2, 1), new float[] {1f, 0.5f, 0f, 0f, 3f});
    assertThrows(IllegalArgumentException.class,
        () -> Ranker.of(model, TrainingConfig.defaults(2)));
  }

  @Test
  void popularityRanker_scoresAreTrainingCounts() {
    PopularityRanker pop = PopularityRanker.fit(TRAIN);
    float[] scores = new float[6];
    pop.newScorer().score(0, UserRatings.of(new int[0], new float[0]), scores);
    assertEquals(2f, scores[1]);
    assertEquals(0f, scores[3]);
    assertEquals(2, pop.popularity(1));
    assertEquals(6, pop.numItems());
  }

  @Test
  void evaluate_mismatchedSizesOrNoMetrics_rejected() {
    RankingProtocol full = RankingProtocol.fullCatalogue(
        new Split("hand", "random", TRAIN, TEST), RankingProtocol.ANY_RATING);
    RatingsData other = RatingsData.builder(4, 7).build();
    assertThrows(IllegalArgumentException.class, () -> RankingEvaluator.evaluate(
        new FixedRanker(SCORES, null), other, full, MetricSpec.parseList("hr@1"), null));
    assertThrows(IllegalArgumentException.class, () -> RankingEvaluator.evaluate(
        new FixedRanker(SCORES, null), TRAIN, full, List.of(), null));
    assertThrows(IllegalArgumentException.class, () -> RankingEvaluator.evaluate(
        new FixedRanker(new float[][] {{1, 2}}, null), TRAIN, full,
        MetricSpec.parseList("hr@1"), null));
  }

  @Test
  void evaluate_noEvaluatedUser_allNaN() {
    RatingsData empty = RatingsData.builder(2, 3).build();
    RankingProtocol full = RankingProtocol.fullCatalogue(
        new Split("t", "r", empty, empty), RankingProtocol.ANY_RATING);
    Map<String, Double> m = RankingEvaluator.evaluate(
        new FixedRanker(new float[2][3], null), empty, full,
        MetricSpec.parseList("hr@1,coverage@1,popularity@1"), null);
    assertTrue(m.values().stream().allMatch(v -> v.isNaN()), m.toString());
  }
}
