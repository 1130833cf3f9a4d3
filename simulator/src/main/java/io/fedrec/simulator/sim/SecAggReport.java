package io.fedrec.simulator.sim;

import io.fedrec.coordinator.round.RoundRecord;
import java.util.List;
import java.util.Map;

/**
 * What secure aggregation did over a simulation, from the coordinator's round records (the
 * {@code secagg_*} measurements) and the count of abandoned rounds.
 *
 * @param enabled whether rounds were securely aggregated
 * @param bitsPerCoordinate bits per coordinate of the last published round (largest cohort: most
 *     bits); 0 when disabled or nothing was published
 * @param neighbours neighbours per client of the last published round
 * @param threshold Shamir threshold of the last published round
 * @param droppedClients cohort members whose input is not in a published sum, over all rounds
 * @param bytesUpPerClient mean bytes one cohort member sent per round (keys, shares, masked input,
 *     unmask answer), over published rounds
 * @param roundsAbandoned rounds abandoned (secure aggregation below threshold, or too few clients)
 */
public record SecAggReport(
    boolean enabled,
    int bitsPerCoordinate,
    int neighbours,
    int threshold,
    long droppedClients,
    double bytesUpPerClient,
    int roundsAbandoned) {

  /** Computes the report from a run's published round records. */
  static SecAggReport of(boolean enabled, List<RoundRecord> records, int roundsAbandoned) {
    if (!enabled) {
      return new SecAggReport(false, 0, 0, 0, 0, 0, roundsAbandoned);
    }
    int bits = 0;
    int k = 0;
    int t = 0;
    long dropped = 0;
    double bytes = 0;
    long members = 0;
    for (RoundRecord r : records) {
      Map<String, Double> m = r.measurements();
      bits = (int) get(m, "secagg_bits");
      k = (int) get(m, "secagg_neighbours");
      t = (int) get(m, "secagg_threshold");
      dropped += r.dropouts();
      bytes += get(m, "secagg_bytes_up");
      members += (long) get(m, "secagg_cohort");
    }
    return new SecAggReport(true, bits, k, t, dropped, members == 0 ? 0 : bytes / members,
        roundsAbandoned);
  }

  private static double get(Map<String, Double> m, String key) {
    Double v = m.get(key);
    return v == null ? 0 : v;
  }
}
