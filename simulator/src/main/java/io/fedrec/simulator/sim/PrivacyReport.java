package io.fedrec.simulator.sim;

/**
 * What a simulation spent, for {@code summary.json}'s {@code privacy} object.
 *
 * @param mode {@code none}, {@code central}, {@code distributed} or {@code local}
 * @param epsilon spent over the published rounds by the PLD accountant (NaN for none); with
 *     Skellam noise, which has no PLD accountant, by the Skellam RDP bound
 * @param epsilonRdp the same by the RDP accountant (NaN for none); with Skellam noise the Skellam
 *     RDP bound
 * @param delta NaN for none
 * @param epsilonBudget NaN for none
 * @param noiseMultiplier NaN for none
 * @param clipNorm NaN for none
 * @param samplingRate expected users per round over the population (NaN for none)
 * @param stoppedByBudget whether the budget ended the federation before its configured rounds
 * @param noise the clients' noise ({@code discrete_gaussian} or {@code skellam}; the former also
 *     for central mode and for none)
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
    boolean stoppedByBudget,
    String noise) {

  public static final PrivacyReport NONE = new PrivacyReport("none", Double.NaN, Double.NaN,
      Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, false, "discrete_gaussian");

  /**
   * "epsilon E (PLD; RDP R)", or for Skellam noise "epsilon E (Skellam RDP)", with {@code digits}
   * decimals.
   */
  public String epsilonSummary(int digits) {
    String f = "%." + digits + "f";
    return "skellam".equals(noise)
        ? String.format(java.util.Locale.ROOT, "epsilon " + f + " (Skellam noise, RDP)", epsilon)
        : String.format(java.util.Locale.ROOT, "epsilon " + f + " (PLD; RDP " + f + ")", epsilon,
            epsilonRdp);
  }
}
