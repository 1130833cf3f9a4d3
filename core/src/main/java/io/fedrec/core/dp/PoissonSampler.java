package io.fedrec.core.dp;

import java.math.BigInteger;

/**
 * Exact sampler of the Poisson distribution with rational mean {@code lambda = a / b}: {@code
 * P[X = k] = exp(-lambda) lambda^k / k!}. The building block of {@link SkellamSampler}.
 *
 * <p><b>Algorithm.</b> Rejection from a discrete Laplace proposal centred on the mode {@code m =
 * floor(lambda)}: draw {@code Y} from the discrete Laplace of scale {@code t = floor(sqrt(lambda))
 * + 1} (exactly, by Algorithm 2 of Canonne, Kamath, Steinke 2020, {@link DiscreteLaplaceSampler}),
 * set {@code k = m + Y}, reject {@code k < 0}, and accept {@code k} with probability
 *
 * <pre>
 *   A(k) = r(k) exp(|k - m| / t - c),   r(k) = P[X = k] / P[X = m] = lambda^(k-m) m! / k!,
 * </pre>
 *
 * where the constant {@code c >= max_k (ln r(k) + |k - m| / t)} makes {@code A <= 1}. Then the
 * accepted {@code k} has law proportional to {@code exp(-|k-m|/t) A(k) ∝ r(k)}: exactly Poisson.
 * {@code ln r(k) + |k-m|/t} is concave on each side of {@code m} (the Poisson is log-concave), so
 * its maximum is found at the two stationary points and {@code c} is that maximum plus a margin,
 * rounded up to a multiple of {@code 2^-32}. About 76% of proposals are accepted for large
 * {@code lambda} ({@code sqrt(2 pi) / (2 sqrt(e))}).
 *
 * <p><b>Exact acceptance without floating-point bias.</b> The test {@code U < A(k)} for a uniform
 * {@code U} in {@code (0, 1)} is decided lazily, in the manner of von Neumann and Karney: the
 * first 64 bits of {@code U} are drawn and compared with an interval that certainly contains
 * {@code A(k)}, computed in {@code double} (Stirling's series for the log-factorial difference,
 * with a bound on truncation and rounding ten times the worst case derived in the code). Only when
 * the 64-bit interval of {@code U} overlaps the interval of {@code A(k)} — rarely: the interval's
 * relative width is about {@code 1e-9} at the means fedrec uses, and the tests saw no such
 * proposal in 400,000 samples there — is the decision made exactly: {@code r(k)} as a rational in
 * {@link BigInteger} arithmetic, {@code exp(|k-m|/t - c)} enclosed between rational truncations of
 * its Taylor series, and more bits of the same {@code U} drawn until the two separate. The fast
 * path therefore only ever returns the answer the exact path would give for the same {@code U};
 * the tests check this sample by sample. No floating-point value ever becomes a sample or a
 * probability that is used unchecked, which rules out the attack of Mironov (CCS 2012).
 *
 * <p>If the exact path ever finds {@code A(k) > 1} (the envelope does not hold: a bug), it throws
 * {@link IllegalStateException} rather than return a sample of the wrong law: privacy code fails
 * closed.
 *
 * <p>Not thread-safe (it owns a stateful {@link RandomSource}); use one instance per thread.
 */
public final class PoissonSampler {
  /**
   * Largest mean accepted, {@code 2^40}: the exact path multiplies about {@code sqrt(lambda)}
   * integers per undecided proposal, which stays within a second here; means beyond it are not
   * needed by fedrec's encodings (a per-client variance of {@code 2^41} is a noise multiplier of
   * 11 at clip 1, scale {@code 2^16} and a single survivor).
   */
  public static final BigInteger MAX_MEAN = BigInteger.ONE.shiftLeft(40);

  /** Smallest {@code min(k, m) + 1} at which Stirling's series is used on the fast path. */
  private static final double STIRLING_MIN = 1000;

  /** Longest run of logarithms summed directly on the fast path (else: exact path). */
  private static final long DIRECT_MAX_SPAN = 4096;

  private static final int C_BITS = 32;

  private final BigInteger a; // lambda = a / b, reduced, b > 0
  private final BigInteger b;
  private final double lambda;
  private final double lnLambda;
  private final long mode; // m = floor(lambda)
  private final long t; // Laplace scale
  private final long cNum; // c = cNum / 2^C_BITS
  private final double c;
  private final boolean fastPath;
  private final RandomSource random;

  /** The error bound of the last {@link #lnRatio} on the fast path. */
  private double lastError;

  /** Proposals decided on the exact path (for tests of the fast path's reach). */
  private long exactDecisions;

