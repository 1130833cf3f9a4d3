package io.fedrec.core.aggregate;

import java.util.Map;

/**
 * The plain aggregation: the sum of the contributions divided by the sum of their weights (each
 * contribution is already a sum of per-user updates, so this is the mean per user).
 *
 * <p>Summation is <b>exact and order-independent</b>: each coordinate is converted to fixed point
 * ({@value #FRACTION_BITS} fractional bits, i.e. a resolution of 2^-24, finer than a float32's
 * resolution near 1) and summed in {@code long}. The result therefore does not depend on the
 * order in which concurrent clients arrive, which makes runs reproducible and the direct and
 * gRPC transports give identical models. Coordinates are bounded by {@link #MAX_ABS_VALUE} (the
 * coordinator rejects larger ones), so each contribution moves a coordinate's sum by at most
 * 2^24 * 2^20 = 2^44 and {@link #MAX_CONTRIBUTIONS} = 2^19 of them stay within [-2^63, 2^63]; more
 * are refused. Only the single value +2^63 (every contribution at exactly +MAX_ABS_VALUE) does not
 * fit in a {@code long}, so a contribution that would reach it is refused rather than allowed to
 * wrap around.
 */
public final class WeightedMeanFactory implements AggregationFactory {
  /** Fixed-point fractional bits. */
  public static final int FRACTION_BITS = 24;

  /** Largest accepted magnitude of an update coordinate (2^20). */
  public static final float MAX_ABS_VALUE = 1 << 20;

  /** Most contributions one round can sum without any risk of overflow. */
  public static final int MAX_CONTRIBUTIONS = 1 << 19;

  @Override
  public AggregationProcess create() {
    return new AggregationProcess() {
      @Override
      public RoundAggregator begin(long round, int dimension) {
        return new Mean(dimension);
      }

      @Override
      public String name() {
        return "weighted_mean";
      }
    };
  }

  private static final class Mean implements AggregationProcess.RoundAggregator {
    private final FixedPointSum sum;
    private long totalWeight;
    private int count;
    private boolean finished;

    Mean(int dimension) {
      sum = new FixedPointSum(dimension);
    }

    @Override
    public synchronized void accept(ClientContribution c) {
      if (finished) {
        throw new IllegalStateException("aggregator already finished");
      }
      if (count >= MAX_CONTRIBUTIONS) {
        throw new IllegalStateException("round already holds " + MAX_CONTRIBUTIONS + " contributions");
      }
      sum.add(c.update());
      totalWeight += c.weight();
      count++;
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
      float[] mean = totalWeight > 0 ? sum.divide(totalWeight) : new float[sum.dimension()];
      return new AggregateResult(
          mean, count, totalWeight, Map.of("mean_update_norm", FixedPointSum.norm(mean)));
    }
  }
}
