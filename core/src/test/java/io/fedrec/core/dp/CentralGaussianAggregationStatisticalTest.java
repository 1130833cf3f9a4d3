package io.fedrec.core.dp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedrec.core.aggregate.AggregationProcess;
import io.fedrec.core.aggregate.ClientContribution;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Distribution of the noise that {@link CentralGaussianAggregation} publishes: all submissions are
 * zero, so every published coordinate is one draw of the discrete Gaussian of variance {@code
 * ceil((z * C * 2^24)^2)} fixed-point units, divided by {@code 2^24 * expectedWeight}. For the
 * cases below {@code sigma} is at least 10^5 units, where the discrete Gaussian's variance equals
 * {@code sigma^2} to within a relative {@code O(e^{-2 pi^2 sigma^2})} and the ceiling adds less
 * than 10^-10 relative, so the coordinates are i.i.d. {@code N(0, (z * C / W)^2)} for the purpose
 * of these tests (the continuous normal's moments; the discreteness is far below float
 * resolution).
 *
 * <p>Each assertion fails for a correct implementation with probability at most {@link
 * SamplerStatistics#FALSE_FAILURE_RATE} (1e-6) for a random seed; the seed is fixed (2024), so runs
 * are deterministic.
 */
class CentralGaussianAggregationStatisticalTest {
  private static final int DIMENSION = 20_000;
  private static final long SEED = 2024;

  /** The published mean of one round whose only submission is the zero vector. */
  private static float[] publishedNoise(double clipNorm, double noiseMultiplier, long weight) {
    AggregationProcess.RoundAggregator round =
        new CentralGaussianAggregation(clipNorm, noiseMultiplier, weight, RandomSource.seeded(SEED))
            .create()
            .begin(1, DIMENSION);
    round.accept(new ClientContribution("zero", new float[DIMENSION], 1));
    float[] mean = round.finish().meanUpdate();
    assertEquals(DIMENSION, mean.length);
    return mean;
  }

  private static double sampleMean(float[] x) {
    double s = 0;
    for (float v : x) {
      s += v;
    }
    return s / x.length;
  }

  private static double sampleVariance(float[] x) {
    double mean = sampleMean(x);
    double s = 0;
    for (float v : x) {
      double d = v - mean;
      s += d * d;
    }
    return s / (x.length - 1);
  }

  /**
   * The sample mean of n i.i.d. {@code N(0, sigma^2)} is {@code N(0, sigma^2 / n)}: it lies within
   * {@code 4.8916 sigma / sqrt(n)} of 0 (about 0.035 sigma for n = 20,000) but with probability
   * 1e-6.
   */
  @ParameterizedTest(name = "C = {0}, z = {1}, W = {2}")
  @CsvSource({"0.5, 1.1, 8", "3.0, 0.7, 1000", "0.01, 5.0, 1"})
  void finish_zeroSubmissions_sampleMeanIsZero(
      double clipNorm, double noiseMultiplier, long expectedWeight) {
    double sigma = noiseMultiplier * clipNorm / expectedWeight;

    double mean = sampleMean(publishedNoise(clipNorm, noiseMultiplier, expectedWeight));

    double tolerance = SamplerStatistics.Z_TWO_SIDED * sigma / Math.sqrt(DIMENSION);
    assertTrue(Math.abs(mean) <= tolerance,
        "sample mean " + mean + " outside +-" + tolerance + " (sigma " + sigma + ")");
  }

  /**
   * With {@code k = n - 1}, {@code k s^2 / sigma^2} is chi-square with k degrees of freedom. By the
   * Wilson-Hilferty transform (Wilson and Hilferty, PNAS 17, 1931) {@code (s^2 / sigma^2)^(1/3)} is
   * normal with mean {@code 1 - 2 / (9k)} and variance {@code 2 / (9k)}, accurate far into the
   * tails for k = 19,999 (the plain normal approximation of chi-square would understate the upper
   * tail at 5 standard deviations, skewness {@code sqrt(8 / k)} = 0.02). The two-sided bound
   * 4.8916 on that normal gives s within about +-2.5% of {@code sigma = z * C / W}.
   */
  @ParameterizedTest(name = "C = {0}, z = {1}, W = {2}")
  @CsvSource({"0.5, 1.1, 8", "3.0, 0.7, 1000", "0.01, 5.0, 1"})
  void finish_zeroSubmissions_sampleStddevIsNoiseMultiplierTimesClipNormOverWeight(
      double clipNorm, double noiseMultiplier, long expectedWeight) {
    double sigma = noiseMultiplier * clipNorm / expectedWeight;

    double variance = sampleVariance(publishedNoise(clipNorm, noiseMultiplier, expectedWeight));

    double k = DIMENSION - 1;
    double cubeRoot = Math.cbrt(variance / (sigma * sigma));
    double center = 1 - 2 / (9 * k);
    double halfWidth = SamplerStatistics.Z_TWO_SIDED * Math.sqrt(2 / (9 * k));
    double low = sigma * Math.pow(center - halfWidth, 1.5);
    double high = sigma * Math.pow(center + halfWidth, 1.5);
    assertTrue(Math.abs(cubeRoot - center) <= halfWidth,
        "sample stddev " + Math.sqrt(variance) + " outside [" + low + ", " + high + "]");
  }
}
