package io.fedrec.simulator.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fedrec.simulator.baseline.CentralizedMf;
import io.fedrec.simulator.data.DataSets;
import io.fedrec.simulator.data.MovieLens;
import io.fedrec.simulator.data.Split;
import io.fedrec.simulator.data.TestDatasets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * MovieLens-100K under the NCF leave-one-out protocol (latest rating per user held out, ranked
 * among 99 sampled negatives, seed 1): the centralized ALS MF with its defaults and the
 * popularity baseline, through the same evaluator. Skipped when the licensed data is absent
 * ({@link TestDatasets}). The measured figures are printed and written in docs; the assertions
 * bracket them loosely so that a change in the evaluator that moves them is noticed.
 */
class RankingMovieLensTest {
  private static final List<MetricSpec> METRICS =
      MetricSpec.parseList("hr@10,ndcg@10,mrr,coverage@10,diversity@10,popularity@10");
  private static final long SEED = 1L;

  private static ExecutorService pool;
  private static Split loo;
  private static RankingProtocol protocol;

  @BeforeAll
  static void load() throws Exception {
    Optional<Path> dir = TestDatasets.ml100k();
    if (dir.isEmpty()) {
      return;
    }
    pool = Executors.newFixedThreadPool(2);
    loo = DataSets.leaveOneOut(MovieLens.load100k(dir.get(), "u1", SEED), SEED);
    protocol = RankingProtocol.leaveOneOut(loo, RankingProtocol.DEFAULT_NEGATIVES, SEED);
  }

  @AfterAll
  static void shutdown() throws InterruptedException {
    if (pool != null) {
      pool.shutdownNow();
      pool.awaitTermination(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void leaveOneOut_ml100k_holdsOutOneItemPerUser() {
    assumeTrue(loo != null, "MovieLens-100K not available");
    // every ml-100k user has at least 20 ratings, so all 943 are held out once
    assertEquals(943, loo.test().numRatings());
    assertEquals(100_000 - 943, loo.train().numRatings());
    assertEquals(943, protocol.numEvaluatedUsers());
  }

  @Test
  void evaluate_ml100kLoo_centralizedMfAndPopularityInMeasuredRange() {
    assumeTrue(loo != null, "MovieLens-100K not available");
    CentralizedMf mf = CentralizedMf.fit(loo.train(), CentralizedMf.Params.defaults(), pool);
    Map<String, Double> als = RankingEvaluator.evaluate(
        mf.toGlobalModel(), mf.trainingConfig(), loo.train(), protocol, METRICS, pool);
    Map<String, Double> pop = RankingEvaluator.evaluate(
        PopularityRanker.fit(loo.train()).withItemSpace(mf.toGlobalModel()),
        loo.train(), protocol, METRICS, pool);
    System.out.println("ml-100k loo, centralized ALS MF: " + als);
    System.out.println("ml-100k loo, popularity: " + pop);
    // measured (seed 1): ALS HR@10 0.250, NDCG@10 0.125; popularity 0.392, 0.221. Seeds 2 and 3
    // give ALS 0.235 / 0.240 and popularity 0.415 / 0.413: an MF fitted to rating values ranks
    // by predicted rating, not by the chance of an interaction, and loses to popularity here.
    assertBetween(0.20, 0.30, als.get("hr@10"));
    assertBetween(0.09, 0.16, als.get("ndcg@10"));
    assertBetween(0.35, 0.45, pop.get("hr@10"));
    assertBetween(0.19, 0.26, pop.get("ndcg@10"));
    assertTrue(pop.get("coverage@10") < als.get("coverage@10"), als + " " + pop);
  }

  private static void assertBetween(double lo, double hi, double value) {
    assertTrue(value >= lo && value <= hi, value + " not in [" + lo + ", " + hi + "]");
  }
}
