package io.fedrec.core.dp;

/**
 * A discretised privacy loss distribution: mass {@code probs[i]} at loss {@code (lowerIndex + i) *
 * interval} plus {@code infinityMass} at {@code +infinity}. Immutable (the array is never exposed)
 * and thread-safe. A port of dp_accounting's {@code DensePLDPmf} ({@code pld_pmf.py}).
 *
 * <p>Its hockey-stick divergence is {@code delta(eps) = infinityMass + sum_{l_i > eps} p_i (1 -
 * e^{eps - l_i})} (Koskela, Jälkö and Honkela 2020, "Computing Tight Differential Privacy
 * Guarantees Using FFT", eq. 2.3; Meiser and Mohammadi 2018).
 */
final class PrivacyLossPmf {
  final double interval;
  final long lowerIndex;
  private final double[] probs;
  final double infinityMass;

  PrivacyLossPmf(double interval, long lowerIndex, double[] probs, double infinityMass) {
    this.interval = interval;
    this.lowerIndex = lowerIndex;
    this.probs = probs;
    this.infinityMass = infinityMass;
  }

  /** The neutral element of composition: all mass at loss 0. */
  static PrivacyLossPmf identity(double interval) {
    return new PrivacyLossPmf(interval, 0, new double[] {1.0}, 0.0);
  }

  int size() {
    return probs.length;
  }

  double prob(int i) {
    return probs[i];
  }

  /** Total finite mass plus infinity mass (1 up to rounding and the clamping of FFT noise). */
  double totalMass() {
    double s = infinityMass;
    for (double p : probs) {
      s += p;
    }
    return s;
  }

  /**
   * Pessimistic connect-the-dots discretisation (Doroshenko, Ghazi, Kamath, Kumar and Manurangsi
   * 2022, "Connect the Dots: Tighter Discrete Approximations of Privacy Loss Distributions",
   * arXiv:2207.04380, Algorithm 1; dp_accounting {@code
   * create_pmf_pessimistic_connect_dots_fixed_gap}). Given the mechanism's exact hockey-stick
   * values {@code deltas[k] = delta((lowerIndex + k) * h)}, it returns the PMF on that grid whose
   * {@code delta(eps)} equals them at the grid points and interpolates linearly in {@code e^eps}
   * between them; as {@code delta} is convex in {@code e^eps}, the result dominates the mechanism
   * for every epsilon. With {@code t = e^h - 1}:
   *
   * <pre>
   *   p_0     = (1 - d_0) + (d_1 - d_0) / t
   *   p_k     = ((d_{k+1} - d_k) - e^h (d_k - d_{k-1})) / t        0 < k < n-1
   *   p_{n-1} = (d_{n-1} - d_{n-2}) / (e^{-h} - 1)
   *   p_inf   = d_{n-1}
   * </pre>
   *
   * Deltas are first made non-increasing (running minimum) and probabilities clamped at 0, as
   * dp_accounting does, to absorb rounding in the inputs.
   */
  static PrivacyLossPmf connectTheDots(double interval, long lowerIndex, double[] deltas) {
    int n = deltas.length;
    double[] d = deltas.clone();
    for (int k = 1; k < n; k++) {
      d[k] = Math.min(d[k], d[k - 1]);
    }
    double[] p = new double[n];
    if (n == 1) {
      p[0] = 1 - d[0];
    } else {
      double t = Math.expm1(interval);
      double eh = Math.exp(interval);
      p[0] = (1 - d[0]) + (d[1] - d[0]) / t;
      for (int k = 1; k < n - 1; k++) {
        p[k] = ((d[k + 1] - d[k]) - eh * (d[k] - d[k - 1])) / t;
      }
      p[n - 1] = (d[n - 1] - d[n - 2]) / Math.expm1(-interval);
    }
    for (int k = 0; k < n; k++) {
      p[k] = Math.max(0.0, p[k]);
    }
    return new PrivacyLossPmf(interval, lowerIndex, p, d[n - 1]);
  }

