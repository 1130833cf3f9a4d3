package io.fedrec.simulator.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.fedrec.core.model.GlobalModel;
import io.fedrec.core.model.LocalTrainer;
import io.fedrec.core.model.ModelShape;
import io.fedrec.core.model.TrainingConfig;
import io.fedrec.simulator.data.RatingsData;
import io.fedrec.simulator.data.Split;
import io.fedrec.simulator.data.SyntheticConfig;
import io.fedrec.simulator.data.SyntheticDataset;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The hand-computed example: rank 1, items q = (1, 0.5), b = (0, 0.5), mu = 3, reconstruction
 * penalties 1 and 1.
 *
 * <ul>
 *   <li>user 0 trains on (item 0, 5): y = 2, rows [1, 1]; (A + I) = [[2, 1], [1, 2]], rhs (2, 2)
 *       give p = b_u = 2/3; test (item 1, 4) predicts 3 + 2/3 + 0.5 + 1/3 = 4.5, error -0.5.
 *   <li>user 1 has no train ratings: p = b_u = 0; test (item 0, 2) predicts 3 (error -1) and
 *       (item 1, 5) predicts 3.5 (error 1.5).
 *   <li>user 2 trains on (item 1, 1): y = -2.5, rows [0.5, 1]; [[1.25, 0.5], [0.5, 2]] w =
 *       (-1.25, -2.5) gives p = -5/9, b_u = -10/9; test (item 0, 1) predicts 3 - 10/9 - 5/9 =
 *       4/3, error -1/3.
 * </ul>
 *
 * RMSE = sqrt((0.25 + 1 + 2.25 + 1/9) / 4), MAE = (0.5 + 1 + 1.5 + 1/3) / 4.
 */
class EvaluatorTest {
  private static final TrainingConfig CONFIG =
      new TrainingConfig(1, 1f, 1f, 0.1f, 1, 0.05f, 1f, 5f, 1e-4f);

  private ExecutorService pool;

  @AfterEach
  void shutdownPool() throws InterruptedException {
    if (pool != null) {
      pool.shutdownNow();
      pool.awaitTermination(10, TimeUnit.SECONDS);
    }
  }

  private static GlobalModel tinyModel(float mu) {
    return GlobalModel.of(0, new ModelShape(2, 1), new float[] {1f, 0.5f, 0f, 0.5f, mu});
  }

  private static Split tinySplit() {
    RatingsData train = RatingsData.builder(3, 2).add(0, 0, 5f).add(2, 1, 1f).build();
    RatingsData test =
        RatingsData.builder(3, 2).add(0, 1, 4f).add(1, 0, 2f).add(1, 1, 5f).add(2, 0, 1f).build();
    return new Split("tiny", "hand", train, test);
  }

  @Test
  void evaluate_handExample_matchesHandComputedRmse() {
    RatingMetrics m = Evaluator.evaluate(tinyModel(3f), CONFIG, tinySplit(), null);
    assertEquals(Math.sqrt((0.25 + 1 + 2.25 + 1.0 / 9) / 4), m.rmse(), 1e-6);
  }

  @Test
  void evaluate_handExample_matchesHandComputedMae() {
    RatingMetrics m = Evaluator.evaluate(tinyModel(3f), CONFIG, tinySplit(), null);
    assertEquals((0.5 + 1 + 1.5 + 1.0 / 3) / 4, m.mae(), 1e-6);
    assertEquals(4, m.count());
  }

  @Test
  void evaluate_predictionAboveScale_isClamped() {
    // mu = 6: user 1 (no train ratings) predicts 6 and 6.5 unclamped, 5 clamped
    RatingsData train = RatingsData.builder(2, 2).build();
    RatingsData test = RatingsData.builder(2, 2).add(1, 0, 4f).add(1, 1, 5f).build();
    RatingMetrics m =
        Evaluator.evaluate(tinyModel(6f), CONFIG, new Split("t", "t", train, test), null);
    assertEquals(Math.sqrt(0.5), m.rmse(), 1e-9);
    assertEquals(0.5, m.mae(), 1e-9);
  }

