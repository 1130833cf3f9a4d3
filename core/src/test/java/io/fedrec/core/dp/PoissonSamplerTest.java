package io.fedrec.core.dp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PoissonSamplerTest {

  private static BigInteger big(long v) {
    return BigInteger.valueOf(v);
  }

  @Test
  void ofMean_negativeMean_rejectedWithValue() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> PoissonSampler.ofMean(big(-1), big(2), RandomSource.seeded(1)));
    assertEquals("mean must be >= 0. Provided value: -1/2", e.getMessage());
  }

  @Test
  void ofMean_zeroDenominator_rejected() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> PoissonSampler.ofMean(big(1), big(0), RandomSource.seeded(1)));
    assertEquals("mean denominator must be > 0. Provided value: 1/0", e.getMessage());
  }

  @Test
  void ofMean_aboveTwoToThe40_rejected() {
    BigInteger tooLarge = PoissonSampler.MAX_MEAN.add(BigInteger.ONE);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> PoissonSampler.ofMean(tooLarge, BigInteger.ONE, RandomSource.seeded(1)));
    assertTrue(e.getMessage().startsWith("mean must be <= 2^40. Provided value: "),
        e.getMessage());
  }

  @Test
  void sample_meanZero_alwaysZero() {
    PoissonSampler s = PoissonSampler.ofMean(big(0), big(7), RandomSource.seeded(3));
    for (int i = 0; i < 1000; i++) {
      assertEquals(0, s.sample());
    }
  }

  @Test
  void ofMean_reducesTheFraction() {
    PoissonSampler s = PoissonSampler.ofMean(big(10), big(4), RandomSource.seeded(3));
    assertEquals(big(5), s.meanNumerator());
    assertEquals(big(2), s.meanDenominator());
  }

  @Test
  void ratio_isPmfRatioToTheMode() {
    PoissonSampler s = PoissonSampler.ofMean(big(3), big(1), RandomSource.seeded(3));
    // r(5) = 3^2 3! / 5! = 0.45; r(1) = 3! / (1! 3^2) = 2/3; r(-1) = 0
    BigInteger[] r5 = s.ratio(5);
    assertEquals(0.45, r5[0].doubleValue() / r5[1].doubleValue(), 1e-15);
    BigInteger[] r1 = s.ratio(1);
    assertEquals(2.0 / 3, r1[0].doubleValue() / r1[1].doubleValue(), 1e-15);
    assertEquals(BigInteger.ZERO, s.ratio(-1)[0]);
  }

  @ParameterizedTest(name = "x = {0}/{1}")
  @CsvSource({"0, 1", "1, 3", "1, 1", "999, 1000", "12345, 65536"})
  void expBounds_bracketExpAndTighten(long num, long den) {
    java.math.MathContext mc = new java.math.MathContext(80);
    java.math.BigDecimal exp = new java.math.BigDecimal(Math.exp((double) num / den));
    java.math.BigDecimal previousWidth = null;
    for (int terms = 6; terms <= 48; terms *= 2) {
      BigInteger[][] b = PoissonSampler.expBounds(big(num), big(den), terms);
      java.math.BigDecimal lo = new java.math.BigDecimal(b[0][0])
          .divide(new java.math.BigDecimal(b[0][1]), mc);
      java.math.BigDecimal hi = new java.math.BigDecimal(b[1][0])
          .divide(new java.math.BigDecimal(b[1][1]), mc);
      // Math.exp is within 1 ulp (2.2e-16 relative at most here)
      java.math.BigDecimal slack = exp.multiply(new java.math.BigDecimal("3e-16"));
      assertTrue(lo.compareTo(exp.add(slack)) <= 0, terms + " terms: lower " + lo);
      assertTrue(hi.compareTo(exp.subtract(slack)) >= 0, terms + " terms: upper " + hi);
      java.math.BigDecimal width = hi.subtract(lo);
      assertTrue(previousWidth == null || width.compareTo(previousWidth) < 0,
          "bounds must tighten with more terms: " + width + " after " + previousWidth);
      previousWidth = width;
    }
    // the width is exactly 2 / 49! at 48 terms
    assertTrue(previousWidth.compareTo(new java.math.BigDecimal("1e-61")) < 0,
        "48 terms enclose exp to 2/49!: " + previousWidth);
  }

  /**
   * The fast path decides {@code U < A(k)} in double precision only where the exact path would
   * give the same answer for the same {@code U}: with the same random stream both produce the same
   * samples, one by one. Means cover the direct-sum branch (below 1000) and Stirling's series.
   */
  @ParameterizedTest(name = "mean = {0}/{1}")
  @CsvSource({"3, 4", "37, 3", "999, 1", "5001, 2", "3000001, 3", "100000000, 1"})
  void sample_fastPathEqualsExactPathSampleBySample(long num, long den) {
    int n = num >= 1_000_000 ? 300 : 2000;
    long[] fast = new long[n];
    long[] exact = new long[n];
    PoissonSampler f = new PoissonSampler(big(num), big(den), RandomSource.seeded(77), true);
    PoissonSampler e = new PoissonSampler(big(num), big(den), RandomSource.seeded(77), false);
    for (int i = 0; i < n; i++) {
      fast[i] = f.sample();
      exact[i] = e.sample();
    }
    assertArrayEquals(exact, fast);
  }

  /**
   * At the means the clients use (a variance of 2^32 / 100 to 2^32), the double-precision test
   * decides every proposal of a 200,000-sample run: the error bound leaves an undecided interval
   * of relative width about 1e-9.
   */
  @ParameterizedTest(name = "mean = {0}")
  @CsvSource({"21474836", "2147483648"})
  void sample_clientMeans_decidedOnTheFastPath(long mean) {
    PoissonSampler s = PoissonSampler.ofMean(big(mean), big(1), RandomSource.seeded(11));
    for (int i = 0; i < 200_000; i++) {
      s.sample();
    }
    assertEquals(0, s.exactDecisions());
  }

  @Test
  void sample_secureByDefault_staysNearTheMean() {
    PoissonSampler s = PoissonSampler.ofMean(big(1_000_000), big(1));
    for (int i = 0; i < 100; i++) {
      long v = s.sample();
      // 12 standard deviations: fails with probability < 1e-30 for a correct sampler
      assertTrue(Math.abs(v - 1_000_000) < 12_000, "sample " + v);
    }
  }
}
