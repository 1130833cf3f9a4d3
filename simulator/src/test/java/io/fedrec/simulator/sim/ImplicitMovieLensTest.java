package io.fedrec.simulator.sim;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fedrec.core.model.Feedback;
import io.fedrec.core.model.TrainingConfig;
import io.fedrec.simulator.baseline.CentralizedWmf;
import io.fedrec.simulator.data.DataSets;
import io.fedrec.simulator.data.MovieLens;
import io.fedrec.simulator.data.Split;
import io.fedrec.simulator.data.TestDatasets;
import io.fedrec.simulator.eval.MetricSpec;
import io.fedrec.simulator.eval.PopularityRanker;
import io.fedrec.simulator.eval.RankingEvaluator;
import io.fedrec.simulator.eval.RankingProtocol;
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
 * The quality bar of issue 6 for implicit feedback on MovieLens-100K: leave-one-out (latest
 * interaction per user held out, ranked among 99 sampled negatives), every rating an interaction
 * of strength 1, seed 1 for the split, the negatives, the initial model and the cohorts: the
 * federated WMF with the implicit defaults reaches HR@10 >= 0.62 and NDCG@10 >= 0.34 after 100
 * rounds of 100 clients (one user each), and so does the federated BPR with its defaults. The
 * centralized WMF and the popularity baseline are measured on the same protocol beside them. Skipped when the licensed data is absent ({@link
 * TestDatasets}). The run is deterministic; the figures are written in docs/research.md.
 */
class ImplicitMovieLensTest {
  private static final long SEED = 1L;
  private static final List<MetricSpec> METRICS = MetricSpec.parseList("hr@10,ndcg@10");

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
    loo = ImplicitFeedback.binary(
        DataSets.leaveOneOut(MovieLens.load100k(dir.get(), "u1", SEED), SEED));
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
  void run_ml100kLooImplicitDefaults_reachesIssueBar() {
    assumeTrue(loo != null, "MovieLens-100K not available");
    SimulationConfig config = SimulationConfig.builder()
        .dataset("movielens-100k")
        .split(DataSets.LEAVE_ONE_OUT)
        .rounds(100)
        .training(TrainingConfig.defaults(SimulationConfig.DEFAULT_RANK, Feedback.IMPLICIT))
        .serverLearningRate(SimulationConfig.DEFAULT_IMPLICIT_SERVER_LEARNING_RATE)
        .evalEvery(100)
        .threads(2)
        .seed(SEED)
        .build();

    Map<String, Double> fed = new Simulation(config, loo).run().finalRanking();

    System.out.println("ml-100k loo implicit, federated WMF, 100 rounds: " + fed);
    assertTrue(fed.get("hr@10") >= 0.62, fed.toString());
    assertTrue(fed.get("ndcg@10") >= 0.34, fed.toString());
  }

  @Test
  void run_ml100kLooBprDefaults_reachesIssueBar() {
    assumeTrue(loo != null, "MovieLens-100K not available");
    SimulationConfig config = SimulationConfig.builder()
        .dataset("movielens-100k")
        .split(DataSets.LEAVE_ONE_OUT)
        .rounds(100)
        .training(TrainingConfig.defaults(SimulationConfig.DEFAULT_RANK, Feedback.BPR))
        .serverLearningRate(SimulationConfig.DEFAULT_BPR_SERVER_LEARNING_RATE)
        .evalEvery(100)
        .threads(2)
        .seed(SEED)
        .build();

    Map<String, Double> fed = new Simulation(config, loo).run().finalRanking();

    System.out.println("ml-100k loo implicit, federated BPR, 100 rounds: " + fed);
    assertTrue(fed.get("hr@10") >= 0.62, fed.toString());
    assertTrue(fed.get("ndcg@10") >= 0.34, fed.toString());
  }

  @Test
  void fit_ml100kLoo_centralizedWmfAbovePopularity() {
    assumeTrue(loo != null, "MovieLens-100K not available");
    CentralizedWmf wmf =
        CentralizedWmf.fit(loo.train(), CentralizedWmf.Params.defaults().withSeed(SEED), pool);

    Map<String, Double> central = RankingEvaluator.evaluate(
        wmf.toGlobalModel(), wmf.trainingConfig(), loo.train(), protocol, METRICS, pool);
    Map<String, Double> pop = RankingEvaluator.evaluate(
        PopularityRanker.fit(loo.train()), loo.train(), protocol, METRICS, pool);

    System.out.println("ml-100k loo, centralized WMF: " + central + ", popularity: " + pop);
    assertTrue(central.get("hr@10") >= 0.64, central.toString());
    assertTrue(central.get("ndcg@10") >= 0.36, central.toString());
    assertTrue(pop.get("hr@10") < 0.45, pop.toString());
  }
}
