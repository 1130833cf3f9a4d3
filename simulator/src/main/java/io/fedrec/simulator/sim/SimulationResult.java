package io.fedrec.simulator.sim;

import io.fedrec.coordinator.round.RoundRecord;
import io.fedrec.core.model.GlobalModel;
import io.fedrec.simulator.eval.RatingMetrics;
import java.util.List;
import java.util.Map;

/**
 * What a simulation produced. Immutable.
 *
 * @param config the settings it ran with
 * @param data size of the data set and split it ran on
 * @param numClients virtual clients in the federation
 * @param cohortSize clients per round actually used ({@code min(clientsPerRound, numClients)})
 * @param rows one row per published round, in round order
 * @param records the coordinator's round records, in round order
 * @param finalMetrics test RMSE and MAE of the final model
 * @param baseline test RMSE and MAE of the mean-plus-biases baseline on the same split
 * @param wallSeconds wall-clock seconds of the whole run (set-up and evaluations included)
 * @param finalModel the last published model
 * @param privacy what the run spent ({@link PrivacyReport#NONE} without privacy)
 * @param finalRanking ranking metrics of the final model (empty when none were requested)
 * @param rankingProtocol {@code loo} or {@code full}, or null when no ranking metric was requested
 * @param secagg what secure aggregation did
 * @param stragglers sampled clients whose upload missed a round's deadline ({@link
 *     ClientBehaviour})
 * @param meanAvailableClients clients available per round, averaged over the rounds run
 */
public record SimulationResult(
    SimulationConfig config,
    DataStats data,
    int numClients,
    int cohortSize,
    List<RoundRow> rows,
    List<RoundRecord> records,
    RatingMetrics finalMetrics,
    RatingMetrics baseline,
    double wallSeconds,
    GlobalModel finalModel,
    PrivacyReport privacy,
    Map<String, Double> finalRanking,
    String rankingProtocol,
    SecAggReport secagg,
    long stragglers,
    double meanAvailableClients) {

  public SimulationResult {
    rows = List.copyOf(rows);
    records = List.copyOf(records);
    finalRanking = java.util.Collections.unmodifiableMap(
        new java.util.LinkedHashMap<>(finalRanking));
  }

  /** Rounds published. */
  public int rounds() {
    return rows.size();
  }

  /** Update payload bytes over all rounds. */
  public long totalBytesUp() {
    long s = 0;
    for (RoundRow r : rows) {
      s += r.bytesUp();
    }
    return s;
  }

  /** Model payload bytes over all rounds. */
  public long totalBytesDown() {
    long s = 0;
    for (RoundRow r : rows) {
      s += r.bytesDown();
    }
    return s;
  }
}
