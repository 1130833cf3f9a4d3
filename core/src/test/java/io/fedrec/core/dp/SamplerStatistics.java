package io.fedrec.core.dp;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.function.LongToDoubleFunction;

/**
 * Test-only statistics for the sampler tests. Every check is calibrated so that a correct sampler
 * fails it with probability at most {@link #FALSE_FAILURE_RATE} for a random seed; the tests use
 * fixed seeds, so they are deterministic, and a failure means a real change of distribution (or,
 * with that probability, an unlucky new seed).
 */
final class SamplerStatistics {
  /** Per-assertion false-failure probability of every statistical check. */
  static final double FALSE_FAILURE_RATE = 1e-6;

  /** Two-sided standard normal quantile for {@link #FALSE_FAILURE_RATE}: P[|Z| > 4.8916] = 1e-6. */
  static final double Z_TWO_SIDED = 4.8916;

  /** One-sided standard normal quantile for {@link #FALSE_FAILURE_RATE}: P[Z > 4.7534] = 1e-6. */
  static final double Z_ONE_SIDED = 4.7534;

  private SamplerStatistics() {}

  /** Moments of an integer distribution computed by summing its pmf over {@code [-r, r]}. */
  record Moments(double mean, double variance, double fourthCentral) {}

  /**
   * Sums {@code weight(x)} (unnormalised pmf) over {@code [-r, r]}; {@code r} is chosen by the
   * caller so that the mass outside is negligible in double precision.
   */
  static Moments moments(LongToDoubleFunction weight, long r) {
    double z = 0;
    double m1 = 0;
    for (long x = -r; x <= r; x++) {
      double w = weight.applyAsDouble(x);
      z += w;
      m1 += x * w;
    }
    double mean = m1 / z;
    double m2 = 0;
    double m4 = 0;
    for (long x = -r; x <= r; x++) {
      double p = weight.applyAsDouble(x) / z;
      double d = x - mean;
      m2 += d * d * p;
      m4 += d * d * d * d * p;
    }
    return new Moments(mean, m2, m4);
  }

  /** Asserts that the sample mean is consistent with {@code expected} (z-test). */
  static void assertMean(long[] samples, Moments expected) {
    double mean = 0;
    for (long s : samples) {
      mean += s;
    }
    mean /= samples.length;
    double z = (mean - expected.mean()) / Math.sqrt(expected.variance() / samples.length);
    assertTrue(Math.abs(z) < Z_TWO_SIDED,
        "sample mean " + mean + " vs expected " + expected.mean() + ": z = " + z);
  }

  /**
   * Asserts that the sample variance is consistent with the expected one; the standard error of
   * the sample variance is {@code sqrt((mu4 - sigma^4) / n)} for large {@code n}.
   */
  static void assertVariance(long[] samples, Moments expected) {
    double mean = 0;
    for (long s : samples) {
      mean += s;
    }
    mean /= samples.length;
    double m2 = 0;
    for (long s : samples) {
      m2 += (s - mean) * (s - mean);
    }
    double variance = m2 / (samples.length - 1);
    double v = expected.variance();
    double se = Math.sqrt((expected.fourthCentral() - v * v) / samples.length);
    double z = (variance - v) / se;
    assertTrue(Math.abs(z) < Z_TWO_SIDED,
        "sample variance " + variance + " vs expected " + v + ": z = " + z);
  }

  /** Asserts that positive and negative samples are equally frequent (binomial z-test). */
  static void assertSymmetric(long[] samples) {
    long positive = 0;
    long negative = 0;
    for (long s : samples) {
      if (s > 0) {
        positive++;
      } else if (s < 0) {
        negative++;
      }
    }
    double z = (positive - negative) / Math.sqrt(positive + negative);
    assertTrue(Math.abs(z) < Z_TWO_SIDED,
        "positive " + positive + " vs negative " + negative + ": z = " + z);
  }

  /** Asserts that a count of successes is consistent with {@code Binomial(n, p)}. */
  static void assertBinomial(long successes, long n, double p) {
    double z = (successes - n * p) / Math.sqrt(n * p * (1 - p));
    assertTrue(Math.abs(z) < Z_TWO_SIDED,
        successes + " successes in " + n + " vs p = " + p + ": z = " + z);
  }

  /**
   * Chi-square goodness of fit of {@code samples} against {@code weight} (unnormalised pmf whose
   * mass outside {@code [-r, r]} is negligible). Consecutive integers are merged into bins of
   * expected count at least 20 (the chi-square approximation is good from about 5); samples
   * outside {@code [-r, r]} count in the outermost bins.
   */
  static void assertChiSquare(long[] samples, LongToDoubleFunction weight, long r) {
    int n = samples.length;
    int width = Math.toIntExact(2 * r + 1);
    double[] p = new double[width];
    double z = 0;
    for (int i = 0; i < width; i++) {
      p[i] = weight.applyAsDouble(i - r);
      z += p[i];
    }
    // Bins as [lower, upper] value ranges, built left to right.
    long[] upper = new long[width];
    double[] expected = new double[width];
    int bins = 0;
    double acc = 0;
    for (int i = 0; i < width; i++) {
      acc += p[i] / z * n;
      if (acc >= 20) {
        upper[bins] = i - r;
        expected[bins++] = acc;
        acc = 0;
      }
    }
    if (bins == 0) {
      throw new IllegalArgumentException("too few samples for a chi-square test");
    }
    expected[bins - 1] += acc; // remainder joins the last bin
    upper[bins - 1] = Long.MAX_VALUE;
    long[] sorted = samples.clone();
    Arrays.sort(sorted);
    long[] observed = new long[bins];
    int b = 0;
    for (long s : sorted) {
      while (s > upper[b]) {
        b++;
      }
      observed[b]++;
    }
    double chi2 = 0;
    for (int i = 0; i < bins; i++) {
      double d = observed[i] - expected[i];
      chi2 += d * d / expected[i];
    }
    int df = bins - 1;
    double critical = chiSquareCritical(df);
    assertTrue(chi2 < critical,
        "chi-square " + chi2 + " with " + df + " degrees of freedom exceeds " + critical);
  }

  /**
   * Upper {@link #FALSE_FAILURE_RATE} quantile of chi-square with {@code df} degrees of freedom,
   * by the Wilson-Hilferty cube-root normal approximation (conservative for small {@code df}).
   */
  static double chiSquareCritical(int df) {
    if (df <= 0) {
      return Double.POSITIVE_INFINITY; // a single bin carries no information
    }
    double a = 2.0 / (9.0 * df);
    double c = 1 - a + Z_ONE_SIDED * Math.sqrt(a);
    return df * c * c * c;
  }
}
