package io.fedrec.core.dp;

import io.fedrec.core.model.Checks;

/**
 * Rényi-DP accountant for the Poisson-subsampled distributed Skellam mechanism (add/remove-one-user
 * adjacency): each round samples every user with probability {@code q}, sums their integer-encoded
 * contributions of L2 norm at most {@code l2} and L1 norm at most {@code l1} (encoded units), and
 * the sum carries symmetric Skellam noise of total variance {@code mu >= (z l2)^2} per coordinate,
 * {@code z} being the round's noise multiplier ({@link SkellamSampler}; the clients' shares add up
 * exactly, see {@code DistributedNoise}).
 *
 * <p><b>Per-round RDP without sampling.</b> Agarwal, Kairouz, Liu, "The Skellam Mechanism for
 * Differentially Private Federated Learning" (NeurIPS 2021), Corollary 4.1 (as implemented in
 * TensorFlow Federated's {@code distributed_dp} accounting):
 *
 * <pre>
 *   eps(alpha) = alpha l2^2 / (2 mu)
 *                + min(((2 alpha - 1) l2^2 + 6 l1) / (4 mu^2), 3 l1 / (2 mu)).
 * </pre>
 *
 * The first term is the Gaussian mechanism's; the second is what the discreteness costs: about
 * {@code 3e-10} of the first at clip 1, scale {@code 2^16}, 17,001 coordinates and {@code z =
 * 0.85} (derived from the formula: {@code 3.4e-10} at order 2, {@code 5.8e-8} at order 256).
 *
 * <p><b>Sampling.</b> The general amplification bound for Poisson subsampling of Zhu and Wang,
 * "Poisson Subsampled Rényi Differential Privacy" (ICML 2019), Theorem 5 (upper bound), at integer
 * orders {@code alpha >= 2}:
 *
 * <pre>
 *   eps'(alpha) = 1/(alpha-1) log( (1-q)^(alpha-1) (alpha q - q + 1)
 *                   + C(alpha,2) q^2 (1-q)^(alpha-2) e^eps(2)
 *                   + 3 sum_{l=3}^{alpha} C(alpha,l) q^l (1-q)^(alpha-l) e^((l-1) eps(l)) ),
 * </pre>
 *
 * and, as TFF does, {@code min(eps'(alpha), eps(alpha))}; at {@code q = 1}, {@code eps(alpha)}.
 * This bound holds for any mechanism with the given RDP curve, so it is looser than the
 * Gaussian-specific analysis of {@link RdpAccountant} (Mironov, Talwar, Zhang 2019); at order 2 the
 * two coincide. There is no PLD accountant for this mechanism: the Skellam privacy loss is not a
 * function of the L2 sensitivity alone.
 *
 * <p><b>Orders and conversion.</b> Integer orders {@code 2..128} and {@code 256} (TFF's {@code
 * RDP_ORDERS}); composition adds RDP per order, and the conversion to {@code (epsilon, delta)} is
 * {@link RdpAccountant}'s (Balle et al. 2020, Theorem 21).
 *
 * <p>Mutable (it accumulates) and thread-safe (it delegates to a synchronized {@link
 * RdpAccountant}).
 */
public final class SkellamAccountant implements PrivacyAccountant {
  private static final double[] ORDERS = buildOrders();
  /** Largest integer order at which the subsampled bound is evaluated. */
  public static final int MAX_SUBSAMPLED_ORDER = 1024;

  private static final double[] LOG_FACTORIAL = buildLogFactorials(MAX_SUBSAMPLED_ORDER);

  private final double l2;
  private final double l1;
  private final RdpAccountant rdp;

  private SkellamAccountant(double l2, double l1) {
    this.l2 = l2;
    this.l1 = l1;
    this.rdp = RdpAccountant.withOrders(ORDERS);
  }

  /**
   * An empty accountant for contributions of L2 norm at most {@code l2Sensitivity} and L1 norm at
   * most {@code l1Sensitivity}, both in the encoded (integer) units in which the noise is drawn.
   *
   * @throws IllegalArgumentException unless both are {@code >= 1} and finite, and {@code l1 >= l2}
   *     (the L1 norm of a vector is at least its L2 norm)
   */
  public static SkellamAccountant create(double l2Sensitivity, double l1Sensitivity) {
    Checks.finiteInRange("l2Sensitivity", l2Sensitivity, 1, Double.MAX_VALUE);
    Checks.finiteInRange("l1Sensitivity", l1Sensitivity, 1, Double.MAX_VALUE);
    if (l1Sensitivity < l2Sensitivity) {
      throw new IllegalArgumentException("l1Sensitivity must be >= l2Sensitivity ("
          + l2Sensitivity + "). Provided value: " + l1Sensitivity);
    }
    return new SkellamAccountant(l2Sensitivity, l1Sensitivity);
  }

  /**
   * The L1 bound of an integer vector of L2 norm at most {@code l2} with {@code coordinates}
   * coordinates: {@code min(sqrt(coordinates) l2, l2^2)} (Cauchy-Schwarz; and {@code |x_i| <=
   * x_i^2} for integers).
   */
  public static double l1Bound(double l2, long coordinates) {
    return Math.min(Math.sqrt((double) coordinates) * l2, l2 * l2);
  }

