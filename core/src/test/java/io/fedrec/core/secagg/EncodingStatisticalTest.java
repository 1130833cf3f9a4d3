package io.fedrec.core.secagg;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Stochastic rounding of {@link Encoding} is unbiased. Each assertion is a two-sided z-test at
 * |z| < 4.892, which a correct implementation fails with probability 1e-6 for a random seed; the
 * seeds are fixed, so runs are deterministic.
 */
class EncodingStatisticalTest {
  private static final double Z_1E6 = 4.892; // two-sided normal quantile for 1e-6
  private static final int N = 1_000_000;

  @Test
  void encode_fractionalValue_roundsUpWithItsFraction() {
    // x * scale = 2.3: rounds to 3 with probability 0.3, to 2 otherwise; mean must be 2.3.
    Encoding enc = Encoding.builder().cohortSize(1).clipRange(10).scale(1).build();
    float[] x = new float[N];
    java.util.Arrays.fill(x, 2.3f);
    int[] v = enc.encode(x, new SplittableRandom(20));
    long ups = 0;
    for (int i = 0; i < N; i++) {
      int s = enc.signedValue(v[i]);
      assertTrue(s == 2 || s == 3);
      ups += s - 2;
    }
    double p = 2.3f - 2.0; // the float nearest 2.3, as encoded
    double z = (ups - N * p) / Math.sqrt(N * p * (1 - p));
    assertTrue(Math.abs(z) < Z_1E6, "z = " + z);
  }

  @Test
  void encode_negativeFraction_isUnbiased() {
    // -0.7 * 4 = -2.8: rounds to -2 with probability 0.2, to -3 otherwise.
    Encoding enc = Encoding.builder().cohortSize(1).clipRange(1).scale(4).build();
    float[] x = new float[N];
    java.util.Arrays.fill(x, -0.7f);
    int[] v = enc.encode(x, new SplittableRandom(21));
    long sum = 0;
    for (int i = 0; i < N; i++) {
      sum += enc.signedValue(v[i]);
    }
    double y = -0.7f * 4.0;
    double frac = y - Math.floor(y);
    double sd = Math.sqrt(N * frac * (1 - frac));
    double z = (sum - N * y) / sd;
    assertTrue(Math.abs(z) < Z_1E6, "z = " + z);
  }
}
