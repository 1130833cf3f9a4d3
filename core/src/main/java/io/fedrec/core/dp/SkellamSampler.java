package io.fedrec.core.dp;

import java.math.BigInteger;

/**
 * Exact sampler of the symmetric Skellam distribution {@code Sk(mu)} of variance {@code mu}: the
 * difference of two independent Poisson variables of mean {@code mu / 2} each ({@link
 * PoissonSampler}, exact). Mean 0, variance {@code mu}.
 *
 * <p>The noise of the Skellam mechanism (N. Agarwal, P. Kairouz, Z. Liu, "The Skellam Mechanism
 * for Differentially Private Federated Learning", NeurIPS 2021): unlike the discrete Gaussian, a
 * sum of independent Skellam variables is exactly Skellam ({@code Sk(mu_1) + Sk(mu_2) = Sk(mu_1 +
 * mu_2)}), so the noise in a securely aggregated sum of {@code n} clients is exactly {@code Sk(n
 * mu)} with no approximation term; its privacy is accounted by {@link SkellamAccountant}.
 *
 * <p>Not thread-safe (it owns a stateful {@link RandomSource}); use one instance per thread.
 */
public final class SkellamSampler implements IntegerNoiseSampler {
  /** Largest variance accepted: each Poisson half has mean at most {@link PoissonSampler#MAX_MEAN}. */
  public static final BigInteger MAX_VARIANCE = PoissonSampler.MAX_MEAN.shiftLeft(1);

  private final PoissonSampler plus;
  private final PoissonSampler minus;
  private final BigInteger varianceNumerator;
  private final BigInteger varianceDenominator;

  private SkellamSampler(BigInteger num, BigInteger den, RandomSource random, boolean fastPath) {
    check(num, den);
    if (random == null) {
      throw new IllegalArgumentException("random must not be null");
    }
    BigInteger halfDen = den.shiftLeft(1);
    this.plus = new PoissonSampler(num, halfDen, random, fastPath);
    this.minus = new PoissonSampler(num, halfDen, random, fastPath);
    BigInteger g = num.gcd(den);
    this.varianceNumerator = num.divide(g);
    this.varianceDenominator = den.divide(g);
  }

  /**
   * Skellam of variance {@code varianceNumerator / varianceDenominator}, backed by {@link
   * RandomSource#secure()}.
   *
   * @throws IllegalArgumentException unless {@code 0 < variance <= 2^41}
   */
  public static SkellamSampler ofVariance(BigInteger varianceNumerator,
      BigInteger varianceDenominator) {
    check(varianceNumerator, varianceDenominator);
    return new SkellamSampler(varianceNumerator, varianceDenominator, RandomSource.secure(), true);
  }

  /** As {@link #ofVariance(BigInteger, BigInteger)} with the given randomness. */
  public static SkellamSampler ofVariance(BigInteger varianceNumerator,
      BigInteger varianceDenominator, RandomSource random) {
    return new SkellamSampler(varianceNumerator, varianceDenominator, random, true);
  }

  /** For tests: the same law with every acceptance decided on the exact path. */
  static SkellamSampler exactOnly(BigInteger num, BigInteger den, RandomSource random) {
    return new SkellamSampler(num, den, random, false);
  }

  private static void check(BigInteger num, BigInteger den) {
    if (num == null || den == null) {
      throw new IllegalArgumentException(
          "variance numerator and denominator must not be null");
    }
    if (num.signum() <= 0 || den.signum() <= 0) {
      throw new IllegalArgumentException(
          "variance must be > 0. Provided value: " + num + "/" + den);
    }
    if (num.compareTo(MAX_VARIANCE.multiply(den)) > 0) {
      throw new IllegalArgumentException(
          "variance must be <= 2^41. Provided value: " + num + "/" + den);
    }
  }

  @Override
  public long sample() {
    return plus.sample() - minus.sample();
  }

  @Override
  public String toString() {
    return "Skellam(variance=" + varianceNumerator + "/" + varianceDenominator + ")";
  }
}
