package io.fedrec.core.dp;

import java.math.BigInteger;

/**
 * Exact Bernoulli samplers for a rational probability {@code p = numerator / denominator} and for
 * {@code p = exp(-gamma)} with rational {@code gamma = numerator / denominator >= 0}, with no
 * floating point anywhere: every decision compares uniform integers from a {@link RandomSource}.
 *
 * <p>{@code Bernoulli(n / d)} is {@code [U < n]} for {@code U} uniform on {@code {0, ..., d-1}}.
 * {@code Bernoulli(exp(-gamma))} is Algorithm 1 of C. L. Canonne, G. Kamath and T. Steinke, "The
 * Discrete Gaussian for Differential Privacy", NeurIPS 2020 (arXiv:2004.00010):
 *
 * <ul>
 *   <li>for {@code gamma} in {@code [0, 1]}: draw {@code A_k ~ Bernoulli(gamma / k)} for {@code k
 *       = 1, 2, ...} until the first {@code A_K = 0} and return {@code [K odd]}. Since {@code P[K >
 *       k] = gamma^k / k!}, {@code P[K odd] = sum_k (-gamma)^k / k! = exp(-gamma)};
 *   <li>for {@code gamma > 1}: return 1 only if {@code floor(gamma)} independent {@code
 *       Bernoulli(exp(-1))} draws and one {@code Bernoulli(exp(-(gamma - floor(gamma))))} draw all
 *       return 1, since {@code exp(-gamma)} factors that way.
 * </ul>
 *
 * <p>Where {@code denominator * k} would overflow a {@code long}, {@code Bernoulli(gamma / k)} is
 * drawn as {@code Bernoulli(1 / k) AND Bernoulli(gamma)} (two independent draws; same law).
 * Expected cost: at most {@code e} uniform draws for the fractional part plus at most {@code 1 /
 * (1 - e^-1) ~= 1.58} {@code Bernoulli(exp(-1))} draws of about {@code e} uniforms each.
 *
 * <p>Instances are immutable apart from their {@link RandomSource}; like it they are not
 * thread-safe. The package-private static methods are the building blocks of {@link
 * DiscreteLaplaceSampler} and {@link DiscreteGaussianSampler}.
 */
public final class BernoulliSampler {
  private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

  private final boolean expMinus; // true: p = exp(-n/d); false: p = n/d
  private final BigInteger numerator;
  private final BigInteger denominator;
  private final boolean fitsLong;
  private final long num;
  private final long den;
  private final RandomSource random;

  private BernoulliSampler(
      boolean expMinus, BigInteger numerator, BigInteger denominator, RandomSource random) {
    BigInteger g = numerator.gcd(denominator);
    if (g.signum() != 0 && !g.equals(BigInteger.ONE)) {
      numerator = numerator.divide(g);
      denominator = denominator.divide(g);
    }
    this.expMinus = expMinus;
    this.numerator = numerator;
    this.denominator = denominator;
    this.fitsLong = numerator.compareTo(LONG_MAX) <= 0 && denominator.compareTo(LONG_MAX) <= 0;
    this.num = fitsLong ? numerator.longValue() : 0;
    this.den = fitsLong ? denominator.longValue() : 0;
    if (random == null) {
      throw new IllegalArgumentException("random must not be null");
    }
    this.random = random;
  }

  /**
   * {@code Bernoulli(numerator / denominator)} backed by {@link RandomSource#secure()}.
   *
   * @throws IllegalArgumentException unless {@code 0 <= numerator <= denominator} and {@code
   *     denominator > 0}
   */
  public static BernoulliSampler ofProbability(BigInteger numerator, BigInteger denominator) {
    checkProbability(numerator, denominator); // before paying for a SecureRandom
    return ofProbability(numerator, denominator, RandomSource.secure());
  }

