package io.fedrec.core.aggregate;

import java.util.Map;

/**
 * What a round's aggregation produced: the update the server optimizer applies, how many
 * contributions and how much weight went in, and measurements (e.g. {@code update_norm}) for
 * metrics and the round record.
 */
public record AggregateResult(
    float[] meanUpdate, int contributions, long totalWeight, Map<String, Double> measurements) {
  public AggregateResult {
    measurements = Map.copyOf(measurements);
  }
}
