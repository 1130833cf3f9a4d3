package io.fedrec.core.dp;

/**
 * Tracks the privacy cost of repeated runs of the Poisson-subsampled Gaussian mechanism (DP-SGD,
 * DP-FedAvg): each step samples every user independently with probability {@code samplingRate},
 * sums their updates clipped to L2 norm {@code C}, and adds {@code N(0, (noiseMultiplier * C)^2)}
 * per coordinate. Guarantees are for add/remove-one-user adjacency.
 *
 * <p>Implementations accumulate: {@link #compose} adds steps, and the conversions report the
 * guarantee of everything composed so far. Their thread safety is stated on each class.
 */
public interface PrivacyAccountant {

  /**
   * Adds {@code steps} steps with sampling rate {@code samplingRate} in {@code [0, 1]} (0 adds
   * nothing) and noise multiplier {@code noiseMultiplier > 0}, and returns this accountant.
   *
   * @throws IllegalArgumentException if an argument is out of range
   */
  PrivacyAccountant compose(double samplingRate, double noiseMultiplier, long steps);

  /**
   * Smallest {@code epsilon >= 0} this accountant can certify for {@code delta} in {@code (0, 1)},
   * or {@code +Infinity} if none.
   */
  double epsilon(double delta);

  /**
   * Smallest {@code delta} this accountant can certify for {@code epsilon >= 0}, in {@code [0, 1]}.
   */
  double delta(double epsilon);
}
