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

  private static final double SCALE = 1L << FRACTION_BITS;

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
    private final long[] sum;
    private long totalWeight;
    private int count;
    private boolean finished;

    Mean(int dimension) {
      sum = new long[dimension];
    }

    @Override
    public synchronized void accept(ClientContribution c) {
      if (finished) {
        throw new IllegalStateException("aggregator already finished");
      }
      float[] u = c.update();
      if (u.length != sum.length) {
        throw new IllegalArgumentException(
            "update length must be " + sum.length + ". Provided value: " + u.length);
      }
      if (count >= MAX_CONTRIBUTIONS) {
        throw new IllegalStateException("round already holds " + MAX_CONTRIBUTIONS + " contributions");
      }
      for (int i = 0; i < u.length; i++) {
        float v = u[i];
        if (!(Math.abs(v) <= MAX_ABS_VALUE)) {
          throw new IllegalArgumentException(
              "update values must be finite with magnitude <= " + MAX_ABS_VALUE
                  + ". Provided value at index " + i + ": " + v);
        }
        // Before this contribution -2^63 + 2^44 <= sum[i] <= 2^63 - 2^44: only a positive step
        // can leave the long range, and only to exactly 2^63.
        long x = Math.round(v * SCALE);
        if (x > 0 && sum[i] > Long.MAX_VALUE - x) {
          throw new IllegalStateException(
              "fixed-point sum would overflow at index " + i + "; contribution refused");
        }
      }
      for (int i = 0; i < u.length; i++) {
        sum[i] += Math.round(u[i] * SCALE);
      }
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
      float[] mean = new float[sum.length];
      double norm2 = 0;
      if (totalWeight > 0) {
        double inv = 1.0 / (SCALE * totalWeight);
        for (int i = 0; i < mean.length; i++) {
          mean[i] = (float) (sum[i] * inv);
          norm2 += (double) mean[i] * mean[i];
        }
      }
      return new AggregateResult(
          mean, count, totalWeight, Map.of("mean_update_norm", Math.sqrt(norm2)));
    }
  }
}