  /** As {@link #ofProbability(BigInteger, BigInteger)} with the given randomness. */
  public static BernoulliSampler ofProbability(
      BigInteger numerator, BigInteger denominator, RandomSource random) {
    checkProbability(numerator, denominator);
    return new BernoulliSampler(false, numerator, denominator, random);
  }

  private static void checkProbability(BigInteger numerator, BigInteger denominator) {
    checkRational("numerator", numerator, "denominator", denominator);
    if (numerator.compareTo(denominator) > 0) {
      throw new IllegalArgumentException(
          "probability numerator / denominator must be <= 1. Provided value: "
              + numerator + "/" + denominator);
    }
  }

  /**
   * {@code Bernoulli(exp(-gamma))} for {@code gamma = gammaNumerator / gammaDenominator}, backed
   * by {@link RandomSource#secure()}. {@code gamma = 0} always returns {@code true}.
   *
   * @throws IllegalArgumentException unless {@code gammaNumerator >= 0} and {@code
   *     gammaDenominator > 0}
   */
  public static BernoulliSampler ofExpMinus(
      BigInteger gammaNumerator, BigInteger gammaDenominator) {
    checkRational("gammaNumerator", gammaNumerator, "gammaDenominator", gammaDenominator);
    return ofExpMinus(gammaNumerator, gammaDenominator, RandomSource.secure());
  }

  /** As {@link #ofExpMinus(BigInteger, BigInteger)} with the given randomness. */
  public static BernoulliSampler ofExpMinus(
      BigInteger gammaNumerator, BigInteger gammaDenominator, RandomSource random) {
    checkRational("gammaNumerator", gammaNumerator, "gammaDenominator", gammaDenominator);
    return new BernoulliSampler(true, gammaNumerator, gammaDenominator, random);
  }

  /** Draws one sample. */
  public boolean sample() {
    if (expMinus) {
      return fitsLong
          ? sampleExpMinus(random, num, den)
          : sampleExpMinus(random, numerator, denominator);
    }
    return fitsLong
        ? sampleProbability(random, num, den)
        : sampleProbability(random, numerator, denominator);
  }

  /** Fills {@code out} with independent samples. */
  public void sample(boolean[] out) {
    for (int i = 0; i < out.length; i++) {
      out[i] = sample();
    }
  }

  @Override
  public String toString() {
    return expMinus
        ? "Bernoulli(exp(-" + numerator + "/" + denominator + "))"
        : "Bernoulli(" + numerator + "/" + denominator + ")";
  }

  // ---------------------------------------------------------------------------------------------
  // Building blocks. Callers guarantee 0 <= num, 0 < den (and num <= den for probabilities).

  /** {@code Bernoulli(num / den)}. */
  static boolean sampleProbability(RandomSource random, long num, long den) {
    return random.nextLong(den) < num;
  }

  /** {@code Bernoulli(num / den)}. */
  static boolean sampleProbability(RandomSource random, BigInteger num, BigInteger den) {
    if (den.bitLength() < 64) {
      return random.nextLong(den.longValue()) < num.longValue();
    }
    return random.nextBigInteger(den).compareTo(num) < 0;
  }

  /**
   * {@code Bernoulli(exp(-1))}: Algorithm 1 with {@code gamma = 1}, where {@code
   * Bernoulli(1 / k)} is {@code [U = 0]} for {@code U} uniform on {@code {0, ..., k-1}}. The first
   * draw, {@code Bernoulli(1/1)}, always returns 1 and is skipped.
   */
  static boolean sampleExpMinusOne(RandomSource random) {
    if (!random.nextBoolean()) { // Bernoulli(1/2) = 0: K = 2
      return false;
    }
    long k = 3;
    while (random.nextLong(k) == 0) {
      k++;
    }
    return (k & 1) == 1;
  }

  /** {@code Bernoulli(exp(-num / den))} (Algorithm 1). */
  static boolean sampleExpMinus(RandomSource random, long num, long den) {
    long whole = num / den;
    for (long i = 0; i < whole; i++) {
      if (!sampleExpMinusOne(random)) {
        return false;
      }
    }
    return sampleExpMinusFraction(random, num % den, den);
  }

