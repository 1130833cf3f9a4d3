package io.fedrec.core.dp;

/**
 * Draws integer-valued noise, one value or a whole vector at a time. Implementations are exact:
 * the law of each sample is exactly the documented one, with no floating point in the sampling
 * path (Mironov, "On Significance of the Least Significant Bits for Differential Privacy", CCS
 * 2012, shows how floating-point noise leaks the value it was meant to hide).
 *
 * <p>Thread safety: implementations hold a stateful {@link RandomSource} and are not thread-safe;
 * use one sampler per thread.
 */
public interface IntegerNoiseSampler {

  /** Draws one sample. */
  long sample();

  /** Fills {@code out} with independent samples. */
  default void sample(long[] out) {
    for (int i = 0; i < out.length; i++) {
      out[i] = sample();
    }
  }

  /**
   * Adds independent noise to every coordinate of {@code values} in place, in exact integer
   * arithmetic. Callers that work modulo {@code m} (secure aggregation) reduce afterwards.
   *
   * @throws ArithmeticException if a noisy coordinate overflows {@code long}; the array is then
   *     partially noised and must be discarded (privacy code fails closed)
   */
  default void addNoise(long[] values) {
    for (int i = 0; i < values.length; i++) {
      values[i] = Math.addExact(values[i], sample());
    }
  }

  /**
   * Adds independent noise to every coordinate of {@code values} in place, in exact integer
   * arithmetic.
   *
   * @throws ArithmeticException if a noisy coordinate overflows {@code int}; the array is then
   *     partially noised and must be discarded (privacy code fails closed)
   */
  default void addNoise(int[] values) {
    for (int i = 0; i < values.length; i++) {
      values[i] = Math.toIntExact(Math.addExact((long) values[i], sample()));
    }
  }
}
