package io.fedrec.core.dp;

import java.math.BigInteger;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongToDoubleFunction;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Distribution of {@link PoissonSampler} and {@link SkellamSampler} against their exact pmfs
 * (computed here independently, by the recurrence {@code p(k+1) / p(k) = lambda / (k + 1)} from the
 * mode, and for the Skellam by convolving two Poisson pmfs). Each assertion fails for a correct
 * sampler with probability at most {@link SamplerStatistics#FALSE_FAILURE_RATE} (1e-6) for a
 * random seed; seeds are fixed, so runs are deterministic.
 */
class PoissonStatisticalTest {
  private static final int N = 200_000;

  private static final Map<String, long[]> SAMPLES = new ConcurrentHashMap<>();

  /** Poisson samples shifted by the mode {@code floor(num / den)}, drawn once per mean. */
  private static long[] poisson(long num, long den) {
    return SAMPLES.computeIfAbsent("P" + num + "/" + den, key -> {
      PoissonSampler s = PoissonSampler.ofMean(BigInteger.valueOf(num), BigInteger.valueOf(den),
          RandomSource.seeded(4242));
      long mode = num / den;
      long[] out = new long[N];
      for (int i = 0; i < N; i++) {
        out[i] = s.sample() - mode;
      }
      return out;
    });
  }

  private static long[] skellam(long variance, int n) {
    return SAMPLES.computeIfAbsent("S" + variance, key -> {
      long[] out = new long[n];
      SkellamSampler.ofVariance(BigInteger.valueOf(variance), BigInteger.ONE,
          RandomSource.seeded(99)).sample(out);
      return out;
    });
  }

  /** Summation radius around the mode: beyond 15 standard deviations plus 40 the mass is nil. */
  private static long radius(double lambda) {
    return (long) Math.ceil(15 * Math.sqrt(lambda)) + 40;
  }

  /** Unnormalised pmf of {@code Poisson(lambda) - mode} on {@code [-r, r]} (0 below -mode). */
  private static LongToDoubleFunction poissonPmf(double lambda, long mode, long r) {
    double[] logW = new double[(int) (2 * r + 1)];
    int centre = (int) r;
    for (int i = centre + 1; i < logW.length; i++) {
      logW[i] = logW[i - 1] + Math.log(lambda / (mode + (i - centre)));
    }
    for (int i = centre - 1; i >= 0; i--) {
      long k = mode + (i - centre); // p(k) = p(k+1) (k+1) / lambda
      logW[i] = k < 0 ? Double.NEGATIVE_INFINITY : logW[i + 1] + Math.log((k + 1) / lambda);
    }
    return x -> Math.abs(x) > r ? 0 : Math.exp(logW[(int) x + centre]);
  }

  @ParameterizedTest(name = "mean = {0}/{1}")
  @CsvSource({"3, 4", "37, 3", "2001, 2", "1000000, 1"})
  void poisson_meanVarianceAndShapeMatchExactPmf(long num, long den) {
    double lambda = (double) num / den;
    long r = radius(lambda);
    LongToDoubleFunction pmf = poissonPmf(lambda, num / den, r);
    SamplerStatistics.Moments exact = SamplerStatistics.moments(pmf, r);
    long[] samples = poisson(num, den);
    SamplerStatistics.assertMean(samples, exact);
    SamplerStatistics.assertVariance(samples, exact);
    SamplerStatistics.assertChiSquare(samples, pmf, r);
  }

  @ParameterizedTest(name = "variance = {0}")
  @CsvSource({"10", "999"})
  void skellam_matchesConvolutionOfTwoPoissons(long variance) {
    double lambda = variance / 2.0;
    long mode = (long) Math.floor(lambda);
    long r = radius(lambda);
    LongToDoubleFunction p = poissonPmf(lambda, mode, r);
    long sr = 2 * r;
    LongToDoubleFunction pmf = x -> {
      double s = 0;
      for (long a = -r; a <= r; a++) { // X = mode + a, Y = X - x
        long b = a - x;
        if (b >= -r && b <= r) {
          s += p.applyAsDouble(a) * p.applyAsDouble(b);
        }
      }
      return s;
    };
    long[] samples = skellam(variance, N);
    SamplerStatistics.Moments exact = SamplerStatistics.moments(pmf, sr);
    SamplerStatistics.assertMean(samples, exact);
    SamplerStatistics.assertVariance(samples, exact);
    SamplerStatistics.assertSymmetric(samples);
    SamplerStatistics.assertChiSquare(samples, pmf, sr);
  }
}
