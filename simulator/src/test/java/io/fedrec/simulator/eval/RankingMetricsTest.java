package io.fedrec.simulator.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Hand-computed examples. The main list has 5 items with relevant items at ranks 2 and 4 and
 * {@code R = 3} relevant items in all (one was not a candidate): hits = [F, T, F, T, F].
 *
 * <p>Discounts: {@code 1/log2(2) = 1}, {@code 1/log2(3) = 0.6309298}, {@code 1/log2(4) = 0.5},
 * {@code 1/log2(5) = 0.4306766}. IDCG for {@code min(R, K) = 3}: {@code 1 + 0.6309298 + 0.5 =
 * 2.1309298}.
 */
class RankingMetricsTest {
  private static final boolean[] LIST = {false, true, false, true, false};
  private static final int R = 3;
  private static final double D3 = 1 / (Math.log(3) / Math.log(2));
  private static final double D5 = 1 / (Math.log(5) / Math.log(2));
  private static final double IDCG3 = 1 + D3 + 0.5;

  @Test
  void hitRate_relevantAtRank2_isOneAtK3AndZeroAtK1() {
    assertEquals(1.0, RankingMetrics.hitRate(LIST, R, 3));
    assertEquals(0.0, RankingMetrics.hitRate(LIST, R, 1));
  }

  @Test
  void precision_k3_isOneHitOverThree() {
    // top 3 = [F, T, F]: 1 hit / K = 3
    assertEquals(1.0 / 3, RankingMetrics.precision(LIST, R, 3), 1e-12);
  }

  @Test
  void precision_kLargerThanList_dividesByK() {
    // K = 10 > n = 5: 2 hits / 10, the 5 empty slots count as misses
    assertEquals(0.2, RankingMetrics.precision(LIST, R, 10), 1e-12);
  }

  @Test
  void recall_k3AndKLargerThanList_divideByNumRelevant() {
    // K = 3: 1 hit / R = 3; K = 10: 2 hits / 3 (the third relevant item is not in the list)
    assertEquals(1.0 / 3, RankingMetrics.recall(LIST, R, 3), 1e-12);
    assertEquals(2.0 / 3, RankingMetrics.recall(LIST, R, 10), 1e-12);
  }

  @Test
  void ndcg_k3_isDcgOfRank2OverIdcgOf3() {
    // DCG@3 = 1/log2(3) = 0.6309298; NDCG = 0.6309298 / 2.1309298 = 0.2960819
    assertEquals(D3 / IDCG3, RankingMetrics.ndcg(LIST, R, 3), 1e-12);
    assertEquals(0.2960819, RankingMetrics.ndcg(LIST, R, 3), 1e-7);
  }

  @Test
  void ndcg_kLargerThanList_countsBothHitsAndIdealOfMinRK() {
    // DCG@10 = 1/log2(3) + 1/log2(5) = 1.0616064; IDCG over min(3, 10) = 3 ranks = 2.1309298
    assertEquals((D3 + D5) / IDCG3, RankingMetrics.ndcg(LIST, R, 10), 1e-12);
    assertEquals(0.4981893, RankingMetrics.ndcg(LIST, R, 10), 1e-7);
  }

  @Test
  void ndcg_singleRelevantAtRank1_isOne() {
    assertEquals(1.0, RankingMetrics.ndcg(new boolean[] {true, false}, 1, 10), 1e-12);
  }

  @Test
  void averagePrecision_k3AndK10_matchHandSums() {
    // K = 3: hit at rank 2 with precision 1/2; / min(R, K) = 3 -> 1/6
    assertEquals(1.0 / 6, RankingMetrics.averagePrecision(LIST, R, 3), 1e-12);
    // K = 10: (1/2 + 2/4) / min(3, 10) = 1/3
    assertEquals(1.0 / 3, RankingMetrics.averagePrecision(LIST, R, 10), 1e-12);
  }

  @Test
  void averagePrecision_moreRelevantThanK_perfectListScoresOne() {
    // R = 5 > K = 2, both top slots relevant: (1/1 + 2/2) / min(5, 2) = 1
    assertEquals(1.0, RankingMetrics.averagePrecision(new boolean[] {true, true, false}, 5, 2));
  }

  @Test
  void reciprocalRank_firstHitAtRank2_isHalfUnlessCutOff() {
    assertEquals(0.5, RankingMetrics.reciprocalRank(LIST, R, MetricSpec.NO_CUTOFF), 1e-12);
    assertEquals(0.5, RankingMetrics.reciprocalRank(LIST, R, 2), 1e-12);
    assertEquals(0.0, RankingMetrics.reciprocalRank(LIST, R, 1), 1e-12);
  }

  @Test
  void reciprocalRank_noCutoffHitBeyondTen_isOneOverRank() {
    boolean[] hits = new boolean[20];
    hits[14] = true;
    assertEquals(1.0 / 15, RankingMetrics.reciprocalRank(hits, 1, MetricSpec.NO_CUTOFF), 1e-12);
  }

