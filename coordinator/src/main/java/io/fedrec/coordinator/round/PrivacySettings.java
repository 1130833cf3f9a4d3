package io.fedrec.coordinator.round;

import io.fedrec.core.dp.NoiseDistribution;
import io.fedrec.core.model.Checks;

/**
 * A federation's user-level differential privacy, as configured (keys {@code privacy_*} in
 * {@link FederationConfig#fromProperties}).
 *
 * <p>{@link Mode#NONE}: no clipping, no noise; nothing else may be set. {@link Mode#CENTRAL}:
 * clients clip every user's contribution to {@code clipNorm}, the coordinator adds Gaussian noise
 * of standard deviation {@code noiseMultiplier * clipNorm} to the cohort's sum and divides by
 * {@code usersPerRound}; rounds stop before the accounted epsilon (PLD accountant, cohorts treated
 * as Poisson samples with rate {@code usersPerRound / population}) would exceed {@code epsilon}.
 * {@link Mode#DISTRIBUTED}: the same clipping, accounting and budget stop, but the clients add the
 * noise to their encoded updates and secure aggregation reveals only the noisy sum (see {@code
 * io.fedrec.core.dp.DistributedNoise}); it requires {@code secagg=true}.
 * A {@code noiseMultiplier} of 0 means "the smallest that lets all configured rounds fit in the
 * budget", solved when the coordinator starts.
 *
 * <p>Validation fails closed: a central configuration with any parameter missing or out of range
 * is refused, so no round can run under a privacy claim that does not hold.
 *
 * @param mode none or central
 * @param clipNorm L2 bound per user's contribution
 * @param noiseMultiplier noise standard deviation over clipNorm; 0 = solve from the budget
 * @param epsilon total budget
 * @param delta the delta of the (epsilon, delta) guarantee
 * @param population number of users who may be sampled (for the sampling rate)
 * @param usersPerRound expected users per round (denominator of the mean; sampling numerator)
 * @param noise the clients' noise in distributed and local modes (key {@code privacy_noise}):
 *     the discrete Gaussian, accounted by RDP and PLD ({@link #ACCOUNTANT_VERSION}), or the
 *     Skellam distribution, accounted by the Skellam RDP bound ({@link
 *     #SKELLAM_ACCOUNTANT_VERSION}); must be the discrete Gaussian in the other modes
 */
