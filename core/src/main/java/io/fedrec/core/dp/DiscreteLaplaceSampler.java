package io.fedrec.core.dp;

import io.fedrec.core.model.Checks;
import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * Exact sampler of the discrete Laplace distribution on the integers with rational scale {@code
 * b = scaleNumerator / scaleDenominator}: {@code P[X = x] = (1 - q) / (1 + q) * q^|x|} with {@code
 * q = exp(-1 / b)}, i.e. the pmf is proportional to {@code exp(-|x| / b)}; its variance is {@code
 * 2q / (1 - q)^2}.
 *
 * <p>Algorithm 2 of C. L. Canonne, G. Kamath and T. Steinke, "The Discrete Gaussian for
 * Differential Privacy", NeurIPS 2020 (arXiv:2004.00010), with {@code t = scaleNumerator} and
 * {@code s = scaleDenominator}:
 *
 * <ol>
 *   <li>draw {@code U} uniform on {@code {0, ..., t-1}} and keep it with probability {@code
 *       exp(-U / t)} ({@link BernoulliSampler}, Algorithm 1), else restart;
 *   <li>count {@code V}, the number of {@code Bernoulli(exp(-1))} successes before the first
 *       failure; {@code X = U + t V} is then geometric with {@code P[X = x] ∝ exp(-x / t)};
 *   <li>{@code Y = floor(X / s)} is geometric with {@code P[Y = y] ∝ exp(-y s / t)};
 *   <li>draw a sign {@code B ~ Bernoulli(1/2)}; restart if {@code B = 1} and {@code Y = 0} (so
 *       that 0 is not counted twice), else return {@code (1 - 2B) Y}.
 * </ol>
 *
 * <p>Every step is integer arithmetic on uniform draws; the expected number of restarts is
 * {@code O(1)} for every scale. Parameters must fit in a {@code long} after reduction. If {@code
 * |X|} ever exceeds {@code long} range (probability {@code ~exp(-2^63 / b)}) the sample fails
 * closed with an {@link ArithmeticException}.
 *
 * <p>Not thread-safe (it owns a stateful {@link RandomSource}); use one instance per thread.
 */
public final class DiscreteLaplaceSampler implements IntegerNoiseSampler {
  private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

  private final long scaleNumerator;
  private final long scaleDenominator;
  private final RandomSource random;

  private DiscreteLaplaceSampler(long scaleNumerator, long scaleDenominator, RandomSource random) {
    long g = gcd(scaleNumerator, scaleDenominator);
    this.scaleNumerator = scaleNumerator / g;
    this.scaleDenominator = scaleDenominator / g;
    if (random == null) {
      throw new IllegalArgumentException("random must not be null");
    }
    this.random = random;
  }

  /**
   * Discrete Laplace with scale {@code scaleNumerator / scaleDenominator}, backed by {@link
   * RandomSource#secure()}.
   *
   * @throws IllegalArgumentException unless both are {@code >= 1}
   */
  public static DiscreteLaplaceSampler ofScale(long scaleNumerator, long scaleDenominator) {
    checkScale(scaleNumerator, scaleDenominator); // before paying for a SecureRandom
    return ofScale(scaleNumerator, scaleDenominator, RandomSource.secure());
  }

  /** As {@link #ofScale(long, long)} with the given randomness. */
  public static DiscreteLaplaceSampler ofScale(
      long scaleNumerator, long scaleDenominator, RandomSource random) {
    checkScale(scaleNumerator, scaleDenominator);
    return new DiscreteLaplaceSampler(scaleNumerator, scaleDenominator, random);
  }

  private static void checkScale(long scaleNumerator, long scaleDenominator) {
    Checks.inRange("scaleNumerator", scaleNumerator, 1, Long.MAX_VALUE);
    Checks.inRange("scaleDenominator", scaleDenominator, 1, Long.MAX_VALUE);
  }

