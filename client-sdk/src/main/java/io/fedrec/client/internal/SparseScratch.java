package io.fedrec.client.internal;

/**
 * One dense accumulator per thread for the sparse fast path ({@link ClientSession}): a virtual
 * client trains into it, copies out the rows its users touched and zeroes them again, so a
 * simulated round allocates no model-sized array per client. Kept all-zero between uses; a
 * failure mid-use discards it.
 */
final class SparseScratch {
  private static final ThreadLocal<float[]> SCRATCH = new ThreadLocal<>();

  private SparseScratch() {}

  /** This thread's all-zero accumulator of {@code length} floats. */
  static float[] get(int length) {
    float[] acc = SCRATCH.get();
    if (acc == null || acc.length != length) {
      acc = new float[length];
      SCRATCH.set(acc);
    }
    return acc;
  }

  /** Drops this thread's accumulator (it may hold values after a failure). */
  static void discard() {
    SCRATCH.remove();
  }
}
