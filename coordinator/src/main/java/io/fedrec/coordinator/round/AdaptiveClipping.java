package io.fedrec.coordinator.round;

/**
 * Adaptive clipping (Andrew, Thakkar, McMahan, Ramaswamy, "Differentially Private Learning with
 * Adaptive Clipping", NeurIPS 2021): the clip norm follows a target quantile of the users' update
 * norms instead of being fixed. Each round, clients report how many of their users' contributions
 * were not clipped; the coordinator adds Gaussian noise (standard deviation {@code countNoise}) to
 * the cohort's total, and updates {@code C <- C * exp(-learningRate * (fraction - quantile))}.
 *
 * <p>Privacy: the count is a second Gaussian query on the same users (sensitivity 1/2 once
 * centred), so the update's noise multiplier is raised to {@code z_update = (z^-2 - (2
 * countNoise)^-2)^(-1/2)} and the pair is accounted exactly as one Gaussian mechanism with the
 * federation's {@code z} (the paper's Theorem 1). Requires {@code 2 countNoise > z}. Central mode
 * without secure aggregation only (the count would otherwise need its own masked coordinate).
 *
 * @param enabled whether the clip adapts
 * @param targetQuantile fraction of users whose contribution should stay unclipped, in (0, 1)
 * @param learningRate geometric step of the clip, in (0, 10]
 * @param countNoise standard deviation of the noise on the unclipped count; 0 = expected users per
 *     round / 20, the paper's suggestion
 */
public record AdaptiveClipping(
    boolean enabled, double targetQuantile, double learningRate, double countNoise) {
  public static final AdaptiveClipping OFF = new AdaptiveClipping(false, 0.5, 0.2, 0);

  public AdaptiveClipping {
    if (!(targetQuantile > 0 && targetQuantile < 1)) {
      throw new IllegalArgumentException(
          "privacy_target_quantile must be in (0, 1). Provided value: " + targetQuantile);
    }
    if (!(learningRate > 0 && learningRate <= 10)) {
      throw new IllegalArgumentException(
          "privacy_clip_learning_rate must be in (0, 10]. Provided value: " + learningRate);
    }
    if (!(countNoise >= 0) || Double.isInfinite(countNoise)) {
      throw new IllegalArgumentException(
          "privacy_count_noise must be >= 0 and finite. Provided value: " + countNoise);
    }
  }

  /** The count noise for {@code usersPerRound} expected users. */
  public double countNoiseFor(long usersPerRound) {
    return countNoise > 0 ? countNoise : usersPerRound / 20.0;
  }

  /**
   * The update's noise multiplier for a federation accounted at {@code z}.
   *
   * @throws IllegalArgumentException unless {@code 2 countNoise > z}
   */
  public static double updateNoiseMultiplier(double z, double countNoise) {
    double inv = 1 / (z * z) - 1 / (4 * countNoise * countNoise);
    if (!(inv > 0)) {
      throw new IllegalArgumentException("adaptive clipping needs 2 * privacy_count_noise > the"
          + " noise multiplier " + z + ". Provided count noise: " + countNoise);
    }
    return 1 / Math.sqrt(inv);
  }

  /** The next clip after a round whose noisy unclipped fraction was {@code fraction}. */
  public double nextClip(double clip, double fraction) {
    return clip * Math.exp(-learningRate * (fraction - targetQuantile));
  }
}