  @Test
  void evaluate_emptyTest_returnsNaNWithZeroCount() {
    RatingsData empty = RatingsData.builder(3, 2).build();
    Split split = new Split("t", "t", tinySplit().train(), empty);
    RatingMetrics m = Evaluator.evaluate(tinyModel(3f), CONFIG, split, null);
    assertEquals(0, m.count());
    assertEquals(Double.NaN, m.rmse());
  }

  @Test
  void evaluate_parallelOnThreadPool_bitIdenticalToSequential() {
    Split split = SyntheticDataset.generate(
        SyntheticConfig.builder().numUsers(1500).numItems(400).seed(3).build());
    TrainingConfig config = TrainingConfig.defaults(8);
    GlobalModel model = GlobalModel.initial(new ModelShape(400, 8), 3.6f, 0.3, 11);
    pool = Executors.newFixedThreadPool(3);
    RatingMetrics sequential = Evaluator.evaluate(model, config, split, null);
    RatingMetrics parallel = Evaluator.evaluate(model, config, split, pool);
    assertEquals(Double.doubleToRawLongBits(sequential.rmse()),
        Double.doubleToRawLongBits(parallel.rmse()));
    assertEquals(Double.doubleToRawLongBits(sequential.mae()),
        Double.doubleToRawLongBits(parallel.mae()));
  }

  @Test
  void evaluate_parallelOnForkJoinPool_bitIdenticalToSequential() {
    Split split = SyntheticDataset.generate(
        SyntheticConfig.builder().numUsers(1000).numItems(300).seed(4).build());
    TrainingConfig config = TrainingConfig.defaults(4);
    GlobalModel model = GlobalModel.initial(new ModelShape(300, 4), 3.6f, 0.3, 12);
    pool = new ForkJoinPool(4);
    assertEquals(Evaluator.evaluate(model, config, split, null),
        Evaluator.evaluate(model, config, split, pool));
  }

  @Test
  void evaluate_rankMismatch_throws() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Evaluator.evaluate(tinyModel(3f), TrainingConfig.defaults(2), tinySplit(), null));
    assertEquals("model rank must equal config rank 2. Provided value: 1", e.getMessage());
  }

  @Test
  void trainLoss_handExample_matchesHandComputed() {
    // user 0: 5 - (3 + 2/3 + 2/3) = 2/3; user 2: 1 - (3 - 10/9 + 0.5 - 5/18) = -10/9
    double expected = (4.0 / 9 + 100.0 / 81) / 2;
    assertEquals(expected,
        Evaluator.trainLoss(tinyModel(3f), CONFIG, tinySplit().train(), null), 1e-6);
  }

  @Test
  void trainLoss_synthetic_equalsLossReportedByLocalTrainer() {
    Split split = SyntheticDataset.generate(
        SyntheticConfig.builder().numUsers(300).numItems(200).seed(5).build());
    TrainingConfig config = TrainingConfig.defaults(4);
    GlobalModel model = GlobalModel.initial(new ModelShape(200, 4), 3.6f, 0.3, 13);
    LocalTrainer trainer = new LocalTrainer(config);
    float[] acc = new float[model.shape().numParameters()];
    double sum = 0;
    for (int u = 0; u < split.numUsers(); u++) {
      sum += trainer.accumulateUserUpdate(model, split.train().user(u), acc);
    }
    assertEquals(sum / split.train().numRatings(),
        Evaluator.trainLoss(model, config, split.train(), null));
  }

  @Test
  void trainLoss_parallel_bitIdenticalToSequential() {
    Split split = SyntheticDataset.generate(
        SyntheticConfig.builder().numUsers(1000).numItems(300).seed(6).build());
    TrainingConfig config = TrainingConfig.defaults(4);
    GlobalModel model = GlobalModel.initial(new ModelShape(300, 4), 3.6f, 0.3, 14);
    pool = Executors.newFixedThreadPool(2);
    assertEquals(
        Double.doubleToRawLongBits(Evaluator.trainLoss(model, config, split.train(), null)),
        Double.doubleToRawLongBits(Evaluator.trainLoss(model, config, split.train(), pool)));
  }
}