  @Test
  void allMetrics_noRelevantItem_areNaN() {
    boolean[] none = {false, false};
    assertTrue(Double.isNaN(RankingMetrics.hitRate(none, 0, 10)));
    assertTrue(Double.isNaN(RankingMetrics.ndcg(none, 0, 10)));
    assertTrue(Double.isNaN(RankingMetrics.precision(none, 0, 10)));
    assertTrue(Double.isNaN(RankingMetrics.recall(none, 0, 10)));
    assertTrue(Double.isNaN(RankingMetrics.averagePrecision(none, 0, 10)));
    assertTrue(Double.isNaN(RankingMetrics.reciprocalRank(none, 0, MetricSpec.NO_CUTOFF)));
  }

  @Test
  void allMetrics_emptyList_scoreZero() {
    boolean[] empty = {};
    assertEquals(0.0, RankingMetrics.hitRate(empty, 1, 10));
    assertEquals(0.0, RankingMetrics.ndcg(empty, 1, 10));
    assertEquals(0.0, RankingMetrics.reciprocalRank(empty, 1, MetricSpec.NO_CUTOFF));
  }

  @Test
  void metrics_fewerRelevantThanHits_rejected() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> RankingMetrics.ndcg(LIST, 1, 3));
    assertTrue(e.getMessage().contains("numRelevant"), e.getMessage());
  }

  @Test
  void metrics_kZero_rejected() {
    assertThrows(IllegalArgumentException.class, () -> RankingMetrics.hitRate(LIST, R, 0));
  }

  @Test
  void hits_tiedWithIrrelevant_relevantRanksLast() {
    // scores: 20 -> 0.9; 10, 30, 40 -> 0.5 tied. Pessimistic: 20, then the irrelevant 10 and 40
    // (lower id first), then the relevant 30 at rank 4.
    boolean[] hits = RankingMetrics.hits(
        new int[] {10, 20, 30, 40}, new float[] {0.5f, 0.9f, 0.5f, 0.5f}, new int[] {30});
    assertArrayEquals(new boolean[] {false, false, false, true}, hits);
    // so HR@3 = 0, MRR = 1/4, NDCG@4 = 1/log2(5)
    assertEquals(0.0, RankingMetrics.hitRate(hits, 1, 3));
    assertEquals(0.25, RankingMetrics.reciprocalRank(hits, 1, MetricSpec.NO_CUTOFF));
    assertEquals(D5, RankingMetrics.ndcg(hits, 1, 4), 1e-12);
  }

  @Test
  void hits_allScoresEqual_hitRateIsZero() {
    // a constant scorer over 100 leave-one-out candidates: the held-out item ranks 100th
    int[] items = new int[100];
    float[] scores = new float[100];
    for (int j = 0; j < 100; j++) {
      items[j] = j;
    }
    boolean[] hits = RankingMetrics.hits(items, scores, new int[] {0});
    assertTrue(hits[99]);
    assertEquals(0.0, RankingMetrics.hitRate(hits, 1, 10));
  }

  @Test
  void hits_tiedRelevantItems_orderedByIdAfterIrrelevant() {
    // all tied: irrelevant 2, 9 first, then relevant 1, 5 by id
    boolean[] hits = RankingMetrics.hits(
        new int[] {5, 9, 1, 2}, new float[] {1f, 1f, 1f, 1f}, new int[] {5, 1});
    assertArrayEquals(new boolean[] {false, false, true, true}, hits);
  }

  @Test
  void hits_relevantItemNotACandidate_ignored() {
    boolean[] hits = RankingMetrics.hits(new int[] {3, 4}, new float[] {2f, 1f}, new int[] {4, 7});
    assertArrayEquals(new boolean[] {false, true}, hits);
  }

  @Test
  void order_ties_lowerItemIdFirst() {
    assertArrayEquals(
        new int[] {20, 10, 30, 40},
        RankingMetrics.order(new int[] {30, 20, 40, 10}, new float[] {0.5f, 0.9f, 0.5f, 0.5f}));
  }

  @Test
  void order_nanAndInfinities_nanLastInfinitiesAtTheEnds() {
    assertArrayEquals(
        new int[] {4, 3, 2, 1},
        RankingMetrics.order(
            new int[] {1, 2, 3, 4},
            new float[] {Float.NaN, Float.NEGATIVE_INFINITY, -1e30f, Float.POSITIVE_INFINITY}));
  }

  @Test
  void order_negativeAndPositiveZero_areTied() {
    assertArrayEquals(
        new int[] {4, 5}, RankingMetrics.order(new int[] {5, 4}, new float[] {0f, -0f}));
  }

  @Test
  void order_negativeScores_highestFirst() {
    assertArrayEquals(
        new int[] {2, 0, 1, 3},
        RankingMetrics.order(new int[] {0, 1, 2, 3}, new float[] {-0.5f, -2f, 3f, -2.5f}));
  }

  @Test
  void value_dispatchesBySpec() {
    assertEquals(D3 / IDCG3, RankingMetrics.value(MetricSpec.parse("ndcg@3"), LIST, R), 1e-12);
    assertEquals(1.0 / 6, RankingMetrics.value(MetricSpec.parse("map@3"), LIST, R), 1e-12);
    assertThrows(IllegalArgumentException.class,
        () -> RankingMetrics.value(MetricSpec.parse("coverage@3"), LIST, R));
  }
}
