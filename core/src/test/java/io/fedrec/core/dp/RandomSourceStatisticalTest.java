package io.fedrec.core.dp;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;

/**
 * Uniformity of {@link RandomSource}. Each assertion fails for a correct source with probability
 * at most {@link SamplerStatistics#FALSE_FAILURE_RATE} (1e-6) for a random seed; seeds are fixed,
 * so runs are deterministic.
 */
class RandomSourceStatisticalTest {
  private static final int N = 600_000;

  @Test
  void nextLong_smallBound_isUniform() {
    RandomSource random = RandomSource.seeded(101);
    long[] samples = new long[N];
    for (int i = 0; i < N; i++) {
      samples[i] = random.nextLong(7);
    }
    SamplerStatistics.assertChiSquare(samples, x -> x >= 0 && x < 7 ? 1 : 0, 7);
  }

  @Test
  void nextLong_boundOneAndAHalfTimes2To62_thirdsEquallyLikely() {
    // 3 * 2^61 does not divide 2^64: plain "x mod bound" would make the lowest third 1.5x more
    // likely than each of the others.
    RandomSource random = RandomSource.seeded(102);
    long bound = 3L << 61;
    long[] thirds = new long[N];
    for (int i = 0; i < N; i++) {
      thirds[i] = random.nextLong(bound) / (1L << 61);
    }
    SamplerStatistics.assertChiSquare(thirds, x -> x >= 0 && x < 3 ? 1 : 0, 3);
  }

  @Test
  void nextLong_secureSource_isUniform() {
    // The one check that cannot use a fixed seed: it guards the block reading of SecureRandom.
    RandomSource random = RandomSource.secure();
    long[] samples = new long[N];
    for (int i = 0; i < N; i++) {
      samples[i] = random.nextLong(10);
    }
    SamplerStatistics.assertChiSquare(samples, x -> x >= 0 && x < 10 ? 1 : 0, 10);
  }

  @Test
  void nextBoolean_isFair() {
    RandomSource random = RandomSource.seeded(103);
    long ones = 0;
    for (int i = 0; i < N; i++) {
      ones += random.nextBoolean() ? 1 : 0;
    }
    SamplerStatistics.assertBinomial(ones, N, 0.5);
  }

  @Test
  void nextBigInteger_hugeBound_quartersEquallyLikely() {
    RandomSource random = RandomSource.seeded(104);
    BigInteger bound = BigInteger.ONE.shiftLeft(100).multiply(BigInteger.valueOf(3)); // 3 * 2^100
    BigInteger quarter = BigInteger.ONE.shiftLeft(98).multiply(BigInteger.valueOf(3));
    int n = 100_000;
    long[] quarters = new long[n];
    for (int i = 0; i < n; i++) {
      quarters[i] = random.nextBigInteger(bound).divide(quarter).longValue();
    }
    SamplerStatistics.assertChiSquare(quarters, x -> x >= 0 && x < 4 ? 1 : 0, 4);
  }
}