public record PrivacySettings(
    Mode mode,
    double clipNorm,
    double noiseMultiplier,
    double epsilon,
    double delta,
    long population,
    long usersPerRound,
    NoiseDistribution noise) {

  /** Settings with the discrete Gaussian as the clients' noise (the default). */
  public PrivacySettings(Mode mode, double clipNorm, double noiseMultiplier, double epsilon,
      double delta, long population, long usersPerRound) {
    this(mode, clipNorm, noiseMultiplier, epsilon, delta, population, usersPerRound,
        NoiseDistribution.DISCRETE_GAUSSIAN);
  }

  /**
   * Loss-grid spacing of the coordinator's PLD accountant (solving the noise multiplier, the
   * budget stop, the ledger's {@code epsilon_pld}): ten times coarser than {@code
   * PldAccountant}'s default, so a round's accounting costs tens of milliseconds rather than half
   * a second, at a pessimistic overshoot of about {@code 1e-4} in epsilon on the defaults
   * (measured: 3.99959 vs 3.99956 after 100 rounds at q = 0.02, z = 0.74). Recorded in every
   * ledger entry as {@code pld_interval}.
   */
  public static final double PLD_INTERVAL = 1e-3;

  /**
   * Version of the accounting behind a ledger's epsilons, recorded in every entry: the RDP
   * accountant of the Poisson-subsampled Gaussian (Mironov, Talwar, Zhang 2019; TF Privacy's
   * orders; conversion of Balle et al. 2020) and the PLD accountant (pessimistic connect-the-dots
   * discretisation at {@link #PLD_INTERVAL}), each run fresh over {@code round} identical steps
   * with the entry's {@code sampling_rate} and {@code noise_multiplier}. Any change to either
   * that can move a recorded value changes this string.
   */
  public static final String ACCOUNTANT_VERSION = "fedrec-accountant/1";

  /**
   * Version of the accounting of a federation whose clients add Skellam noise, recorded in every
   * entry instead of {@link #ACCOUNTANT_VERSION}: {@code io.fedrec.core.dp.SkellamAccountant}
   * (Agarwal, Kairouz, Liu 2021, Corollary 4.1; Poisson subsampling by Zhu and Wang 2019,
   * Theorem 5; integer orders 2..128 and 256; conversion of Balle et al. 2020) run fresh over the
   * entry's rounds with its {@code sampling_rate}, {@code noise_multiplier}, {@code
   * skellam_l2_units} and {@code skellam_l1_units}. There is no PLD value for this mechanism.
   */
  public static final String SKELLAM_ACCOUNTANT_VERSION = "fedrec-skellam-accountant/1";

  /** Privacy modes; see the class documentation. */
  public enum Mode {
    NONE("none"),
    CENTRAL("central"),
    /**
     * Clients clip, encode and add discrete Gaussian noise; secure aggregation reveals only the
     * noisy sum (Kairouz, Liu, Steinke 2021). Requires secure aggregation.
     */
    DISTRIBUTED("distributed"),
    /**
     * Each client adds the full noise to its own submission (local DP, for comparison): the
     * coordinator may see every submission, so no amplification by sampling is accounted.
     */
    LOCAL("local");

    private final String key;

    Mode(String key) {
      this.key = key;
    }

    public String key() {
      return key;
    }

    /** @throws IllegalArgumentException naming the key and the valid values */
    public static Mode parse(String key) {
      for (Mode m : values()) {
        if (m.key.equals(key)) {
          return m;
        }
      }
      throw new IllegalArgumentException(
          "privacy_mode must be one of none, central, distributed, local. Provided value: " + key);
    }
  }

  public static final PrivacySettings NONE = new PrivacySettings(Mode.NONE, 0, 0, 0, 0, 0, 0);

  public PrivacySettings {
    if (mode == null) {
      throw new IllegalArgumentException("privacy_mode must be set. Provided value: null");
    }
    if (noise == null) {
      throw new IllegalArgumentException("privacy_noise must be set. Provided value: null");
    }
    if (noise != NoiseDistribution.DISCRETE_GAUSSIAN
        && mode != Mode.DISTRIBUTED && mode != Mode.LOCAL) {
      throw new IllegalArgumentException("privacy_noise " + noise.key() + " is for the clients'"
          + " noise in privacy_mode distributed or local; privacy_mode is " + mode.key());
    }
    if (mode == Mode.NONE) {
      if (clipNorm != 0 || noiseMultiplier != 0 || epsilon != 0 || delta != 0 || population != 0
          || usersPerRound != 0) {
        throw new IllegalArgumentException(
            "privacy_mode is none, so no other privacy_* setting may be given");
      }
    } else {
      Checks.positiveFinite("privacy_clip_norm", clipNorm);
      Checks.finiteInRange("privacy_noise_multiplier", noiseMultiplier, 0, 1e4);
      Checks.positiveFinite("privacy_epsilon", epsilon);
      if (!(delta > 0 && delta < 1)) {
        throw new IllegalArgumentException(
            "privacy_delta must be in (0, 1). Provided value: " + delta);
      }
      Checks.inRange("privacy_population", population, 1, Long.MAX_VALUE);
      Checks.inRange("privacy_users_per_round", usersPerRound, 1, population);
    }
  }

  /**
   * The sampling rate the accountant uses: the expected fraction of the population in a round;
   * 1 in local mode, where every submission is released to the coordinator as it is and sampling
   * amplifies nothing against it.
   */
  public double samplingRate() {
    if (mode == Mode.LOCAL) {
      return 1.0;
    }
    return mode == Mode.NONE ? 0 : (double) usersPerRound / population;
  }

  public PrivacySettings withNoiseMultiplier(double z) {
    return new PrivacySettings(mode, clipNorm, z, epsilon, delta, population, usersPerRound,
        noise);
  }

  /** The accountant version recorded in the ledger for these settings. */
  public String accountantVersion() {
    return noise == NoiseDistribution.SKELLAM ? SKELLAM_ACCOUNTANT_VERSION : ACCOUNTANT_VERSION;
  }
}
