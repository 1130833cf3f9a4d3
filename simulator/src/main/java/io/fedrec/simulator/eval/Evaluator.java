package io.fedrec.simulator.eval;

import io.fedrec.core.model.GlobalModel;
import io.fedrec.core.model.LocalTrainer;
import io.fedrec.core.model.TrainingConfig;
import io.fedrec.core.model.UserRatings;
import io.fedrec.core.model.UserState;
import io.fedrec.simulator.data.RatingsData;
import io.fedrec.simulator.data.Split;
import java.util.concurrent.ExecutorService;

/**
 * Scores a global model the way it is used: every user is reconstructed on "its device" from its
 * own training ratings with the model fixed ({@link LocalTrainer#reconstruct}, exactly the
 * client's computation), then predicts its held-out ratings. This is the evaluation protocol of
 * Federated Reconstruction (Singhal et al., NeurIPS 2021).
 *
 * <p>Determinism: per-user partial sums are computed independently (in parallel when a pool is
 * given) and then added in user order on the calling thread, so the result is bit-identical
 * whatever the pool, its size or the scheduling.
 *
 * <p>Thread-safe (stateless); the pool is only borrowed, never shut down.
 */
public final class Evaluator {
  /** Users per parallel task: large enough to amortise a task, small enough to balance. */
  private static final int CHUNK = 128;

  private Evaluator() {}

  /**
   * Test RMSE and MAE of {@code model}: each test user is reconstructed from its train ratings
   * (users without train ratings get {@code p = 0, b_u = 0}), predictions are clamped to
   * {@code [config.ratingMin(), config.ratingMax()]}.
   *
   * @param pool where to run per-user work; null means sequentially on the calling thread
   */
  public static RatingMetrics evaluate(
      GlobalModel model, TrainingConfig config, Split split, ExecutorService pool) {
    return evaluate(model, config, split.train(), split.test(), pool);
  }

  /** As {@link #evaluate(GlobalModel, TrainingConfig, Split, ExecutorService)}. */
  public static RatingMetrics evaluate(
      GlobalModel model,
      TrainingConfig config,
      RatingsData train,
      RatingsData test,
      ExecutorService pool) {
    checkCompatible(model, config, train);
    if (test.numUsers() != train.numUsers() || test.numItems() != train.numItems()) {
      throw new IllegalArgumentException(
          "train and test must have the same numUsers and numItems. Provided values: "
              + train + " and " + test);
    }
    int numUsers = test.numUsers();
    double[] squared = new double[numUsers];
    double[] absolute = new double[numUsers];
    ParallelRanges.run(numUsers, CHUNK, pool, (from, to) -> {
      LocalTrainer trainer = new LocalTrainer(config);
      float[] zero = new float[config.rank()];
      float lo = config.ratingMin();
      float hi = config.ratingMax();
      for (int u = from; u < to; u++) {
        int n = test.userSize(u);
        if (n == 0) {
          continue;
        }
        UserRatings own = train.user(u);
        UserState state =
            own.size() == 0 ? new UserState(zero, 0f) : trainer.reconstruct(model, own);
        UserRatings held = test.user(u);
        double sq = 0;
        double ab = 0;
        for (int j = 0; j < n; j++) {
          double e = held.rating(j) - state.predict(model, held.item(j), lo, hi);
          sq += e * e;
          ab += Math.abs(e);
        }
        squared[u] = sq;
        absolute[u] = ab;
      }
    });
    double sq = 0;
    double ab = 0;
    for (int u = 0; u < numUsers; u++) {
      sq += squared[u];
      ab += absolute[u];
    }
    return RatingMetrics.fromSums(sq, ab, test.numRatings());
  }

  /**
   * Mean training loss: the squared error on every train rating after reconstruction, unclamped
   * and computed in the same float arithmetic as the loss a client reports ({@link
   * LocalTrainer#accumulateUserUpdate}), summed over users in user order, divided by the number
   * of train ratings (NaN when there are none).
   */
  public static double trainLoss(
      GlobalModel model, TrainingConfig config, RatingsData train, ExecutorService pool) {
    checkCompatible(model, config, train);
    int numUsers = train.numUsers();
    double[] loss = new double[numUsers];
    ParallelRanges.run(numUsers, CHUNK, pool, (from, to) -> {
      LocalTrainer trainer = new LocalTrainer(config);
      float mu = model.mu();
      for (int u = from; u < to; u++) {
        UserRatings own = train.user(u);
        if (own.size() == 0) {
          continue;
        }
        UserState state = trainer.reconstruct(model, own);
        float[] p = state.factors();
        float bu = state.bias();
        double s = 0;
        for (int j = 0; j < own.size(); j++) {
          int item = own.item(j);
          float e = own.rating(j) - (mu + bu + model.itemBias(item) + model.dot(item, p));
          s += (double) e * e;
        }
        loss[u] = s;
      }
    });
    double sum = 0;
    for (int u = 0; u < numUsers; u++) {
      sum += loss[u];
    }
    return train.numRatings() == 0 ? Double.NaN : sum / train.numRatings();
  }

  private static void checkCompatible(GlobalModel model, TrainingConfig config, RatingsData d) {
    if (model.rank() != config.rank()) {
      throw new IllegalArgumentException(
          "model rank must equal config rank " + config.rank() + ". Provided value: "
              + model.rank());
    }
    if (d.numItems() > model.numItems()) {
      throw new IllegalArgumentException(
          "data numItems must be <= model numItems " + model.numItems() + ". Provided value: "
              + d.numItems());
    }
  }
}
