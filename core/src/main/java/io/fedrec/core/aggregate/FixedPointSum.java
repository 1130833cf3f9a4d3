package io.fedrec.core.aggregate;

import java.util.function.LongSupplier;

/**
 * An exact, order-independent sum of float vectors: each coordinate is converted to fixed point
 * ({@value WeightedMeanFactory#FRACTION_BITS} fractional bits, a resolution of 2^-24) and summed
 * in a {@code long}, so the result does not depend on the order in which vectors arrive.
 * Coordinates must be finite with magnitude at most {@link WeightedMeanFactory#MAX_ABS_VALUE}; a
 * vector that would overflow a coordinate's {@code long} is refused as a whole.
 *
 * <p>Not thread-safe: aggregators that use it synchronise.
 */
public final class FixedPointSum {
  /** Fixed-point units per 1.0. */
  public static final double SCALE = 1L << WeightedMeanFactory.FRACTION_BITS;

  private final long[] sum;

  public FixedPointSum(int dimension) {
    if (dimension < 0) {
      throw new IllegalArgumentException("dimension must be >= 0. Provided value: " + dimension);
    }
    sum = new long[dimension];
  }

  public int dimension() {
    return sum.length;
  }

  /**
   * Adds {@code u}; nothing is added if it is refused.
   *
   * @throws IllegalArgumentException for a wrong length or a value that is not finite or too large
   * @throws IllegalStateException if a coordinate's sum would overflow
   */
  public void add(float[] u) {
    if (u.length != sum.length) {
      throw new IllegalArgumentException(
          "update length must be " + sum.length + ". Provided value: " + u.length);
    }
    float max = WeightedMeanFactory.MAX_ABS_VALUE;
    for (int i = 0; i < u.length; i++) {
      float v = u[i];
      if (!(Math.abs(v) <= max)) {
        throw new IllegalArgumentException(
            "update values must be finite with magnitude <= " + max
                + ". Provided value at index " + i + ": " + v);
      }
      // Below MAX_CONTRIBUTIONS vectors, -2^63 + 2^44 <= sum[i] <= 2^63 - 2^44 before this one:
      // only a positive step can leave the long range, and only to exactly 2^63.
      long x = Math.round(v * SCALE);
      if (x > 0 && sum[i] > Long.MAX_VALUE - x) {
        throw new IllegalStateException(
            "fixed-point sum would overflow at index " + i + "; contribution refused");
      }
    }
    for (int i = 0; i < u.length; i++) {
      sum[i] += Math.round(u[i] * SCALE);
    }
  }

  /**
   * Adds a sparse update in the layout of {@code shape}: for each of {@code items}, its {@code
   * rank} factor values and its bias from {@code rows} (rank + 1 values per item), and {@code mu}
   * to the global mean. The caller has validated the structure ({@link
   * SparseContribution#problem}); nothing is added if a coordinate would overflow.
   *
   * @throws IllegalStateException if a coordinate's sum would overflow
   */
  public void addRows(io.fedrec.core.model.ModelShape shape, int[] items, float[] rows, float mu) {
    if (shape.numParameters() != sum.length) {
      throw new IllegalArgumentException("shape has " + shape.numParameters()
          + " parameters, this sum " + sum.length);
    }
    int k = shape.rank();
    for (int pass = 0; pass < 2; pass++) {
      for (int j = 0; j < items.length; j++) {
        int off = shape.factorOffset(items[j]);
        int base = j * (k + 1);
        for (int f = 0; f <= k; f++) {
          int index = f < k ? off + f : shape.biasOffset(items[j]);
          addOrCheck(index, rows[base + f], pass == 1);
        }
      }
      addOrCheck(shape.muOffset(), mu, pass == 1);
    }
  }

  private void addOrCheck(int i, float v, boolean add) {
    long x = Math.round(v * SCALE);
    if (add) {
      sum[i] += x;
    } else if (x > 0 && sum[i] > Long.MAX_VALUE - x) {
      throw new IllegalStateException(
          "fixed-point sum would overflow at index " + i + "; contribution refused");
    }
  }

  /**
   * Adds one integer draw of {@code noise}, in fixed-point units, to every coordinate.
   *
   * @throws ArithmeticException if a coordinate would overflow
   */
  public void addNoise(LongSupplier noise) {
    for (int i = 0; i < sum.length; i++) {
      sum[i] = Math.addExact(sum[i], noise.getAsLong());
    }
  }

  /** The sum divided by {@code divisor}, as floats. */
  public float[] divide(double divisor) {
    float[] out = new float[sum.length];
    double inv = 1.0 / (SCALE * divisor);
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) (sum[i] * inv);
    }
    return out;
  }

  /** The L2 norm of {@code v}, in double precision. */
  public static double norm(float[] v) {
    double s = 0;
    for (float x : v) {
      s += (double) x * x;
    }
    return Math.sqrt(s);
  }
}