  /**
   * The PMF of the composition (the sum of independent losses), then truncated pessimistically.
   * Truncation is two-stage. First a Chernoff window {@code [lo, hi]} outside which the exact
   * convolution has mass at most {@code tailMassTruncation / 2} per side (see {@link
   * #chernoffWindow}); computed entries below it are moved up to {@code lo}, entries above it to
   * {@code +infinity}. This bounds the size even where FFT rounding noise (about {@code 1e-18} per
   * entry) would defeat a cumulative-mass rule. Then the largest prefix and suffix each of mass at
   * most {@code tailMassTruncation / 2} are cut the same way (dp_accounting {@code _truncate_tails}
   * with {@code pessimistic_estimate=True}). Both moves only raise losses, so the result still
   * dominates the exact composition.
   */
  PrivacyLossPmf compose(PrivacyLossPmf other, double tailMassTruncation) {
    if (other.probs.length == 1 && other.probs[0] == 1.0 && other.infinityMass == 0.0) {
      return new PrivacyLossPmf(interval, lowerIndex + other.lowerIndex, probs, infinityMass);
    }
    if (probs.length == 1 && probs[0] == 1.0 && infinityMass == 0.0) {
      return new PrivacyLossPmf(
          interval, lowerIndex + other.lowerIndex, other.probs, other.infinityMass);
    }
    double[] conv = RealConvolution.convolve(probs, other.probs);
    clampNegatives(conv);
    double inf = infinityMass + other.infinityMass - infinityMass * other.infinityMass;
    long[] window =
        chernoffWindow(new double[][] {probs, other.probs}, new long[] {1, 1}, tailMassTruncation);
    int lo = (int) Math.max(0, window[0]);
    int hi = (int) Math.min(conv.length - 1, window[1]);
    double below = 0;
    for (int k = 0; k < lo; k++) {
      below += conv[k];
    }
    double above = 0;
    for (int k = hi + 1; k < conv.length; k++) {
      above += conv[k];
    }
    double[] kept = new double[hi - lo + 1];
    System.arraycopy(conv, lo, kept, 0, kept.length);
    kept[0] += below;
    return truncate(lowerIndex + other.lowerIndex + lo, kept, inf + above, tailMassTruncation);
  }

  /**
   * The {@code steps}-fold composition, as dp_accounting's {@code DensePLDPmf.self_compose}: the
   * Chernoff window {@code [lo, hi]} of the {@code steps}-fold sum (true mass outside at most
   * {@code tailMassTruncation}), one FFT, pointwise {@code steps}-th powers, one inverse FFT of
   * length at least the window. Mass outside the window is dropped or aliased into it; either way
   * it changes any delta by at most its total, so {@code tailMassTruncation} is added to the
   * infinity mass to stay pessimistic. Then the cumulative truncation of {@link #compose}.
   */
  PrivacyLossPmf selfCompose(long steps, double tailMassTruncation) {
    if (steps == 1) {
      return this;
    }
    long fullHigh = steps * (probs.length - 1);
    long[] window = chernoffWindow(new double[][] {probs}, new long[] {steps}, tailMassTruncation);
    long lo = Math.max(0, window[0]);
    long hi = Math.min(fullHigh, window[1]);
    if (hi - lo + 1 > RealConvolution.MAX_LENGTH) {
      throw new IllegalArgumentException(
          "composed privacy loss grid must have <= "
              + RealConvolution.MAX_LENGTH
              + " points; use a larger valueDiscretizationInterval. Provided value: "
              + (hi - lo + 1));
    }
    double[] out = RealConvolution.selfConvolveWindow(probs, steps, lo, (int) (hi - lo + 1));
    clampNegatives(out);
    double inf = -Math.expm1(steps * Math.log1p(-infinityMass)) + tailMassTruncation;
    return truncate(steps * lowerIndex + lo, out, inf, tailMassTruncation);
  }

  private static void clampNegatives(double[] p) {
    for (int k = 0; k < p.length; k++) {
      if (p[k] < 0) {
        p[k] = 0; // FFT rounding noise around true zeros
      }
    }
  }