  /** {@code Bernoulli(exp(-num / den))} for {@code 0 <= num < den} (Algorithm 1, gamma <= 1). */
  static boolean sampleExpMinusFraction(RandomSource random, long num, long den) {
    if (num == 0) {
      return true; // gamma = 0: A_1 ~ Bernoulli(0) = 0, so K = 1 is odd; no randomness needed
    }
    long k = 1;
    while (true) {
      boolean a;
      if (den <= Long.MAX_VALUE / k) {
        a = random.nextLong(den * k) < num; // Bernoulli(num / (den k)) in one draw
      } else {
        a = random.nextLong(k) == 0 && random.nextLong(den) < num;
      }
      if (!a) {
        return (k & 1) == 1;
      }
      k++;
    }
  }

  /** {@code Bernoulli(exp(-num / den))} (Algorithm 1) for parameters beyond {@code long}. */
  static boolean sampleExpMinus(RandomSource random, BigInteger num, BigInteger den) {
    if (num.bitLength() < 64 && den.bitLength() < 64) {
      return sampleExpMinus(random, num.longValue(), den.longValue());
    }
    BigInteger[] wholeAndRest = num.divideAndRemainder(den);
    BigInteger whole = wholeAndRest[0];
    if (whole.bitLength() < 64) {
      for (long i = whole.longValue(); i > 0; i--) {
        if (!sampleExpMinusOne(random)) {
          return false;
        }
      }
    } else {
      // Exact even for astronomically large gamma; the loop ends after ~1.58 iterations on average.
      for (BigInteger i = whole; i.signum() > 0; i = i.subtract(BigInteger.ONE)) {
        if (!sampleExpMinusOne(random)) {
          return false;
        }
      }
    }
    BigInteger rest = wholeAndRest[1];
    if (rest.signum() == 0) {
      return true;
    }
    if (den.bitLength() < 64) {
      return sampleExpMinusFraction(random, rest.longValue(), den.longValue());
    }
    // Bernoulli(rest / den) compares a uniform real U in [0, 1) with p = rest / den, 64 bits at a
    // time: p's first 64 binary digits are floor(rest 2^64 / den) and the remaining digits are
    // those of remainder / den. U's first word decides unless it equals p's (probability 2^-64),
    // in which case the rest of U, again uniform, is compared with remainder / den. Exact, and
    // only one BigInteger division per gamma instead of a BigInteger draw per Bernoulli.
    BigInteger[] digits = rest.shiftLeft(64).divideAndRemainder(den);
    long firstWord = digits[0].longValue(); // < 2^64: read as unsigned
    BigInteger remainder = digits[1];
    long k = 1;
    // Bernoulli(rest / (den k)) = Bernoulli(1 / k) AND Bernoulli(rest / den); cheap draw first.
    while (k == 1 || random.nextLong(k) == 0) {
      int c = Long.compareUnsigned(random.nextLong(), firstWord);
      if (c > 0 || (c == 0 && !sampleProbability(random, remainder, den))) {
        break;
      }
      k++;
    }
    return (k & 1) == 1;
  }

  static void checkRational(
      String numeratorName, BigInteger numerator, String denominatorName, BigInteger denominator) {
    if (numerator == null) {
      throw new IllegalArgumentException(numeratorName + " must not be null");
    }
    if (denominator == null) {
      throw new IllegalArgumentException(denominatorName + " must not be null");
    }
    if (numerator.signum() < 0) {
      throw new IllegalArgumentException(
          numeratorName + " must be >= 0. Provided value: " + numerator);
    }
    if (denominator.signum() <= 0) {
      throw new IllegalArgumentException(
          denominatorName + " must be > 0. Provided value: " + denominator);
    }
  }
}
