package io.fedrec.core.model;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The federated part of the biased MF model {@code r(u,i) = mu + b_u + b_i + p_u . q_i}: item
 * factors {@code Q}, item biases {@code b} and the global mean {@code mu}, at a given version
 * (the number of rounds published before it).
 *
 * <p>Immutable and thread-safe: the parameter array is copied in and never handed out; readers
 * use the accessors, which are cheap enough for per-rating loops.
 */
public final class GlobalModel {
  private final long version;
  private final ModelShape shape;
  private final float[] params;
  private volatile byte[] sha256;

  private GlobalModel(long version, ModelShape shape, float[] params) {
    this.version = version;
    this.shape = shape;
    this.params = params;
  }

  /** Wraps a copy of {@code params}; every value must be finite. */
  public static GlobalModel of(long version, ModelShape shape, float[] params) {
    if (version < 0) {
      throw new IllegalArgumentException("version must be >= 0. Provided value: " + version);
    }
    if (params.length != shape.numParameters()) {
      throw new IllegalArgumentException(
          "params length must equal numParameters "
              + shape.numParameters()
              + " for "
              + shape
              + ". Provided value: "
              + params.length);
    }
    for (int i = 0; i < params.length; i++) {
      if (!Float.isFinite(params[i])) {
        throw new IllegalArgumentException(
            "model parameters must be finite. Provided value at index " + i + ": " + params[i]);
      }
    }
    return new GlobalModel(version, shape, params.clone());
  }

  /**
   * A fresh model: {@code Q} and the item biases {@code b} drawn from {@code N(0, initScale^2)}
   * by a seeded generator (factors first, then biases), and {@code mu = initialMean}. The seed is
   * part of the federation's configuration so that every coordinator restart and every
   * simulation starts from the same point.
   *
   * <p>The biases are random rather than zero because the prior term every client adds to its
   * update is proportional to the parameters: a parameter that is exactly zero would leave that
   * coordinate zero in the updates of clients that did not rate the item, and the zero pattern
   * would reveal what they rated (see {@code docs/architecture.md}, "Dense updates").
   */
  public static GlobalModel initial(ModelShape shape, float initialMean, double initScale, long seed) {
    Checks.finiteInRange("initialMean", initialMean, -1e6, 1e6);
    Checks.nonNegativeFinite("initScale", initScale);
    float[] p = new float[shape.numParameters()];
    SplittableRandom random = new SplittableRandom(seed);
    int factors = shape.numItems() * shape.rank();
    for (int i = 0; i < factors; i++) {
      p[i] = (float) (gaussian(random) * initScale);
    }
    for (int i = 0; i < shape.numItems(); i++) {
      p[shape.biasOffset(i)] = (float) (gaussian(random) * initScale);
    }
    p[shape.muOffset()] = initialMean;
    return new GlobalModel(0, shape, p);
  }

  /** Box-Muller; SplittableRandom has no nextGaussian on Java 17. */
  private static double gaussian(SplittableRandom random) {
    double u1 = random.nextDouble();
    double u2 = random.nextDouble();
    return Math.sqrt(-2 * Math.log1p(-u1)) * Math.cos(2 * Math.PI * u2);
  }

  public long version() {
    return version;
  }

  public ModelShape shape() {
    return shape;
  }

  public int numItems() {
    return shape.numItems();
  }

  public int rank() {
    return shape.rank();
  }

  public float mu() {
    return params[shape.muOffset()];
  }

  public float itemBias(int item) {
    return params[shape.biasOffset(item)];
  }

  public float factor(int item, int f) {
    return params[item * shape.rank() + f];
  }

  /** {@code q_item . p} for a user vector {@code p} of length rank. */
  public float dot(int item, float[] p) {
    int k = shape.rank();
    int base = item * k;
    float s = 0f;
    for (int f = 0; f < k; f++) {
      s += params[base + f] * p[f];
    }
    return s;
  }

  /** Copies {@code q_item} into {@code dst[off .. off + rank)}. */
  public void copyFactors(int item, float[] dst, int off) {
    System.arraycopy(params, item * shape.rank(), dst, off, shape.rank());
  }

  /** Copies {@code length} parameters starting at {@code from} into {@code dst[off..]}. */
  public void copyParameters(int from, float[] dst, int off, int length) {
    System.arraycopy(params, from, dst, off, length);
  }

  /** A copy of the whole parameter vector. */
  public float[] parameters() {
    return params.clone();
  }

  /**
   * The model after adding {@code scale * delta} to every parameter, at {@code version + 1}.
   * Rejects (and so never publishes) a step that makes any parameter non-finite.
   */
  public GlobalModel plusScaled(float[] delta, float scale) {
    if (delta.length != params.length) {
      throw new IllegalArgumentException(
          "delta length must equal numParameters " + params.length + ". Provided value: " + delta.length);
    }
    float[] next = new float[params.length];
    for (int i = 0; i < next.length; i++) {
      float v = params[i] + scale * delta[i];
      if (!Float.isFinite(v)) {
        throw new IllegalStateException(
            "server step produced a non-finite parameter at index " + i + "; round not published");
      }
      next[i] = v;
    }
    return new GlobalModel(version + 1, shape, next);
  }

  /** The same parameters at another version (used when a checkpoint is restored). */
  public GlobalModel withVersion(long newVersion) {
    return new GlobalModel(newVersion, shape, params);
  }

  /** SHA-256 over the little-endian float32 encoding of the parameters. */
  public byte[] sha256() {
    byte[] h = sha256;
    if (h == null) {
      h = sha256(params);
      sha256 = h;
    }
    return h.clone();
  }

  /** SHA-256 of the little-endian float32 encoding of {@code values}. */
  public static byte[] sha256(float[] values) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[64 * 1024];
      int pos = 0;
      for (float v : values) {
        int bits = Float.floatToRawIntBits(v);
        buf[pos++] = (byte) bits;
        buf[pos++] = (byte) (bits >>> 8);
        buf[pos++] = (byte) (bits >>> 16);
        buf[pos++] = (byte) (bits >>> 24);
        if (pos == buf.length) {
          md.update(buf, 0, pos);
          pos = 0;
        }
      }
      md.update(buf, 0, pos);
      return md.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof GlobalModel m
        && m.version == version
        && m.shape.equals(shape)
        && Arrays.equals(m.params, params);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(version) * 31 + Arrays.hashCode(params);
  }

  @Override
  public String toString() {
    return "GlobalModel{version=" + version + ", " + shape + "}";
  }
}
