package io.fedrec.core.dp;

import io.fedrec.core.model.Checks;
import java.util.function.Supplier;

/**
 * Finds the smallest noise multiplier whose guarantee meets a target (epsilon, delta) for {@code
 * steps} steps of the Poisson-subsampled Gaussian mechanism, in the manner of TF Privacy's {@code
 * compute_noise} and Opacus' {@code get_noise_multiplier}.
 *
 * <p>Epsilon decreases in the noise multiplier, so the search brackets the answer by doubling or
 * halving from {@code z = 1} and then bisects until the bracket's relative width is at most {@link
 * #RELATIVE_TOLERANCE}. It always returns the upper end of the bracket, so the result is never
 * below the true minimum (rounding is toward more noise) and always meets the target under the
 * chosen accountant. Multipliers are searched in {@code [}{@link #MIN_NOISE_MULTIPLIER}{@code ,
 * }{@link #MAX_NOISE_MULTIPLIER}{@code ]}: if the smallest already meets the target it is returned;
 * if the largest does not, the target is rejected.
 *
 * <p>Stateless and thread-safe; every evaluation uses a fresh accountant.
 */
public final class NoiseCalibration {
  private NoiseCalibration() {}

  /** Bisection stops when {@code (hi - lo) <= RELATIVE_TOLERANCE * hi}. */
  public static final double RELATIVE_TOLERANCE = 1e-4;

  /** Below this the PLD grid grows past practical sizes, and no deployment uses less noise. */
  public static final double MIN_NOISE_MULTIPLIER = 0.1;

  public static final double MAX_NOISE_MULTIPLIER = 1e4;

  /**
   * Smallest noise multiplier {@code z} (to relative {@link #RELATIVE_TOLERANCE}, rounded up) such
   * that {@code steps} steps at {@code samplingRate} with multiplier {@code z} are {@code
   * (targetEpsilon, delta)}-DP under {@code kind}.
   *
   * @throws IllegalArgumentException if an argument is out of range, or if even {@link
   *     #MAX_NOISE_MULTIPLIER} does not meet the target
   */
  public static double solveNoiseMultiplier(
      double targetEpsilon, double delta, double samplingRate, long steps, AccountantKind kind) {
    if (kind == null) {
      throw new IllegalArgumentException("kind must not be null. Provided value: null");
    }
    return solveNoiseMultiplier(targetEpsilon, delta, samplingRate, steps, kind::newAccountant);
  }

  /**
   * As {@link #solveNoiseMultiplier(double, double, double, long, AccountantKind)} with accountants
   * from {@code accountants}, which must return a new empty accountant on each call (for instance
   * {@code () -> PldAccountant.create(1e-3)}).
   */
  public static double solveNoiseMultiplier(
      double targetEpsilon,
      double delta,
      double samplingRate,
      long steps,
      Supplier<? extends PrivacyAccountant> accountants) {
    Checks.positiveFinite("targetEpsilon", targetEpsilon);
    AccountingChecks.delta(delta);
    AccountingChecks.samplingRate(samplingRate);
    AccountingChecks.steps(steps);
    if (accountants == null) {
      throw new IllegalArgumentException("accountants must not be null. Provided value: null");
    }
    double lo;
    double hi;
    if (meets(1.0, targetEpsilon, delta, samplingRate, steps, accountants)) {
      hi = 1.0;
      lo = 0.5;
      while (meets(lo, targetEpsilon, delta, samplingRate, steps, accountants)) {
        hi = lo;
        if (lo <= MIN_NOISE_MULTIPLIER) {
          return MIN_NOISE_MULTIPLIER;
        }
        lo = Math.max(MIN_NOISE_MULTIPLIER, lo / 2);
      }
    } else {
      lo = 1.0;
      hi = 2.0;
      while (!meets(hi, targetEpsilon, delta, samplingRate, steps, accountants)) {
        lo = hi;
        if (hi >= MAX_NOISE_MULTIPLIER) {
          throw new IllegalArgumentException(
              "targetEpsilon is not reachable with noiseMultiplier <= "
                  + MAX_NOISE_MULTIPLIER
                  + " for delta "
                  + delta
                  + ", samplingRate "
                  + samplingRate
                  + ", steps "
                  + steps
                  + ". Provided value: "
                  + targetEpsilon);
        }
        hi = Math.min(MAX_NOISE_MULTIPLIER, hi * 2);
      }
    }
    // Invariant: meets(hi) and !meets(lo).
    while (hi - lo > RELATIVE_TOLERANCE * hi) {
      double mid = 0.5 * (lo + hi);
      if (meets(mid, targetEpsilon, delta, samplingRate, steps, accountants)) {
        hi = mid;
      } else {
        lo = mid;
      }
    }
    return hi;
  }

  private static boolean meets(
      double noiseMultiplier,
      double targetEpsilon,
      double delta,
      double samplingRate,
      long steps,
      Supplier<? extends PrivacyAccountant> accountants) {
    PrivacyAccountant accountant = accountants.get();
    accountant.compose(samplingRate, noiseMultiplier, steps);
    return accountant.epsilon(delta) <= targetEpsilon;
  }
}