  PoissonSampler(BigInteger meanNumerator, BigInteger meanDenominator, RandomSource random,
      boolean fastPath) {
    checkMean(meanNumerator, meanDenominator);
    if (random == null) {
      throw new IllegalArgumentException("random must not be null");
    }
    BigInteger g = meanNumerator.gcd(meanDenominator);
    this.a = g.signum() == 0 ? BigInteger.ZERO : meanNumerator.divide(g);
    this.b = g.signum() == 0 ? BigInteger.ONE : meanDenominator.divide(g);
    this.lambda = a.doubleValue() / b.doubleValue();
    this.lnLambda = Math.log(lambda);
    this.mode = a.divide(b).longValueExact();
    this.t = a.divide(b).sqrt().longValueExact() + 1;
    this.random = random;
    this.fastPath = fastPath;
    if (a.signum() == 0) {
      this.c = 0;
      this.cNum = 0;
      return;
    }
    double max = 0; // g(m) = 0
    double maxError = 0;
    double up = lambda * Math.exp(1.0 / t);
    double down = lambda * Math.exp(-1.0 / t);
    long[] centres = {(long) Math.floor(up), (long) Math.ceil(down) - 1};
    for (long centre : centres) {
      for (long k = centre - 2; k <= centre + 2; k++) {
        if (k < 0) {
          continue;
        }
        double v = lnRatioExactOrFast(k) + Math.abs((double) (k - mode)) / t;
        if (v > max) {
          max = v;
          maxError = lastError;
        }
      }
    }
    double bound = max + 2 * maxError + 1e-9 * (1 + Math.abs(max));
    this.cNum = (long) Math.ceil(Math.scalb(bound, C_BITS));
    this.c = Math.scalb((double) cNum, -C_BITS);
  }

  /**
   * Poisson with mean {@code meanNumerator / meanDenominator}, backed by {@link
   * RandomSource#secure()}.
   *
   * @throws IllegalArgumentException unless {@code 0 <= mean <= 2^40} and the denominator is > 0
   */
  public static PoissonSampler ofMean(BigInteger meanNumerator, BigInteger meanDenominator) {
    checkMean(meanNumerator, meanDenominator);
    return new PoissonSampler(meanNumerator, meanDenominator, RandomSource.secure(), true);
  }

  /** As {@link #ofMean(BigInteger, BigInteger)} with the given randomness. */
  public static PoissonSampler ofMean(
      BigInteger meanNumerator, BigInteger meanDenominator, RandomSource random) {
    return new PoissonSampler(meanNumerator, meanDenominator, random, true);
  }

  private static void checkMean(BigInteger num, BigInteger den) {
    if (num == null || den == null) {
      throw new IllegalArgumentException("mean numerator and denominator must not be null");
    }
    if (num.signum() < 0) {
      throw new IllegalArgumentException("mean must be >= 0. Provided value: " + num + "/" + den);
    }
    if (den.signum() <= 0) {
      throw new IllegalArgumentException(
          "mean denominator must be > 0. Provided value: " + num + "/" + den);
    }
    if (num.compareTo(MAX_MEAN.multiply(den)) > 0) {
      throw new IllegalArgumentException(
          "mean must be <= 2^40. Provided value: " + num + "/" + den);
    }
  }

  /** Numerator of the reduced mean. */
  public BigInteger meanNumerator() {
    return a;
  }

  /** Denominator of the reduced mean. */
  public BigInteger meanDenominator() {
    return b;
  }

  /** Draws one sample. */
  public long sample() {
    if (a.signum() == 0) {
      return 0;
    }
    while (true) {
      long k = mode + DiscreteLaplaceSampler.sample(random, t, 1);
      if (k < 0) {
        continue;
      }
      long u = random.nextLong(); // the first 64 bits of U
      int decided = fastPath ? fastDecide(k, u) : -1;
      if (decided < 0) {
        exactDecisions++;
      }
      if (decided < 0 ? exactDecide(k, u) : decided == 1) {
        return k;
      }
    }
  }

  /** How many proposals so far were decided on the exact path. */
  long exactDecisions() {
    return exactDecisions;
  }

  @Override
  public String toString() {
    return "Poisson(mean=" + a + "/" + b + ")";
  }

  // ---------------------------------------------------------------------------------------------
  // Fast path

  /** 1 accept, 0 reject, -1 undecided at 64 bits (go exact). */
  private int fastDecide(long k, long u) {
    double lnR = lnRatio(k);
    if (Double.isNaN(lnR)) {
      return -1;
    }
    double q = Math.abs((double) (k - mode)) / t - c;
    double x = lnR + q;
    double err = lastError + 1e-14 * (1 + Math.abs(q) + Math.abs(lnR));
    double lo = Math.exp(x - err) * (1 - 1e-14);
    double hi = Math.exp(x + err) * (1 + 1e-14);
    double uLo = Math.scalb((double) (u >>> 11), -53); // U in [uLo, uHi)
    double uHi = Math.scalb((double) ((u >>> 11) + 1), -53);
    if (lo > 1) {
      return -1; // the envelope looks violated: let the exact path decide (and fail closed)
    }
    if (uHi <= lo) {
      return 1;
    }
    if (uLo >= hi) {
      return 0;
    }
    return -1;
  }

