package io.fedrec.core.dp;

import io.fedrec.core.model.Checks;
import java.math.BigInteger;

/**
 * Exact sampler of the discrete Gaussian {@code N_Z(0, sigma^2)} on the integers with rational
 * {@code sigma^2 = sigmaSquaredNumerator / sigmaSquaredDenominator}: {@code P[X = x] ∝ exp(-x^2 /
 * (2 sigma^2))}. Its variance is at most {@code sigma^2} (shown in the paper below); summing the
 * pmf numerically, the relative gap is about {@code 8 pi^2 sigma^2 exp(-2 pi^2 sigma^2)}: {@code
 * 2.1e-7} at {@code sigma = 1}, {@code 1.6e-11} at {@code sigma^2 = 1.5}. Calibrate privacy with
 * {@code sigma^2}; for utility either will do.
 *
 * <p>Algorithm 3 of C. L. Canonne, G. Kamath and T. Steinke, "The Discrete Gaussian for
 * Differential Privacy", NeurIPS 2020 (arXiv:2004.00010): with {@code t = floor(sigma) + 1}, draw
 * {@code Y} from the discrete Laplace of scale {@code t} ({@link DiscreteLaplaceSampler},
 * Algorithm 2) and accept it with probability {@code exp(-(|Y| - sigma^2 / t)^2 / (2 sigma^2))}
 * ({@link BernoulliSampler}, Algorithm 1), else retry. The acceptance exponent is evaluated as
 * the exact fraction
 *
 * <pre>
 *   (|Y| - n/(d t))^2 / (2 n / d)  =  (|Y| d t - n)^2 / (2 n d t^2)     for sigma^2 = n / d,
 * </pre>
 *
 * in {@code long} arithmetic when it fits and in {@link BigInteger} otherwise; no floating point
 * is used anywhere in sampling, which rules out the attack of Mironov (CCS 2012) on
 * floating-point noise. {@code t = floor(sqrt(floor(n / d))) + 1} is exact too. Any {@code t > 0}
 * gives the exact law; this choice bounds the expected number of Laplace draws per sample (summed
 * numerically: 1.85 at {@code sigma = 1}, 1.32 for large {@code sigma}, 2.2 at {@code sigma =
 * 0.1}).
 *
 * <p>Throughput: parameters with small numerator and denominator (e.g. {@code sigma^2 = 10^6 /
 * 1}) stay on the {@code long} path up to {@code sigma ~ 3 * 10^4}. {@link #ofSigma(double)} of
 * a value that is not a short binary fraction (e.g. 3.7) yields a denominator of about {@code
 * 2^100} and always takes the BigInteger path, roughly 3x slower (see {@code SamplerThroughput}
 * in the tests); prefer {@link #ofSigmaSquared(BigInteger, BigInteger)} with a short fraction in
 * hot code.
 *
 * <p>Not thread-safe (it owns a stateful {@link RandomSource}); use one instance per thread.
 */
public final class DiscreteGaussianSampler implements IntegerNoiseSampler {
  private static final long SQRT_LONG_MAX = 3037000499L; // floor(sqrt(2^63 - 1))

  private final BigInteger numerator; // sigma^2 = numerator / denominator, reduced
  private final BigInteger denominator;
  private final long t; // floor(sigma) + 1
  private final BigInteger dtBig; // d t
  private final BigInteger acceptDenominatorBig; // 2 n d t^2
  private final boolean longPath;
  private final long n;
  private final long dt;
  private final long acceptDenominator;
  private final RandomSource random;

  private DiscreteGaussianSampler(BigInteger num, BigInteger den, RandomSource random) {
    if (random == null) {
      throw new IllegalArgumentException("random must not be null");
    }
    BigInteger g = num.gcd(den);
    this.numerator = num.divide(g);
    this.denominator = den.divide(g);
    this.t = numerator.divide(denominator).sqrt().longValueExact() + 1;
    BigInteger tBig = BigInteger.valueOf(t);
    this.dtBig = denominator.multiply(tBig);
    this.acceptDenominatorBig = numerator.shiftLeft(1).multiply(dtBig).multiply(tBig);
    this.longPath = acceptDenominatorBig.bitLength() < 64; // implies n and d t fit as well
    this.n = longPath ? numerator.longValue() : 0;
    this.dt = longPath ? dtBig.longValue() : 0;
    this.acceptDenominator = longPath ? acceptDenominatorBig.longValue() : 0;
    this.random = random;
  }

