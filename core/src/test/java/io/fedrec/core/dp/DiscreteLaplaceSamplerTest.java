package io.fedrec.core.dp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class DiscreteLaplaceSamplerTest {

  @Test
  void ofScale_zeroNumerator_throwsNamingTheValue() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> DiscreteLaplaceSampler.ofScale(0, 1));
    assertEquals("scaleNumerator must be in [1, 9223372036854775807]. Provided value: 0",
        e.getMessage());
  }

  @Test
  void ofScale_negativeDenominator_throwsNamingTheValue() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> DiscreteLaplaceSampler.ofScale(1, -3));
    assertEquals("scaleDenominator must be in [1, 9223372036854775807]. Provided value: -3",
        e.getMessage());
  }

  @Test
  void ofScale_nanDouble_throwsNamingTheValue() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> DiscreteLaplaceSampler.ofScale(Double.NaN));
    assertEquals("scale must be > 0 and finite. Provided value: NaN", e.getMessage());
  }

  @Test
  void ofScale_tinyDouble_throwsBecauseFractionDoesNotFit() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> DiscreteLaplaceSampler.ofScale(1e-30));
    assertEquals(
        "scale must be an exact fraction with numerator and denominator < 2^63. Provided value: "
            + "1.0E-30",
        e.getMessage());
  }

  @Test
  void ofScale_double_convertsExactlyNotByDecimalRounding() {
    DiscreteLaplaceSampler sampler = DiscreteLaplaceSampler.ofScale(0.1, RandomSource.seeded(1));
    assertEquals(3602879701896397L, sampler.scaleNumerator());
    assertEquals(1L << 55, sampler.scaleDenominator());
  }

  @Test
  void ofScale_longs_reducesTheFraction() {
    DiscreteLaplaceSampler sampler = DiscreteLaplaceSampler.ofScale(12, 8, RandomSource.seeded(1));
    assertEquals(3, sampler.scaleNumerator());
    assertEquals(2, sampler.scaleDenominator());
    assertEquals("DiscreteLaplace(scale=3/2)", sampler.toString());
  }

  @Test
  void sample_sameSeed_sameSamples() {
    long[] a = new long[1000];
    long[] b = new long[1000];
    DiscreteLaplaceSampler.ofScale(7, 2, RandomSource.seeded(31)).sample(a);
    DiscreteLaplaceSampler.ofScale(7, 2, RandomSource.seeded(31)).sample(b);
    assertArrayEquals(a, b);
  }

  @Test
  void addNoise_longVector_addsTheSameNoiseAsSample() {
    long[] noise = new long[1000];
    DiscreteLaplaceSampler.ofScale(5, 1, RandomSource.seeded(32)).sample(noise);
    long[] values = new long[1000];
    for (int i = 0; i < values.length; i++) {
      values[i] = 1000L * i;
    }
    DiscreteLaplaceSampler.ofScale(5, 1, RandomSource.seeded(32)).addNoise(values);
    for (int i = 0; i < values.length; i++) {
      assertEquals(1000L * i + noise[i], values[i]);
    }
  }

  @Test
  void addNoise_intVector_addsTheSameNoiseAsSample() {
    long[] noise = new long[1000];
    DiscreteLaplaceSampler.ofScale(5, 1, RandomSource.seeded(33)).sample(noise);
    int[] values = new int[1000];
    DiscreteLaplaceSampler.ofScale(5, 1, RandomSource.seeded(33)).addNoise(values);
    for (int i = 0; i < values.length; i++) {
      assertEquals(noise[i], values[i]);
    }
  }

  @Test
  void addNoise_intOverflow_failsClosed() {
    int[] values = new int[10_000];
    java.util.Arrays.fill(values, Integer.MAX_VALUE);
    assertThrows(ArithmeticException.class,
        () -> DiscreteLaplaceSampler.ofScale(5, 1, RandomSource.seeded(34)).addNoise(values));
  }

  @Test
  void sample_tinyScale_mostlyZeroButNotAlways() {
    // scale 1/20: P[X != 0] = 2q / (1 + q) with q = e^-20 ~= 2e-9, so 0 in practice.
    DiscreteLaplaceSampler sampler = DiscreteLaplaceSampler.ofScale(1, 20, RandomSource.seeded(35));
    for (int i = 0; i < 10_000; i++) {
      assertEquals(0, sampler.sample());
    }
  }

  @Test
  void sample_hugeScale_producesLargeValues() {
    DiscreteLaplaceSampler sampler =
        DiscreteLaplaceSampler.ofScale(1L << 60, 1, RandomSource.seeded(36));
    long maxAbs = 0;
    for (int i = 0; i < 100; i++) {
      maxAbs = Math.max(maxAbs, Math.abs(sampler.sample()));
    }
    assertNotEquals(0, maxAbs);
    assertEquals(true, maxAbs > (1L << 58), "max |x| = " + maxAbs);
  }
}
