package io.fedrec.simulator.sim;

import io.fedrec.core.dp.NoiseDistribution;
import io.fedrec.core.model.Checks;

/**
 * User-level differential privacy for a simulation, central or distributed (see
 * {@code io.fedrec.coordinator.round.PrivacySettings}): the population is the federation's users,
 * and the expected users per round are the cohort's.
 *
 * @param epsilon total budget, > 0
 * @param delta in (0, 1)
 * @param clipNorm L2 bound per user's contribution, > 0
 * @param noiseMultiplier noise standard deviation over clipNorm; 0 = the smallest that fits all
 *     rounds in the budget
 * @param mode {@code central} (the coordinator adds the noise), {@code distributed} (the clients
 *     add discrete Gaussian noise under secure aggregation) or {@code local} (each client adds the
 *     full noise to its own submission)
 * @param noise the clients' noise in distributed and local modes: {@code discrete_gaussian} or
 *     {@code skellam} ({@link NoiseDistribution})
 */
public record DpOptions(double epsilon, double delta, double clipNorm, double noiseMultiplier,
    String mode, String noise) {

  /** The discrete Gaussian as the clients' noise. */
  public DpOptions(
      double epsilon, double delta, double clipNorm, double noiseMultiplier, String mode) {
    this(epsilon, delta, clipNorm, noiseMultiplier, mode,
        NoiseDistribution.DISCRETE_GAUSSIAN.key());
  }

  /** Central DP (the coordinator adds the noise). */
  public DpOptions(double epsilon, double delta, double clipNorm, double noiseMultiplier) {
    this(epsilon, delta, clipNorm, noiseMultiplier, "central");
  }

  public DpOptions {
    if (!"central".equals(mode) && !"distributed".equals(mode) && !"local".equals(mode)) {
      throw new IllegalArgumentException(
          "privacy mode must be central, distributed or local. Provided value: " + mode);
    }
    Checks.positiveFinite("epsilon", epsilon);
    if (!(delta > 0 && delta < 1)) {
      throw new IllegalArgumentException("delta must be in (0, 1). Provided value: " + delta);
    }
    Checks.positiveFinite("clipNorm", clipNorm);
    Checks.finiteInRange("noiseMultiplier", noiseMultiplier, 0, 1e4);
    if (NoiseDistribution.parse(noise) == NoiseDistribution.SKELLAM && "central".equals(mode)) {
      throw new IllegalArgumentException("noise skellam is the clients' noise of privacy mode"
          + " distributed or local; the central mode adds Gaussian noise on the coordinator");
    }
  }

  /** {@link #noise()} parsed. */
  public NoiseDistribution noiseDistribution() {
    return NoiseDistribution.parse(noise);
  }
}
