package io.fedrec.core.dp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedrec.core.aggregate.AggregateResult;
import io.fedrec.core.aggregate.AggregationProcess;
import io.fedrec.core.aggregate.ClientContribution;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;

/** The distributed discrete Gaussian: calibration, modulus headroom, the noise itself. */
class DistributedNoiseTest {

  @Test
  void calibration_coversTheRoundingAndTheWorstAllowedDropout() {
    // Delta = 0.5 * 65536 + sqrt(10000) + 1 = 32869; (z Delta)^2 / m with z = 1, m = 50
    DistributedNoise n = new DistributedNoise(0.5, 1.0, 65536, 10_000, 50);
    assertEquals(32_869.0, n.sensitivityUnits(), 1e-9);
    BigInteger expected = BigInteger.valueOf(32_869L * 32_869L).add(BigInteger.valueOf(49))
        .divide(BigInteger.valueOf(50)); // ceiling
    assertEquals(expected, n.clientVarianceUnits());
    // with exactly m survivors the sum's variance is at least (z Delta)^2
    assertTrue(n.sumStddevUnits(50) >= 32_869.0);
    assertEquals(0.0, n.tau(1000), "tau underflows at variance ~2e7");
  }

  @Test
  void bits_leaveTwelveStandardDeviationsOfHeadroom() {
    DistributedNoise n = new DistributedNoise(0.5, 1.0, 65536, 10_000, 90);
    // n = 100 clients, M = 65536: 6,553,600 + 12 * sqrt(100 * ceil(32869^2 / 90)) = 6,553,600
    // + 12 * 34,647.3 = 6,969,368 < 2^23, so 24 bits
    assertEquals(24, n.bitsFor(100, 65536));
    assertThrows(IllegalArgumentException.class, () -> n.bitsFor(40_000, 65536));
  }

  @Test
  void refusesNoiseTooSmallForTheSumBound() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new DistributedNoise(1e-6, 1e-3, 1, 1, 1000));
    assertTrue(e.getMessage().contains("below 4"), e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> new DistributedNoise(0.5, 0, 65536, 10, 1));
    assertThrows(IllegalArgumentException.class,
        () -> new DistributedNoise(0.5, 1, 65536, 10, 0));
  }

  /**
   * The noise of m clients, added to zero residues modulo 2^bits and summed there, decodes to a
   * centred variable of variance m * s^2 (z-tests on mean and variance, false-failure rate 1e-6
   * each, {@link SamplerStatistics}).
   */
  @Test
  void noiseOfTheSurvivors_sumsToTheTargetVariance() {
    DistributedNoise n = new DistributedNoise(0.01, 1.0, 1024, 100, 8);
    int bits = 20;
    int m = 8;
    int coords = 20_000;
    int[] sum = new int[coords];
    for (int c = 0; c < m; c++) {
      int[] input = new int[coords];
      n.addNoise(input, bits, RandomSource.seeded(100 + c));
      for (int i = 0; i < coords; i++) {
        assertTrue(input[i] >= 0 && input[i] < (1 << bits));
        sum[i] = (sum[i] + input[i]) & ((1 << bits) - 1);
      }
    }
    long[] decoded = new long[coords];
    for (int i = 0; i < coords; i++) {
      decoded[i] = (sum[i] << (32 - bits)) >> (32 - bits);
    }
    double v = m * n.clientVarianceUnits().doubleValue();
    SamplerStatistics.Moments expected = new SamplerStatistics.Moments(0, v, 3 * v * v);
    SamplerStatistics.assertMean(decoded, expected);
    SamplerStatistics.assertVariance(decoded, expected);
  }

  @Test
  void addNoise_isReproducibleWithASeedAndDiffersAcrossSeeds() {
    DistributedNoise n = new DistributedNoise(0.5, 1.0, 65536, 100, 10);
    int[] a = new int[100];
    int[] b = new int[100];
    int[] c = new int[100];
    n.addNoise(a, 32, RandomSource.seeded(1));
    n.addNoise(b, 32, RandomSource.seeded(1));
    n.addNoise(c, 32, RandomSource.seeded(2));
    assertArrayEquals(a, b);
    assertTrue(!java.util.Arrays.equals(a, c));
  }

  @Test
  void distributedSumAggregation_dividesTheOneSumByTheExpectedWeight() {
    AggregationProcess.RoundAggregator r =
        new DistributedSumAggregation(0.5, 1.2, 40).create().begin(1, 3);
    r.accept(new ClientContribution("secagg-sum", new float[] {4, -8, 0.5f}, 37));
    assertThrows(IllegalStateException.class,
        () -> r.accept(new ClientContribution("one-client", new float[] {1, 1, 1}, 1)));
    AggregateResult result = r.finish();
    assertArrayEquals(new float[] {0.1f, -0.2f, 0.0125f}, result.meanUpdate());
    assertEquals(1.2 * 0.5 / 40, result.measurements().get("noise_stddev"), 1e-12);
    AggregationProcess.RoundAggregator empty =
        new DistributedSumAggregation(0.5, 1.2, 40).create().begin(1, 3);
    assertThrows(IllegalStateException.class, empty::finish);
  }

  /**
   * Local DP without secure aggregation: the noisy copy of a constant update is centred on it
   * with variance (z Delta)^2 / scale^2 per coordinate (z-tests, false-failure rate 1e-6 each).
   */
  @Test
  void noisyCopy_isCentredOnTheUpdateWithTheFullVariance() {
    int d = 20_000;
    DistributedNoise n = new DistributedNoise(0.01, 1.0, 1024, d, 1);
    float[] update = new float[d];
    java.util.Arrays.fill(update, 0.25f);
    float[] noisy = n.noisyCopy(update, new java.util.SplittableRandom(3), RandomSource.seeded(4));
    long[] units = new long[d];
    for (int i = 0; i < d; i++) {
      units[i] = Math.round((noisy[i] - 0.25) * 1024); // the update is exactly 256 units
    }
    double v = n.clientVarianceUnits().doubleValue();
    SamplerStatistics.Moments expected = new SamplerStatistics.Moments(0, v, 3 * v * v);
    SamplerStatistics.assertMean(units, expected);
    SamplerStatistics.assertVariance(units, expected);
  }
}
