package io.fedrec.simulator.sim;

import java.util.Map;

/**
 * One published round of a simulation, as reported in {@code rounds.csv}.
 *
 * @param round the round number (1-based)
 * @param clients clients whose update was aggregated (the round's participants)
 * @param dropouts selected clients that did not submit (failed or missed the deadline)
 * @param users users whose updates those clients summed (the round's total weight)
 * @param trainRmse root of the mean squared training error the participating clients reported
 *     (after reconstruction, before their local steps), NaN when none reported
 * @param testRmse test RMSE of the round's model, NaN when the round was not evaluated
 * @param testMae test MAE of the round's model, NaN when the round was not evaluated
 * @param bytesUp update payload bytes the coordinator received
 * @param bytesDown model payload bytes the coordinator authorised for download
 * @param seconds wall-clock seconds the round took, its evaluation included
 * @param ranking ranking metrics of the round's model keyed like {@code hr@10}, empty when the
 *     round was not evaluated or none were requested
 */
public record RoundRow(
    long round,
    int clients,
    int dropouts,
    long users,
    double trainRmse,
    double testRmse,
    double testMae,
    long bytesUp,
    long bytesDown,
    double seconds,
    Map<String, Double> ranking) {

  public RoundRow {
    ranking = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(ranking));
  }

  /**
   * Whether test metrics were computed for this round (rating metrics, or ranking metrics alone
   * with implicit feedback).
   */
  public boolean evaluated() {
    return !Double.isNaN(testRmse) || !ranking.isEmpty();
  }
}
