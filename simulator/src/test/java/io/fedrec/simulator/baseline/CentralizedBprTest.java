package io.fedrec.simulator.baseline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedrec.simulator.data.DataSets;
import io.fedrec.simulator.data.RatingsData;
import io.fedrec.simulator.data.Split;
import io.fedrec.simulator.eval.MetricSpec;
import io.fedrec.simulator.eval.PopularityRanker;
import io.fedrec.simulator.eval.Ranker;
import io.fedrec.simulator.eval.RankingEvaluator;
import io.fedrec.simulator.eval.RankingProtocol;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * BPR against its update equations, per-seed determinism, and against popularity on implicit data
 * with a planted structure. All seeds are fixed, so the outcomes are deterministic.
 */
class CentralizedBprTest {
  private static final SgdParams SMALL = new SgdParams(8, 20, 0.05, 1, 0.01, 0.01, 0.1, 3);

  /**
   * 600 users and 300 items in 5 communities of contiguous ids (users {@code 120 c ..}, items
   * {@code 60 c ..}). Each user has 20 distinct interactions at timestamps 1..20; an interaction
   * falls inside the user's community with probability 0.75, elsewhere uniformly. Every item is
   * about as popular as every other, so popularity ranks by noise while the community predicts
   * the held-out (latest) interaction. Ratings are 1, as implicit feedback makes them.
   */
  private static Split communitiesLeaveOneOut(long seed) {
    int users = 600;
    int items = 300;
    int communities = 5;
    SplittableRandom random = new SplittableRandom(seed);
    RatingsData.Builder all = RatingsData.builder(users, items);
    for (int u = 0; u < users; u++) {
      int first = (u / (users / communities)) * (items / communities);
      boolean[] seen = new boolean[items];
      int t = 0;
      while (t < 20) {
        int i = random.nextDouble() < 0.75
            ? first + random.nextInt(items / communities) : random.nextInt(items);
        if (!seen[i]) {
          seen[i] = true;
          t++;
          all.add(u, i, 1f, t);
        }
      }
    }
    RatingsData none = RatingsData.builder(users, items).build();
    return DataSets.leaveOneOut(new Split("communities", "all", all.build(), none), seed);
  }

  private static float[] scores(Ranker ranker, RatingsData train, int user) {
    float[] s = new float[ranker.numItems()];
    ranker.newScorer().score(user, train.user(user), s);
    return s;
  }

  @Test
  void fit_plantedCommunities_beatsPopularityByWideMargin() {
    Split loo = communitiesLeaveOneOut(11);
    RankingProtocol protocol =
        RankingProtocol.leaveOneOut(loo, RankingProtocol.DEFAULT_NEGATIVES, 5);
    List<MetricSpec> metrics = MetricSpec.parseList("hr@10,ndcg@10");

    CentralizedBpr bpr = CentralizedBpr.fit(loo.train(), SMALL);
    Map<String, Double> model =
        RankingEvaluator.evaluate(bpr.ranker(), loo.train(), protocol, metrics, null);
    Map<String, Double> pop = RankingEvaluator.evaluate(
        PopularityRanker.fit(loo.train()), loo.train(), protocol, metrics, null);

    // measured: bpr 0.475 / 0.222, popularity 0.095 / 0.039
    assertTrue(model.get("hr@10") > pop.get("hr@10") + 0.3, model + " vs " + pop);
    assertTrue(model.get("ndcg@10") > pop.get("ndcg@10") + 0.15, model + " vs " + pop);
  }

  @Test
  void fit_sameSeed_bitIdenticalScores() {
    RatingsData train = communitiesLeaveOneOut(2).train();
    Ranker a = CentralizedBpr.fit(train, SMALL.withEpochs(2)).ranker();
    Ranker b = CentralizedBpr.fit(train, SMALL.withEpochs(2)).ranker();
    for (int u : new int[] {0, 299, 599}) {
      assertArrayEquals(scores(a, train, u), scores(b, train, u));
    }
  }

  @Test
  void fit_otherSeed_otherScores() {
    RatingsData train = communitiesLeaveOneOut(2).train();
    Ranker a = CentralizedBpr.fit(train, SMALL.withEpochs(2)).ranker();
    Ranker b = CentralizedBpr.fit(train, SMALL.withEpochs(2).withSeed(4)).ranker();
    assertFalse(Arrays.equals(scores(a, train, 0), scores(b, train, 0)));
  }

  @Test
  void fit_zeroInitOneTriple_followsUpdateEquations() {
    // one user, positive item 0, the only negative item 1; P = Q = 0 so x_uij = 0 and
    // g = sigma(0) = 1/2: b_0 = 0.1 * 0.5, b_1 = -0.1 * 0.5, factors stay 0
    RatingsData train = RatingsData.builder(1, 2).add(0, 0, 1f).build();
    CentralizedBpr m = CentralizedBpr.fit(train, new SgdParams(3, 1, 0.1, 1, 0.01, 0, 0, 1));

    assertEquals(0.05, m.score(0, 0), 1e-12);
    assertEquals(-0.05, m.score(0, 1), 1e-12);
    assertEquals(0.05f, m.toGlobalModel().itemBias(0));
    assertEquals(0f, m.toGlobalModel().mu());
  }

  @Test
  void fit_userWithEveryItem_isSkippedNotLooped() {
    RatingsData train = RatingsData.builder(2, 2)
        .add(0, 0, 1f).add(0, 1, 1f).add(1, 0, 1f).build();
    CentralizedBpr m = CentralizedBpr.fit(train, new SgdParams(2, 5, 0.1, 1, 0.01, 0, 0, 1));
    // only user 1's triples (0 over 1) move the biases
    assertTrue(m.score(1, 0) > m.score(1, 1));
  }

  @Test
  void fit_noInteractions_throws() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> CentralizedBpr.fit(RatingsData.builder(1, 1).build(), SMALL));
    assertEquals("train must contain at least one interaction", e.getMessage());
  }
}
