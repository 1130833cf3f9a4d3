package io.fedrec.simulator.sim;

/**
 * What a simulation spent, for {@code summary.json}'s {@code privacy} object.
 *
 * @param mode {@code none} or {@code central}
 * @param epsilon spent over the published rounds by the PLD accountant (NaN for none)
 * @param epsilonRdp the same by the RDP accountant (NaN for none)
 * @param delta NaN for none
 * @param epsilonBudget NaN for none
 * @param noiseMultiplier NaN for none
 * @param clipNorm NaN for none
 * @param samplingRate expected users per round over the population (NaN for none)
 * @param stoppedByBudget whether the budget ended the federation before its configured rounds
 */
public record PrivacyReport(
    String mode,
    double epsilon,
    double epsilonRdp,
    double delta,
    double epsilonBudget,
    double noiseMultiplier,
    double clipNorm,
    double samplingRate,
    boolean stoppedByBudget) {

  public static final PrivacyReport NONE = new PrivacyReport("none", Double.NaN, Double.NaN,
      Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, false);
}
