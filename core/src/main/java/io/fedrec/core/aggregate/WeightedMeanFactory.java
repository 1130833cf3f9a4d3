package io.fedrec.core.aggregate;

import io.fedrec.core.model.ModelShape;
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
 *
 * <p>Built with a {@link ModelShape}, it also takes {@link SparseContribution}s (the data rows a
 * client touched) and, once per round, their combined prior ({@link
 * AggregationProcess.RoundAggregator#acceptPrior}); the same fixed-point sum holds both.
 */
public final class WeightedMeanFactory implements AggregationFactory {
  /** Fixed-point fractional bits. */
  public static final int FRACTION_BITS = 24;

  /** Largest accepted magnitude of an update coordinate (2^20). */
  public static final float MAX_ABS_VALUE = 1 << 20;

  /** Most contributions one round can sum without any risk of overflow. */
  public static final int MAX_CONTRIBUTIONS = 1 << 19;

  private final ModelShape shape;

  /** The mean of dense contributions. */
  public WeightedMeanFactory() {
    this.shape = null;
  }

  /**
   * The mean of dense contributions and of sparse ones ({@link SparseContribution}, the
   * simulator's fast path) for models of {@code shape}.
   */
  public WeightedMeanFactory(ModelShape shape) {
    if (shape == null) {
      throw new IllegalArgumentException("shape must not be null");
    }
    this.shape = shape;
  }

  @Override
  public AggregationProcess create() {
    return new AggregationProcess() {
      @Override
      public RoundAggregator begin(long round, int dimension) {
        if (shape != null && shape.numParameters() != dimension) {
          throw new IllegalArgumentException("dimension must be " + shape.numParameters()
              + " for " + shape + ". Provided value: " + dimension);
        }
        return new Mean(dimension, shape);
      }

      @Override
      public String name() {
        return "weighted_mean";
      }
    };
  }

  private static final class Mean implements AggregationProcess.RoundAggregator {
    private final FixedPointSum sum;
    private final ModelShape shape; // null: dense contributions only
    private long totalWeight;
    private int count;
    private boolean priorAdded;
    private boolean finished;

    Mean(int dimension, ModelShape shape) {
      sum = new FixedPointSum(dimension);
      this.shape = shape;
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
    public boolean acceptsSparse() {
      return shape != null;
    }

    @Override
    public synchronized void acceptSparse(SparseContribution c) {
      if (shape == null) {
        throw new UnsupportedOperationException("sparse contributions need the model shape");
      }
      if (finished) {
        throw new IllegalStateException("aggregator already finished");
      }
      if (count >= MAX_CONTRIBUTIONS) {
        throw new IllegalStateException("round already holds " + MAX_CONTRIBUTIONS + " contributions");
      }
      String problem = c.problem(shape);
      if (problem != null) {
        throw new IllegalArgumentException(problem);
      }
      sum.addRows(shape, c.items(), c.rows(), c.muDelta());
      totalWeight += c.weight();
      count++;
    }

    @Override
    public synchronized void acceptPrior(float[] prior) {
      if (shape == null) {
        throw new UnsupportedOperationException("sparse contributions need the model shape");
      }
      if (finished) {
        throw new IllegalStateException("aggregator already finished");
      }
      if (priorAdded) {
        throw new IllegalStateException("the round's prior was already added");
      }
      sum.add(prior);
      priorAdded = true;
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
