package io.fedrec.core.dp;

import io.fedrec.core.model.Checks;

/**
 * Argument checks shared by the accountants, in the style of {@link Checks}: each message names the
 * parameter, the rule and the provided value, e.g. {@code "noiseMultiplier must be > 0 and finite.
 * Provided value: NaN"}. Delegates to {@link Checks} where it has the rule.
 */
final class AccountingChecks {
  private AccountingChecks() {}

  /** {@code delta} in the open interval {@code (0, 1)}. */
  static double delta(double delta) {
    if (!(delta > 0 && delta < 1)) {
      throw new IllegalArgumentException("delta must be in (0, 1). Provided value: " + delta);
    }
    return delta;
  }

  /** {@code epsilon >= 0} and finite. */
  static double epsilon(double epsilon) {
    return Checks.nonNegativeFinite("epsilon", epsilon);
  }

  /** {@code samplingRate} in {@code [0, 1]}: 0 is allowed where a round samples nobody. */
  static double samplingRateOrZero(double samplingRate) {
    return Checks.finiteInRange("samplingRate", samplingRate, 0.0, 1.0);
  }

  /** {@code samplingRate} in {@code (0, 1]}. */
  static double samplingRate(double samplingRate) {
    if (!(samplingRate > 0 && samplingRate <= 1)) {
      throw new IllegalArgumentException(
          "samplingRate must be in (0, 1]. Provided value: " + samplingRate);
    }
    return samplingRate;
  }

  static double noiseMultiplier(double noiseMultiplier) {
    return Checks.positiveFinite("noiseMultiplier", noiseMultiplier);
  }

  static long steps(long steps) {
    if (steps < 1) {
      throw new IllegalArgumentException("steps must be >= 1. Provided value: " + steps);
    }
    return steps;
  }
}