  public double l2Sensitivity() {
    return l2;
  }

  public double l1Sensitivity() {
    return l1;
  }

  /** The orders this accountant tracks (a copy). */
  public static double[] orders() {
    return ORDERS.clone();
  }

  /**
   * Adds {@code steps} rounds with sampling rate {@code samplingRate} in {@code [0, 1]} (0 adds
   * nothing) and noise multiplier {@code noiseMultiplier > 0}: total Skellam variance {@code
   * (noiseMultiplier * l2)^2}.
   */
  @Override
  public SkellamAccountant compose(double samplingRate, double noiseMultiplier, long steps) {
    AccountingChecks.steps(steps);
    double[] step = stepRdp(samplingRate, noiseMultiplier);
    for (int k = 0; k < step.length; k++) {
      step[k] *= steps;
    }
    rdp.composeRdp(step);
    return this;
  }

  /** RDP of one round at each of {@link #orders()}. */
  public double[] stepRdp(double samplingRate, double noiseMultiplier) {
    return stepRdp(ORDERS, samplingRate, noiseMultiplier, l2, l1);
  }

  /**
   * RDP of one round at each of {@code orders} (each {@code > 1}), for an accountant that tracks
   * other orders (a client's per-user accountant mixes Gaussian and Skellam rounds): at integer
   * orders up to {@value #MAX_SUBSAMPLED_ORDER} with {@code q < 1}, the subsampled bound (class
   * comment); at the others, the unsampled {@code eps(alpha)}, which holds at any order.
   */
  public static double[] stepRdp(double[] orders, double samplingRate, double noiseMultiplier,
      double l2Sensitivity, double l1Sensitivity) {
    AccountingChecks.samplingRateOrZero(samplingRate);
    AccountingChecks.noiseMultiplier(noiseMultiplier);
    double[] out = new double[orders.length];
    if (samplingRate == 0) {
      return out;
    }
    double sigma = noiseMultiplier * l2Sensitivity;
    double mu = sigma * sigma;
    for (int k = 0; k < orders.length; k++) {
      double alpha = orders[k];
      double plain = skellamRdp(alpha, l1Sensitivity, l2Sensitivity, mu);
      boolean integer = alpha == Math.rint(alpha) && alpha >= 2 && alpha <= MAX_SUBSAMPLED_ORDER;
      out[k] = samplingRate == 1 || !integer ? plain
          : Math.min(plain,
              subsampledRdp((int) alpha, samplingRate, l1Sensitivity, l2Sensitivity, mu));
    }
    return out;
  }

  @Override
  public double epsilon(double delta) {
    return rdp.epsilon(delta);
  }

  @Override
  public double delta(double epsilon) {
    return rdp.delta(epsilon);
  }

  /** The unsampled Skellam RDP at order {@code alpha} (Agarwal et al., Corollary 4.1). */
  public static double skellamRdp(double alpha, double l1, double l2, double mu) {
    double l2sq = l2 * l2;
    return alpha * l2sq / (2 * mu)
        + Math.min(((2 * alpha - 1) * l2sq + 6 * l1) / (4 * mu * mu), 3 * l1 / (2 * mu));
  }

  /** Zhu and Wang 2019, Theorem 5, in log space, for integer {@code alpha >= 2}, {@code 0<q<1}. */
  static double subsampledRdp(int alpha, double q, double l1, double l2, double mu) {
    double logQ = Math.log(q);
    double log1mQ = Math.log1p(-q);
    double[] terms = new double[alpha];
    terms[0] = (alpha - 1) * log1mQ + Math.log1p((alpha - 1) * q);
    terms[1] = logBinomial(alpha, 2) + 2 * logQ + (alpha - 2) * log1mQ
        + skellamRdp(2, l1, l2, mu);
    for (int l = 3; l <= alpha; l++) {
      terms[l - 1] = Math.log(3) + logBinomial(alpha, l) + l * logQ + (alpha - l) * log1mQ
          + (l - 1) * skellamRdp(l, l1, l2, mu);
    }
    double max = Double.NEGATIVE_INFINITY;
    for (double v : terms) {
      max = Math.max(max, v);
    }
    double sum = 0;
    for (double v : terms) {
      sum += Math.exp(v - max);
    }
    return (max + Math.log(sum)) / (alpha - 1);
  }

  private static double logBinomial(int n, int k) {
    return LOG_FACTORIAL[n] - LOG_FACTORIAL[k] - LOG_FACTORIAL[n - k];
  }

  private static double[] buildOrders() {
    double[] orders = new double[128];
    for (int i = 0; i < 127; i++) {
      orders[i] = i + 2;
    }
    orders[127] = 256;
    return orders;
  }

  private static double[] buildLogFactorials(int n) {
    double[] out = new double[n + 1];
    for (int i = 1; i <= n; i++) {
      out[i] = out[i - 1] + Math.log(i);
    }
    return out;
  }
}