  /** ln r(k) in double with its error bound in {@link #lastError}; NaN if not on the fast path. */
  private double lnRatio(long k) {
    if (k == mode) {
      lastError = 0;
      return 0;
    }
    long lo = Math.min(k, mode);
    long hi = Math.max(k, mode);
    long h = hi - lo;
    double sign = k > mode ? 1 : -1;
    // ln r(k) = sign * F, F = -sum_{i=lo+1}^{hi} ln(i / lambda)
    if (lo + 1 >= STIRLING_MIN) {
      double x = lo + 1;
      double y = hi + 1;
      double lnYOverLambda = Math.log1p((y - lambda) / lambda);
      // ln Gamma(y) - ln Gamma(x) = (x - 1/2) log1p(h/x) + h ln y - h + s(y) - s(x), with
      // s(z) = 1/(12 z) - 1/(360 z^3) + R, |R| <= 1/(1260 z^5) (Stirling's series, alternating)
      double lnGrowth = Math.log1p(h / x);
      double f = -h * lnYOverLambda - (x - 0.5) * lnGrowth + h - (stirling(y) - stirling(x));
      // Rounding: lambda carries a relative error below 2^-51 (two roundings and a division),
      // so the log1p argument is off by at most 2^-51 + 3 |u| 2^-53 absolute, and every other
      // operation adds a few units in the last place of terms bounded by T below; in all at
      // most about 1e-15 T. The bound used is ten times that, plus Stirling's truncation.
      double terms = 1 + h * (1 + Math.abs(lnYOverLambda)) + x * lnGrowth + Math.abs(f);
      lastError = 1e-14 * terms + 2 / (1260 * Math.pow(x, 5));
      return sign * f;
    }
    if (h <= DIRECT_MAX_SPAN) {
      double sum = 0;
      for (long i = lo + 1; i <= hi; i++) {
        sum += Math.log((double) i) - lnLambda;
      }
      lastError = 1e-12 * (1 + h) * (1 + Math.abs(lnLambda) + Math.log((double) hi + 1));
      return -sign * sum;
    }
    lastError = Double.NaN;
    return Double.NaN;
  }

  private static double stirling(double z) {
    return 1 / (12 * z) - 1 / (360 * z * z * z);
  }

  /** ln r(k) for the envelope search: the fast value, or the exact rational rounded. */
  private double lnRatioExactOrFast(long k) {
    double v = lnRatio(k);
    if (!Double.isNaN(v)) {
      return v;
    }
    BigInteger[] r = ratio(k);
    lastError = 1e-9;
    return logOf(r[0]) - logOf(r[1]);
  }

  private static double logOf(BigInteger v) {
    int shift = Math.max(0, v.bitLength() - 60);
    return Math.log(v.shiftRight(shift).doubleValue()) + shift * Math.log(2);
  }

  // ---------------------------------------------------------------------------------------------
  // Exact path

  /** Decides {@code U < A(k)} exactly, where {@code u} holds the first 64 bits of {@code U}. */
  boolean exactDecide(long k, long u) {
    BigInteger[] r = ratio(k);
    // q = |k - m| / t - c = (|k - m| 2^32 - cNum t) / (t 2^32) = n + f, n integer, 0 <= f < 1
    BigInteger qDen = BigInteger.valueOf(t).shiftLeft(C_BITS);
    BigInteger qNum = BigInteger.valueOf(Math.abs(k - mode)).shiftLeft(C_BITS)
        .subtract(BigInteger.valueOf(cNum).multiply(BigInteger.valueOf(t)));
    BigInteger[] nf = qNum.divideAndRemainder(qDen);
    BigInteger n = nf[0];
    BigInteger fNum = nf[1];
    if (fNum.signum() < 0) {
      n = n.subtract(BigInteger.ONE);
      fNum = fNum.add(qDen);
    }
    int power = n.intValueExact();
    BigInteger uBits = new BigInteger(1, longBytes(u));
    int bits = 64;
    for (int terms = 24; ; terms *= 2) {
      BigInteger[][] ef = expBounds(fNum, qDen, terms); // e^f
      BigInteger[][] e = expBounds(BigInteger.ONE, BigInteger.ONE, terms); // e
      BigInteger[] loE;
      BigInteger[] hiE;
      if (power >= 0) {
        loE = pow(e[0], power);
        hiE = pow(e[1], power);
      } else {
        loE = invert(pow(e[1], -power));
        hiE = invert(pow(e[0], -power));
      }
      BigInteger[] lo = mul(mul(r, ef[0]), loE);
      BigInteger[] hi = mul(mul(r, ef[1]), hiE);
      if (lo[0].compareTo(lo[1]) > 0) {
        throw new IllegalStateException("Poisson rejection envelope violated at k = " + k
            + " for mean " + a + "/" + b + "; refusing to sample");
      }
      // accept if (uBits + 1) / 2^bits <= lo; reject if uBits / 2^bits >= hi
      if (uBits.add(BigInteger.ONE).multiply(lo[1]).compareTo(lo[0].shiftLeft(bits)) <= 0) {
        return true;
      }
      if (uBits.multiply(hi[1]).compareTo(hi[0].shiftLeft(bits)) >= 0) {
        return false;
      }
      for (int i = 0; i < bits / 64; i++) { // double the bits of U drawn so far
        uBits = uBits.shiftLeft(64).or(new BigInteger(1, longBytes(random.nextLong())));
      }
      bits *= 2;
    }
  }

