package io.fedrec.simulator.eval;

/**
 * Accuracy of rating predictions on a set of held-out ratings.
 *
 * @param rmse root mean squared error, NaN when {@code count == 0}
 * @param mae mean absolute error, NaN when {@code count == 0}
 * @param count number of ratings scored
 */
public record RatingMetrics(double rmse, double mae, long count) {

  /** Metrics from sums of squared and absolute errors over {@code count} ratings. */
  public static RatingMetrics fromSums(double sumSquared, double sumAbsolute, long count) {
    if (count == 0) {
      return new RatingMetrics(Double.NaN, Double.NaN, 0);
    }
    return new RatingMetrics(Math.sqrt(sumSquared / count), sumAbsolute / count, count);
  }
}