  /**
   * Index window {@code [lo, hi]} (relative to the sum of the arrays' first indices) outside which
   * the sum of {@code counts[j]} independent copies of each PMF {@code pmfs[j]} has mass at most
   * {@code tailMass / 2} on each side, by the Chernoff bound {@code P(S >= u) <= exp(log M_S(l) - l
   * u)} for {@code l > 0} (and its mirror for {@code l < 0}), {@code log M_S = sum_j counts[j] log
   * M_j}. dp_accounting ({@code common.compute_self_convolve_bounds}) uses {@code l = k/len},
   * {@code |k| <= 20}; those are far from the optimum {@code l ~ 8/sd} once the sum's standard
   * deviation {@code sd} is much wider than one array, so here {@code l = +-2^i / sd} for {@code i
   * = -3..8}, which brackets the optimum for Gaussian-like and exponential tails alike to within a
   * factor 2 (widening the window by at most a few percent). The bound holds for every {@code l},
   * so the grid only affects tightness and cost.
   */
  static long[] chernoffWindow(double[][] pmfs, long[] counts, double tailMass) {
    double variance = 0;
    long fullHigh = 0;
    for (int j = 0; j < pmfs.length; j++) {
      double[] p = pmfs[j];
      double mass = 0;
      double mean = 0;
      for (int i = 0; i < p.length; i++) {
        mass += p[i];
        mean += i * p[i];
      }
      mean /= mass;
      double var = 0;
      for (int i = 0; i < p.length; i++) {
        double dev = i - mean;
        var += dev * dev * p[i];
      }
      variance += counts[j] * (var / mass);
      fullHigh += counts[j] * (p.length - 1);
    }
    long lo = 0;
    long hi = fullHigh;
    double sd = Math.sqrt(variance);
    if (!(sd > 0) || tailMass <= 0) {
      return new long[] {lo, hi};
    }
    double logTwoOverTail = Math.log(2 / tailMass);
    double[][] logP = new double[pmfs.length][];
    for (int j = 0; j < pmfs.length; j++) {
      logP[j] = new double[pmfs[j].length];
      for (int i = 0; i < pmfs[j].length; i++) {
        logP[j][i] = Math.log(pmfs[j][i]); // -Infinity for empty bins, skipped below
      }
    }
    for (int sign = -1; sign <= 1; sign += 2) {
      for (int e = -3; e <= 8; e++) {
        double l = sign * Math.scalb(1.0, e) / sd;
        double logMgf = 0;
        for (int j = 0; j < pmfs.length; j++) {
          logMgf += counts[j] * logSumExp(logP[j], l);
        }
        double bound = (logMgf + logTwoOverTail) / l;
        if (!Double.isFinite(bound)) {
          continue;
        }
        if (l > 0) {
          hi = Math.min(hi, (long) Math.ceil(bound));
        } else {
          lo = Math.max(lo, (long) Math.floor(bound));
        }
      }
    }
    if (lo > hi) {
      // Only possible through rounding with a near-degenerate PMF; fall back to the full range.
      return new long[] {0, fullHigh};
    }
    return new long[] {lo, hi};
  }

  /** {@code log sum_i exp(logP[i] + l * i)} without overflow. */
  private static double logSumExp(double[] logP, double l) {
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < logP.length; i++) {
      double v = logP[i] + l * i;
      if (v > max) {
        max = v;
      }
    }
    if (max == Double.NEGATIVE_INFINITY) {
      return max;
    }
    double sum = 0;
    for (int i = 0; i < logP.length; i++) {
      sum += Math.exp(logP[i] + l * i - max);
    }
    return max + Math.log(sum);
  }

  private PrivacyLossPmf truncate(
      long lower, double[] p, double infinity, double tailMassTruncation) {
    double half = tailMassTruncation / 2;
    int left = 0;
    double leftMass = 0;
    while (left < p.length && leftMass + p[left] <= half) {
      leftMass += p[left];
      left++;
    }
    int right = p.length;
    double rightMass = 0;
    while (right > left + 1 && rightMass + p[right - 1] <= half) {
      rightMass += p[right - 1];
      right--;
    }
    if (left >= right) {
      left = right - 1;
      leftMass = 0;
      for (int k = 0; k < left; k++) {
        leftMass += p[k];
      }
    }
    double[] kept = new double[right - left];
    System.arraycopy(p, left, kept, 0, kept.length);
    kept[0] += leftMass;
    return new PrivacyLossPmf(interval, lower + left, kept, infinity + rightMass);
  }

  double loss(int i) {
    return (lowerIndex + i) * interval;
  }

  /** Hockey-stick divergence at {@code epsilon}, capped at 1. */
  double delta(double epsilon) {
    double delta = infinityMass;
    for (int i = probs.length - 1; i >= 0; i--) {
      double loss = loss(i);
      if (loss <= epsilon) {
        break;
      }
      delta += -Math.expm1(epsilon - loss) * probs[i];
    }
    return Math.min(1.0, delta);
  }

  /**
   * Smallest {@code epsilon >= 0} with {@code delta(epsilon) <= delta}, {@code +Infinity} if the
   * infinity mass alone exceeds it (dp_accounting {@code _get_epsilon_for_delta}). Scanning from
   * the top, on {@code [l_{i-1}, l_i]} the divergence is {@code U - e^eps L} with {@code U =
   * infinity + sum_{j>=i} p_j} and {@code L = sum_{j>=i} p_j e^{-l_j}}, solved in closed form.
   */
  double epsilon(double delta) {
    if (infinityMass > delta) {
      return Double.POSITIVE_INFINITY;
    }
    double massUpper = infinityMass;
    double massLower = 0;
    for (int i = probs.length - 1; i >= 0; i--) {
      double loss = loss(i);
      if (massUpper > delta && massLower > 0 && Math.log((massUpper - delta) / massLower) >= loss) {
        break;
      }
      massUpper += probs[i];
      massLower += Math.exp(-loss) * probs[i];
      if (massUpper >= delta && massLower == 0) {
        return Math.max(0.0, loss);
      }
    }
    if (massUpper <= massLower + delta) {
      return 0.0;
    }
    return Math.log((massUpper - delta) / massLower);
  }
}