  /**
   * Discrete Laplace with the scale given as a double, converted <b>exactly</b> to a rational
   * through {@link BigDecimal#BigDecimal(double)}: {@code ofScale(0.1)} uses the binary value
   * {@code 3602879701896397 / 36028797018963968}, not {@code 1/10}. Use {@link #ofScale(long,
   * long)} for a decimal fraction. Backed by {@link RandomSource#secure()}.
   *
   * @throws IllegalArgumentException unless {@code scale} is finite and {@code > 0} and its exact
   *     reduced fraction fits in {@code long}
   */
  public static DiscreteLaplaceSampler ofScale(double scale) {
    checkedScaleFraction(scale); // before paying for a SecureRandom
    return ofScale(scale, RandomSource.secure());
  }

  /** As {@link #ofScale(double)} with the given randomness. */
  public static DiscreteLaplaceSampler ofScale(double scale, RandomSource random) {
    BigInteger[] fraction = checkedScaleFraction(scale);
    return new DiscreteLaplaceSampler(fraction[0].longValue(), fraction[1].longValue(), random);
  }

  private static BigInteger[] checkedScaleFraction(double scale) {
    Checks.positiveFinite("scale", scale);
    BigInteger[] fraction = exactFraction(scale);
    if (fraction[0].compareTo(LONG_MAX) > 0 || fraction[1].compareTo(LONG_MAX) > 0) {
      throw new IllegalArgumentException(
          "scale must be an exact fraction with numerator and denominator < 2^63. Provided value: "
              + scale);
    }
    return fraction;
  }

  /** Numerator of the reduced scale. */
  public long scaleNumerator() {
    return scaleNumerator;
  }

  /** Denominator of the reduced scale. */
  public long scaleDenominator() {
    return scaleDenominator;
  }

  @Override
  public long sample() {
    return sample(random, scaleNumerator, scaleDenominator);
  }

  @Override
  public String toString() {
    return "DiscreteLaplace(scale=" + scaleNumerator + "/" + scaleDenominator + ")";
  }

  /** Algorithm 2 for scale {@code t / s}, {@code t, s >= 1}. */
  static long sample(RandomSource random, long t, long s) {
    while (true) {
      long u = 0;
      if (t > 1) {
        u = random.nextLong(t);
        if (!BernoulliSampler.sampleExpMinusFraction(random, u, t)) {
          continue;
        }
      }
      long v = 0;
      while (BernoulliSampler.sampleExpMinusOne(random)) {
        v++;
      }
      long y;
      if (v <= (Long.MAX_VALUE - u) / t) {
        long x = u + t * v;
        y = s == 1 ? x : x / s;
      } else {
        BigInteger x = BigInteger.valueOf(t).multiply(BigInteger.valueOf(v)).add(
            BigInteger.valueOf(u));
        BigInteger big = x.divide(BigInteger.valueOf(s));
        if (big.compareTo(LONG_MAX) > 0) {
          throw new ArithmeticException("discrete Laplace sample exceeds the long range: " + big);
        }
        y = big.longValue();
      }
      boolean negative = random.nextBoolean();
      if (negative && y == 0) {
        continue;
      }
      return negative ? -y : y;
    }
  }

  /** The exact value of a finite double as a reduced fraction {numerator, denominator > 0}. */
  static BigInteger[] exactFraction(double value) {
    BigDecimal exact = new BigDecimal(value); // exact binary value, no rounding
    BigInteger numerator = exact.unscaledValue();
    BigInteger denominator = BigInteger.ONE;
    int scale = exact.scale();
    if (scale > 0) {
      denominator = BigInteger.TEN.pow(scale);
    } else if (scale < 0) {
      numerator = numerator.multiply(BigInteger.TEN.pow(-scale));
    }
    BigInteger g = numerator.gcd(denominator);
    return new BigInteger[] {numerator.divide(g), denominator.divide(g)};
  }

  private static long gcd(long a, long b) {
    while (b != 0) {
      long r = a % b;
      a = b;
      b = r;
    }
    return a;
  }
}
