package io.fedrec.core.dp;

import io.fedrec.core.aggregate.AggregateResult;
import io.fedrec.core.aggregate.AggregationFactory;
import io.fedrec.core.aggregate.AggregationProcess;
import io.fedrec.core.aggregate.ClientContribution;
import io.fedrec.core.aggregate.FixedPointSum;
import io.fedrec.core.model.Checks;
import java.util.Map;

/**
 * The coordinator's stage of distributed differential privacy ({@link DistributedNoise}): the
 * clients clipped and noised their encoded updates, and secure aggregation delivered only the
 * noisy sum. This stage takes that one sum and divides it by the configured {@code
 * expectedWeight} (the expected users per round, as DP-FedAvg's fixed denominator; the realised
 * weight is itself noisy). It adds no noise and sees no individual update.
 *
 * <p>Fails closed: it refuses more than one contribution (an individual update must never reach
 * it), and a round with none.
 */
public final class DistributedSumAggregation implements AggregationFactory {
  private final double clipNorm;
  private final double noiseMultiplier;
  private final long expectedWeight;
  private final boolean single;

  /** Distributed DP: exactly one securely aggregated sum per round. */
  public DistributedSumAggregation(double clipNorm, double noiseMultiplier, long expectedWeight) {
    this(clipNorm, noiseMultiplier, expectedWeight, true);
  }

  /**
   * @param single true: exactly one (securely aggregated) sum per round; false: any number of
   *     already noised submissions (local DP), summed exactly
   */
  public DistributedSumAggregation(
      double clipNorm, double noiseMultiplier, long expectedWeight, boolean single) {
    this.single = single;
    this.clipNorm = Checks.positiveFinite("clip_norm", clipNorm);
    this.noiseMultiplier = Checks.positiveFinite("noise_multiplier", noiseMultiplier);
    this.expectedWeight = Checks.inRange("expected_weight", expectedWeight, 1, Long.MAX_VALUE / 2);
  }

  @Override
  public AggregationProcess create() {
    return new AggregationProcess() {
      @Override
      public RoundAggregator begin(long round, int dimension) {
        return new Round(dimension);
      }

      @Override
      public String name() {
        return single ? "distributed_gaussian" : "local_gaussian";
      }
    };
  }

  private final class Round implements AggregationProcess.RoundAggregator {
    private final int dimension;
    private final FixedPointSum total;
    private ClientContribution sum;
    private int count;
    private long weight;
    private boolean finished;

    Round(int dimension) {
      this.dimension = dimension;
      this.total = new FixedPointSum(dimension);
    }

    @Override
    public synchronized void accept(ClientContribution c) {
      if (finished) {
        throw new IllegalStateException("aggregator already finished");
      }
      if (single && sum != null) {
        throw new IllegalStateException("distributed privacy accepts only the one securely"
            + " aggregated sum per round; a second contribution was offered");
      }
      if (c.update().length != dimension) {
        throw new IllegalArgumentException("sum must have " + dimension + " values. Provided: "
            + c.update().length);
      }
      total.add(c.update());
      sum = c;
      count++;
      weight += c.weight();
    }

    @Override
    public synchronized int count() {
      return count;
    }

    @Override
    public synchronized AggregateResult finish() {
      if (finished) {
        throw new IllegalStateException("aggregator already finished");
      }
      finished = true;
      if (sum == null) {
        throw new IllegalStateException("no securely aggregated sum; round not published");
      }
      float[] mean = total.divide(expectedWeight);
      return new AggregateResult(mean, count, weight, Map.of(
          "mean_update_norm", FixedPointSum.norm(mean),
          "clip_norm", clipNorm,
          "noise_multiplier", noiseMultiplier,
          "noise_stddev", noiseMultiplier * clipNorm / expectedWeight,
          "expected_weight", (double) expectedWeight));
    }
  }
}