  /** r(k) = lambda^(k-m) m! / k! as {numerator, denominator}; {0, 1} for k < 0. */
  BigInteger[] ratio(long k) {
    if (k < 0) {
      return new BigInteger[] {BigInteger.ZERO, BigInteger.ONE};
    }
    if (k == mode) {
      return new BigInteger[] {BigInteger.ONE, BigInteger.ONE};
    }
    long lo = Math.min(k, mode);
    long hi = Math.max(k, mode);
    int h = Math.toIntExact(hi - lo);
    BigInteger product = product(lo + 1, hi); // (lo+1) ... hi
    BigInteger aPow = a.pow(h);
    BigInteger bPow = b.pow(h);
    return k > mode
        ? new BigInteger[] {aPow, bPow.multiply(product)}
        : new BigInteger[] {bPow.multiply(product), aPow};
  }

  private static BigInteger product(long from, long to) {
    if (to - from < 16) {
      BigInteger p = BigInteger.ONE;
      for (long i = from; i <= to; i++) {
        p = p.multiply(BigInteger.valueOf(i));
      }
      return p;
    }
    long mid = (from + to) >>> 1;
    return product(from, mid).multiply(product(mid + 1, to));
  }

  /**
   * Rational bounds {lower, upper} on {@code exp(num / den)} for {@code 0 <= num / den <= 1}: the
   * Taylor polynomial of degree {@code terms}, and that plus {@code 2 / (terms + 1)!}, which
   * bounds the remainder {@code sum_{j > terms} x^j / j!} for {@code x <= 1}.
   */
  static BigInteger[][] expBounds(BigInteger num, BigInteger den, int terms) {
    // sum_{j=0}^{J} x^j / j! = sum_j num^j den^(J-j) J!/j!  /  (den^J J!)
    BigInteger denJ = den.pow(terms);
    BigInteger factJ = product(1, terms);
    BigInteger common = denJ.multiply(factJ);
    BigInteger sum = BigInteger.ZERO;
    BigInteger numPow = BigInteger.ONE;
    BigInteger fallingFactorial = factJ; // J! / j!
    for (int j = 0; j <= terms; j++) {
      sum = sum.add(numPow.multiply(den.pow(terms - j)).multiply(fallingFactorial));
      numPow = numPow.multiply(num);
      if (j < terms) {
        fallingFactorial = fallingFactorial.divide(BigInteger.valueOf(j + 1));
      }
    }
    // upper = sum/common + 2/(J+1)! = (sum (J+1) + 2 denJ) / (common (J+1))
    BigInteger j1 = BigInteger.valueOf(terms + 1);
    BigInteger[] lower = {sum, common};
    BigInteger[] upper = {sum.multiply(j1).add(denJ.shiftLeft(1)), common.multiply(j1)};
    return new BigInteger[][] {lower, upper};
  }

  private static BigInteger[] pow(BigInteger[] x, int n) {
    return new BigInteger[] {x[0].pow(n), x[1].pow(n)};
  }

  private static BigInteger[] invert(BigInteger[] x) {
    return new BigInteger[] {x[1], x[0]};
  }

  private static BigInteger[] mul(BigInteger[] x, BigInteger[] y) {
    return new BigInteger[] {x[0].multiply(y[0]), x[1].multiply(y[1])};
  }

  private static byte[] longBytes(long v) {
    byte[] out = new byte[8];
    for (int i = 7; i >= 0; i--) {
      out[i] = (byte) v;
      v >>>= 8;
    }
    return out;
  }
}
