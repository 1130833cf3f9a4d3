package io.fedrec.core.dp;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongToDoubleFunction;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Distribution of {@link DiscreteLaplaceSampler} against the exact pmf {@code ∝ exp(-|x| / b)}
 * (normalising constant and moments summed numerically). Each assertion fails for a correct
 * sampler with probability at most {@link SamplerStatistics#FALSE_FAILURE_RATE} (1e-6) for a
 * random seed; seeds are fixed, so runs are deterministic.
 */
class DiscreteLaplaceStatisticalTest {
  private static final int N = 400_000;

  /** Samples per scale, drawn once (seed 301) and shared by the four checks of that scale. */
  private static final Map<String, long[]> SAMPLES = new ConcurrentHashMap<>();

  private static long[] draw(long numerator, long denominator) {
    return SAMPLES.computeIfAbsent(numerator + "/" + denominator, key -> {
      long[] samples = new long[N];
      DiscreteLaplaceSampler.ofScale(numerator, denominator, RandomSource.seeded(301))
          .sample(samples);
      return samples;
    });
  }

  private static LongToDoubleFunction pmf(long numerator, long denominator) {
    double scale = (double) numerator / denominator;
    return x -> Math.exp(-Math.abs(x) / scale);
  }

  /** Summation radius: the mass beyond 60 scales is below e^-60. */
  private static long radius(long numerator, long denominator) {
    return (long) Math.ceil(60.0 * numerator / denominator) + 5;
  }

  @ParameterizedTest(name = "scale = {0}/{1}")
  @CsvSource({"1, 1", "10, 1", "1, 3", "7, 2", "1000, 1"})
  void sample_meanIsZero(long numerator, long denominator) {
    SamplerStatistics.assertMean(draw(numerator, denominator),
        SamplerStatistics.moments(pmf(numerator, denominator), radius(numerator, denominator)));
  }

  @ParameterizedTest(name = "scale = {0}/{1}")
  @CsvSource({"1, 1", "10, 1", "1, 3", "7, 2", "1000, 1"})
  void sample_varianceMatchesExactPmf(long numerator, long denominator) {
    SamplerStatistics.Moments exact =
        SamplerStatistics.moments(pmf(numerator, denominator), radius(numerator, denominator));
    // Cross-check the numerical sum against the closed form 2q / (1 - q)^2, q = exp(-1/b).
    double q = Math.exp(-(double) denominator / numerator);
    double closedForm = 2 * q / ((1 - q) * (1 - q));
    if (Math.abs(exact.variance() - closedForm) > 1e-9 * closedForm) {
      throw new AssertionError("variance sum " + exact.variance() + " vs " + closedForm);
    }
    SamplerStatistics.assertVariance(draw(numerator, denominator), exact);
  }

  @ParameterizedTest(name = "scale = {0}/{1}")
  @CsvSource({"1, 1", "10, 1", "1, 3", "7, 2", "1000, 1"})
  void sample_fitsExactPmf(long numerator, long denominator) {
    SamplerStatistics.assertChiSquare(draw(numerator, denominator),
        pmf(numerator, denominator), radius(numerator, denominator));
  }

  @ParameterizedTest(name = "scale = {0}/{1}")
  @CsvSource({"1, 1", "10, 1", "1, 3", "7, 2", "1000, 1"})
  void sample_isSymmetric(long numerator, long denominator) {
    SamplerStatistics.assertSymmetric(draw(numerator, denominator));
  }
}
