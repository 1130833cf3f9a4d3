package io.fedrec.simulator.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedrec.core.model.Feedback;
import io.fedrec.core.model.TrainingConfig;
import io.fedrec.simulator.baseline.CentralizedWmf;
import io.fedrec.simulator.data.DataSets;
import io.fedrec.simulator.data.RatingsData;
import io.fedrec.simulator.data.Split;
import io.fedrec.simulator.eval.MetricSpec;
import io.fedrec.simulator.eval.PopularityRanker;
import io.fedrec.simulator.eval.RankingEvaluator;
import io.fedrec.simulator.eval.RankingProtocol;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A federation trained on implicit feedback against the popularity baseline and the centralized
 * WMF, on clustered synthetic interactions under leave-one-out with 99 negatives. All seeds are
 * fixed, so the outcomes are deterministic, not statistical.
 *
 * <p>The default synthetic generator draws which items a user rates by popularity alone (see
 * {@code RankingSyntheticTest}), so popularity is the best possible ranker there; this test builds
 * interactions with a latent structure instead.
 */
class ImplicitSimulationTest {
  private static final int USERS = 400;
  private static final int ITEMS = 200;

  /**
   * 400 users and 200 items in 4 groups (item {@code i} in group {@code i % 4}, user {@code u} in
   * group {@code u % 4}); each user interacts with 24 distinct items, each from its own group with
   * probability 0.8 and otherwise from the whole catalogue, uniformly; random timestamps.
   * Popularity carries no signal beyond sampling noise, the group does. Rating values are 3, to
   * check that the simulation's input is taken as given.
   */
  static Split clusteredLeaveOneOut(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    RatingsData.Builder b = RatingsData.builder(USERS, ITEMS);
    for (int u = 0; u < USERS; u++) {
      boolean[] taken = new boolean[ITEMS];
      for (int n = 0; n < 24; ) {
        int i = r.nextDouble() < 0.8 ? 4 * r.nextInt(ITEMS / 4) + u % 4 : r.nextInt(ITEMS);
        if (!taken[i]) {
          taken[i] = true;
          b.add(u, i, 3f, 1 + r.nextInt(1_000_000));
          n++;
        }
      }
    }
    Split all = new Split("clustered", "all", b.build(), RatingsData.builder(USERS, ITEMS).build());
    return ImplicitFeedback.binary(DataSets.leaveOneOut(all, seed));
  }

  private static SimulationConfig config(int rounds) {
    return config(rounds, Feedback.IMPLICIT);
  }

  private static SimulationConfig config(int rounds, Feedback model) {
    return SimulationConfig.builder()
        .dataset("clustered")
        .split(DataSets.LEAVE_ONE_OUT)
        .rounds(rounds)
        .clientsPerRound(100)
        .training(TrainingConfig.defaults(8, model))
        .evalEvery(rounds)
        .threads(2)
        .seed(3)
        .build();
  }

  @Test
  void binary_ratings_becomeUnitStrengthsKeepingTimestamps() {
    Split s = clusteredLeaveOneOut(7);

    assertEquals(1f, s.train().rating(0, 0));
    assertEquals(1f, s.test().rating(0, 0));
    assertTrue(s.train().timestamp(0, 0) > 0);
    assertEquals(USERS * 23, s.train().numRatings());
  }

  @Test
  void build_implicitWithoutMetrics_defaultsToHr10AndNdcg10() {
    assertEquals(MetricSpec.parseList("hr@10,ndcg@10"), config(1).rankingMetrics());
  }

  @Test
  void run_clusteredImplicit_beatsPopularityAndReportsNoRmse() {
    Split loo = clusteredLeaveOneOut(7);
    RankingProtocol protocol =
        RankingProtocol.leaveOneOut(loo, RankingProtocol.DEFAULT_NEGATIVES, 3);
    List<MetricSpec> metrics = MetricSpec.parseList("hr@10,ndcg@10");

    SimulationResult result = new Simulation(config(60), loo).run();

    Map<String, Double> pop = RankingEvaluator.evaluate(
        PopularityRanker.fit(loo.train()), loo.train(), protocol, metrics, null);
    Map<String, Double> fed = result.finalRanking();
    System.out.println("clustered loo, federated implicit: " + fed + ", popularity: " + pop);
    assertTrue(fed.get("hr@10") > pop.get("hr@10") + 0.2, fed + " vs " + pop);
    assertTrue(fed.get("ndcg@10") > pop.get("ndcg@10") + 0.1, fed + " vs " + pop);
    assertTrue(Double.isNaN(result.finalMetrics().rmse()));
    assertTrue(Double.isNaN(result.baseline().rmse()));
    assertEquals("loo", result.rankingProtocol());
    assertTrue(result.rows().get(result.rows().size() - 1).evaluated());
  }

  @Test
  void run_clusteredBpr_beatsPopularity() {
    Split loo = clusteredLeaveOneOut(7);
    RankingProtocol protocol =
        RankingProtocol.leaveOneOut(loo, RankingProtocol.DEFAULT_NEGATIVES, 3);
    List<MetricSpec> metrics = MetricSpec.parseList("hr@10,ndcg@10");

    SimulationResult result = new Simulation(config(60, Feedback.BPR), loo).run();

    Map<String, Double> pop = RankingEvaluator.evaluate(
        PopularityRanker.fit(loo.train()), loo.train(), protocol, metrics, null);
    Map<String, Double> fed = result.finalRanking();
    System.out.println("clustered loo, federated BPR: " + fed + ", popularity: " + pop);
    assertTrue(fed.get("hr@10") > pop.get("hr@10") + 0.2, fed + " vs " + pop);
    assertTrue(fed.get("ndcg@10") > pop.get("ndcg@10") + 0.1, fed + " vs " + pop);
  }

  @Test
  void fit_clusteredCentralizedWmf_beatsPopularity() {
    Split loo = clusteredLeaveOneOut(7);
    RankingProtocol protocol =
        RankingProtocol.leaveOneOut(loo, RankingProtocol.DEFAULT_NEGATIVES, 3);
    List<MetricSpec> metrics = MetricSpec.parseList("hr@10,ndcg@10");

    CentralizedWmf wmf = CentralizedWmf.fit(
        loo.train(), CentralizedWmf.Params.defaults().withRank(8), null);

    Map<String, Double> model = RankingEvaluator.evaluate(
        wmf.toGlobalModel(), wmf.trainingConfig(), loo.train(), protocol, metrics, null);
    Map<String, Double> pop = RankingEvaluator.evaluate(
        PopularityRanker.fit(loo.train()), loo.train(), protocol, metrics, null);
    System.out.println("clustered loo, centralized WMF: " + model + ", popularity: " + pop);
    assertTrue(model.get("hr@10") > pop.get("hr@10") + 0.2, model + " vs " + pop);
  }
}
