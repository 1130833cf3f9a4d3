package io.fedrec.core.dp;

import static java.math.BigInteger.ONE;
import static java.math.BigInteger.ZERO;
import static java.math.BigInteger.valueOf;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;

class DiscreteGaussianSamplerTest {

  @Test
  void ofSigmaSquared_zeroNumerator_throwsNamingTheValue() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> DiscreteGaussianSampler.ofSigmaSquared(ZERO, ONE));
    assertEquals("sigmaSquaredNumerator must be > 0. Provided value: 0", e.getMessage());
  }

  @Test
  void ofSigmaSquared_negativeDenominator_throwsNamingTheValue() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> DiscreteGaussianSampler.ofSigmaSquared(ONE, valueOf(-4)));
    assertEquals("sigmaSquaredDenominator must be > 0. Provided value: -4", e.getMessage());
  }

  @Test
  void ofSigmaSquared_tooLarge_throwsNamingTheValue() {
    BigInteger tooLarge = ONE.shiftLeft(62).add(ONE);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> DiscreteGaussianSampler.ofSigmaSquared(tooLarge, ONE));
    assertEquals("sigmaSquared must be <= 2^62. Provided value: 4611686018427387905/1",
        e.getMessage());
  }

  @Test
  void ofSigma_infinite_throwsNamingTheValue() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> DiscreteGaussianSampler.ofSigma(Double.POSITIVE_INFINITY));
    assertEquals("sigma must be > 0 and finite. Provided value: Infinity", e.getMessage());
  }

  @Test
  void ofSigma_negative_throwsNamingTheValue() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> DiscreteGaussianSampler.ofSigma(-1.5));
    assertEquals("sigma must be > 0 and finite. Provided value: -1.5", e.getMessage());
  }

  @Test
  void ofSigma_aboveTwoTo31_throwsNamingTheValue() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> DiscreteGaussianSampler.ofSigma(3e9));
    assertEquals("sigma must be <= 2^31. Provided value: 3.0E9", e.getMessage());
  }

  @Test
  void ofSigma_double_squaresTheExactBinaryValue() {
    DiscreteGaussianSampler sampler = DiscreteGaussianSampler.ofSigma(0.1, RandomSource.seeded(1));
    BigDecimal exact = new BigDecimal(0.1);
    BigDecimal squared = exact.multiply(exact);
    assertEquals(0, new BigDecimal(sampler.sigmaSquaredNumerator())
        .divide(new BigDecimal(sampler.sigmaSquaredDenominator()))
        .compareTo(squared));
    assertEquals(valueOf(3602879701896397L).pow(2), sampler.sigmaSquaredNumerator());
    assertEquals(ONE.shiftLeft(110), sampler.sigmaSquaredDenominator());
  }

  @Test
  void ofSigma_integer_givesIntegerSigmaSquared() {
    DiscreteGaussianSampler sampler = DiscreteGaussianSampler.ofSigma(3.0, RandomSource.seeded(1));
    assertEquals(valueOf(9), sampler.sigmaSquaredNumerator());
    assertEquals(ONE, sampler.sigmaSquaredDenominator());
  }

  @Test
  void ofSigmaSquared_reducesTheFraction() {
    DiscreteGaussianSampler sampler =
        DiscreteGaussianSampler.ofSigmaSquared(valueOf(14), valueOf(6), RandomSource.seeded(1));
    assertEquals(valueOf(7), sampler.sigmaSquaredNumerator());
    assertEquals(valueOf(3), sampler.sigmaSquaredDenominator());
    assertEquals("DiscreteGaussian(sigma^2=7/3)", sampler.toString());
  }

  @Test
  void laplaceScale_isFloorSigmaPlusOne() {
    assertEquals(1, scale(1, 4)); // sigma = 0.5
    assertEquals(2, scale(1, 1)); // sigma = 1
    assertEquals(2, scale(7, 3)); // sigma ~= 1.53
    assertEquals(3, scale(4, 1)); // sigma = 2 exactly
    assertEquals(2, scale(399_999_999, 100_000_000)); // sigma just below 2
    assertEquals(100_001, scale(10_000_000_000L, 1));
  }

  private static long scale(long num, long den) {
    return DiscreteGaussianSampler
        .ofSigmaSquared(valueOf(num), valueOf(den), RandomSource.seeded(1))
        .laplaceScale();
  }

  @Test
  void sample_sameSeed_sameSamples() {
    long[] a = new long[1000];
    long[] b = new long[1000];
    DiscreteGaussianSampler.ofSigmaSquared(valueOf(50), ONE, RandomSource.seeded(41)).sample(a);
    DiscreteGaussianSampler.ofSigmaSquared(valueOf(50), ONE, RandomSource.seeded(41)).sample(b);
    assertArrayEquals(a, b);
  }

  @Test
  void sample_tinySigma_alwaysZero() {
    // sigma^2 = 1/100: P[X != 0] ~= 2 exp(-50) ~= 4e-22.
    DiscreteGaussianSampler sampler =
        DiscreteGaussianSampler.ofSigmaSquared(ONE, valueOf(100), RandomSource.seeded(42));
    for (int i = 0; i < 10_000; i++) {
      assertEquals(0, sampler.sample());
    }
  }

  @Test
  void addNoise_longVector_addsTheSameNoiseAsSample() {
    long[] noise = new long[1000];
    DiscreteGaussianSampler.ofSigmaSquared(valueOf(1000), ONE, RandomSource.seeded(43))
        .sample(noise);
    long[] values = new long[1000];
    for (int i = 0; i < values.length; i++) {
      values[i] = -7L * i;
    }
    DiscreteGaussianSampler.ofSigmaSquared(valueOf(1000), ONE, RandomSource.seeded(43))
        .addNoise(values);
    for (int i = 0; i < values.length; i++) {
      assertEquals(-7L * i + noise[i], values[i]);
    }
  }

  @Test
  void addNoise_longOverflow_failsClosed() {
    long[] values = new long[10_000];
    java.util.Arrays.fill(values, Long.MIN_VALUE);
    assertThrows(ArithmeticException.class,
        () -> DiscreteGaussianSampler.ofSigmaSquared(valueOf(100), ONE, RandomSource.seeded(44))
            .addNoise(values));
  }

  @Test
  void ofSigmaSquared_nullRandomSource_throws() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> DiscreteGaussianSampler.ofSigmaSquared(ONE, ONE, null));
    assertEquals("random must not be null", e.getMessage());
  }
}
