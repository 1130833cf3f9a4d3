package io.fedrec.simulator.baseline;

import io.fedrec.core.model.UserRatings;
import io.fedrec.simulator.data.RatingsData;
import io.fedrec.simulator.eval.RatingMetrics;

/** RMSE and MAE of a rating predictor, shared by the explicit baselines. Stateless. */
final class RatingErrors {
  private RatingErrors() {}

  /** A fitted model's prediction for one (user, item) pair. */
  @FunctionalInterface
  interface Predictor {
    double predict(int user, int item);
  }

  /** RMSE and MAE of {@code model} on {@code ratings} (sums in user order: deterministic). */
  static RatingMetrics of(RatingsData ratings, Predictor model) {
    double sq = 0;
    double ab = 0;
    for (int u = 0; u < ratings.numUsers(); u++) {
      UserRatings r = ratings.user(u);
      for (int j = 0; j < r.size(); j++) {
        double e = r.rating(j) - model.predict(u, r.item(j));
        sq += e * e;
        ab += Math.abs(e);
      }
    }
    return RatingMetrics.fromSums(sq, ab, ratings.numRatings());
  }
}
