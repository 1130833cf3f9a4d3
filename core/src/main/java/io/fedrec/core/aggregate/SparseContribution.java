package io.fedrec.core.aggregate;

import io.fedrec.core.model.ModelShape;

/**
 * A plaintext submission in sparse form, for the simulator's in-process fast path: the summed
 * data updates of a client's users on the item rows they touched, and how many shares of the
 * global prior the client would have added to every row ({@code LocalTrainer.addWeightDecay}).
 *
 * <p>The dense submission a client sends over the wire is {@code data + prior(priorShares)}: the
 * prior is what makes every row non-zero, so that the zero pattern does not reveal what the
 * users rated. Its sum over a round is {@code sum(data) + prior(sum(priorShares))} because the
 * prior is linear in the shares; an aggregator that knows the model adds it once per round ({@link
 * AggregationProcess.RoundAggregator#acceptPrior}) instead of once per client, which turns a
 * round's cost from {@code clients x parameters} into {@code clients x touched rows}. The result
 * equals the dense path's up to float and fixed-point rounding (the prior is rounded once instead
 * of per client). Only ever used where the coordinator sees plaintext updates anyway (no secure
 * aggregation, no differential privacy), in the same JVM: it is not on the wire.
 *
 * @param clientId the submitting client
 * @param weight users summed, >= 1
 * @param items the touched item rows, strictly increasing
 * @param rows for each touched item, its {@code rank} factor deltas then its bias delta
 * @param muDelta the summed update of the global mean
 * @param priorShares shares of the prior the dense submission would carry: the number of users
 *     (no clipping in plaintext federations)
 */
public record SparseContribution(String clientId, long weight, int[] items, float[] rows,
    float muDelta, double priorShares) {

  public SparseContribution {
    if (weight < 1) {
      throw new IllegalArgumentException("weight must be >= 1. Provided value: " + weight);
    }
    if (items == null || rows == null) {
      throw new IllegalArgumentException("items and rows must not be null");
    }
    if (!(priorShares >= 0) || Double.isInfinite(priorShares)) {
      throw new IllegalArgumentException(
          "priorShares must be >= 0 and finite. Provided value: " + priorShares);
    }
  }

  /**
   * Why this contribution does not fit a model of {@code shape}, or null: items strictly
   * increasing in {@code [0, numItems)}, {@code rank + 1} values per item, every value finite
   * with magnitude at most {@link WeightedMeanFactory#MAX_ABS_VALUE}.
   */
  public String problem(ModelShape shape) {
    int width = shape.rank() + 1;
    if ((long) items.length * width != rows.length) {
      return "sparse update must have " + width + " values per item (" + items.length
          + " items). Provided: " + rows.length;
    }
    int previous = -1;
    for (int i = 0; i < items.length; i++) {
      int item = items[i];
      if (item <= previous || item >= shape.numItems()) {
        return "sparse update items must be strictly increasing in [0, " + shape.numItems()
            + "). Provided value at index " + i + ": " + item;
      }
      previous = item;
    }
    float max = WeightedMeanFactory.MAX_ABS_VALUE;
    for (int i = 0; i < rows.length; i++) {
      if (!(Math.abs(rows[i]) <= max)) {
        return "update values must be finite with magnitude <= " + max
            + ". Provided value at row index " + i + ": " + rows[i];
      }
    }
    if (!(Math.abs(muDelta) <= max)) {
      return "update values must be finite with magnitude <= " + max
          + ". Provided value for mu: " + muDelta;
    }
    if (priorShares > weight) {
      return "priorShares must be <= weight " + weight + ". Provided value: " + priorShares;
    }
    return null;
  }
}