  /**
   * Discrete Gaussian with {@code sigma^2 = sigmaSquaredNumerator / sigmaSquaredDenominator},
   * backed by {@link RandomSource#secure()}.
   *
   * @throws IllegalArgumentException unless numerator and denominator are {@code > 0} and {@code
   *     sigma^2 <= 2^62}
   */
  public static DiscreteGaussianSampler ofSigmaSquared(
      BigInteger sigmaSquaredNumerator, BigInteger sigmaSquaredDenominator) {
    checkSigmaSquared(sigmaSquaredNumerator, sigmaSquaredDenominator); // before a SecureRandom
    return ofSigmaSquared(sigmaSquaredNumerator, sigmaSquaredDenominator, RandomSource.secure());
  }

  /** As {@link #ofSigmaSquared(BigInteger, BigInteger)} with the given randomness. */
  public static DiscreteGaussianSampler ofSigmaSquared(
      BigInteger sigmaSquaredNumerator, BigInteger sigmaSquaredDenominator, RandomSource random) {
    checkSigmaSquared(sigmaSquaredNumerator, sigmaSquaredDenominator);
    return new DiscreteGaussianSampler(sigmaSquaredNumerator, sigmaSquaredDenominator, random);
  }

  private static void checkSigmaSquared(
      BigInteger sigmaSquaredNumerator, BigInteger sigmaSquaredDenominator) {
    BernoulliSampler.checkRational(
        "sigmaSquaredNumerator", sigmaSquaredNumerator,
        "sigmaSquaredDenominator", sigmaSquaredDenominator);
    if (sigmaSquaredNumerator.signum() == 0) {
      throw new IllegalArgumentException("sigmaSquaredNumerator must be > 0. Provided value: 0");
    }
    // sigma^2 <= 2^62 keeps the Laplace scale t = floor(sigma) + 1 at most 2^31 + 1.
    if (sigmaSquaredNumerator.compareTo(sigmaSquaredDenominator.shiftLeft(62)) > 0) {
      throw new IllegalArgumentException(
          "sigmaSquared must be <= 2^62. Provided value: "
              + sigmaSquaredNumerator + "/" + sigmaSquaredDenominator);
    }
  }

  /**
   * Discrete Gaussian with {@code sigma} given as a double, converted <b>exactly</b> to a rational
   * through {@link java.math.BigDecimal#BigDecimal(double)} and squared exactly: {@code
   * ofSigma(0.1)} uses {@code sigma^2 = (3602879701896397 / 2^55)^2}, not {@code 1/100}. Backed by
   * {@link RandomSource#secure()}. Such fractions are long, so sampling takes the slower {@link
   * BigInteger} path; see the class documentation.
   *
   * @throws IllegalArgumentException unless {@code sigma} is finite and in {@code (0, 2^31]}
   */
  public static DiscreteGaussianSampler ofSigma(double sigma) {
    checkSigma(sigma); // before paying for a SecureRandom
    return ofSigma(sigma, RandomSource.secure());
  }

  /** As {@link #ofSigma(double)} with the given randomness. */
  public static DiscreteGaussianSampler ofSigma(double sigma, RandomSource random) {
    checkSigma(sigma);
    BigInteger[] fraction = DiscreteLaplaceSampler.exactFraction(sigma);
    return new DiscreteGaussianSampler(
        fraction[0].multiply(fraction[0]), fraction[1].multiply(fraction[1]), random);
  }

  private static void checkSigma(double sigma) {
    Checks.positiveFinite("sigma", sigma);
    if (sigma > 0x1p31) {
      throw new IllegalArgumentException("sigma must be <= 2^31. Provided value: " + sigma);
    }
  }

  /** Numerator of the reduced {@code sigma^2}. */
  public BigInteger sigmaSquaredNumerator() {
    return numerator;
  }

  /** Denominator of the reduced {@code sigma^2}. */
  public BigInteger sigmaSquaredDenominator() {
    return denominator;
  }

  /** The discrete Laplace scale {@code t = floor(sigma) + 1} of Algorithm 3. */
  long laplaceScale() {
    return t;
  }

  @Override
  public long sample() {
    while (true) {
      long y = DiscreteLaplaceSampler.sample(random, t, 1);
      if (accept(Math.abs(y))) {
        return y;
      }
    }
  }

  /** {@code Bernoulli(exp(-(|Y| d t - n)^2 / (2 n d t^2)))}. */
  private boolean accept(long absY) {
    if (longPath && absY <= Long.MAX_VALUE / dt) {
      long a = Math.abs(absY * dt - n); // both terms in [0, 2^63): no overflow
      if (a <= SQRT_LONG_MAX) {
        return BernoulliSampler.sampleExpMinus(random, a * a, acceptDenominator);
      }
    }
    BigInteger a = BigInteger.valueOf(absY).multiply(dtBig).subtract(numerator);
    return BernoulliSampler.sampleExpMinus(random, a.multiply(a), acceptDenominatorBig);
  }

  @Override
  public String toString() {
    return "DiscreteGaussian(sigma^2=" + numerator + "/" + denominator + ")";
  }
}
