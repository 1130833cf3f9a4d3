package io.fedrec.core.secagg;

import java.util.random.RandomGenerator;

/**
 * Fixed-point encoding of float updates as integers modulo {@code 2^bits}, so that SecAgg+ can sum
 * them, and decoding of the modular sum back to floats.
 *
 * <p>Encode: clip each coordinate to {@code [-clipRange, clipRange]}, multiply by {@code scale},
 * round stochastically ({@code floor(y) + 1} with probability {@code y - floor(y)}, else {@code
 * floor(y)}; unbiased: {@code E[round(y)] = y}), and store the integer modulo {@code 2^bits}
 * (two's complement). Every encoded integer {@code v} satisfies {@code |v| <= M = ceil(clipRange
 * * scale)}.
 *
 * <p>No-wrap bound: the sum of {@code n} encoded coordinates lies in {@code [-n M, n M]}; it is
 * recovered exactly from its residue modulo {@code 2^bits}, read as a {@code bits}-bit two's
 * complement number, iff {@code n M <= 2^(bits-1) - 1}, i.e. {@code n * M < 2^(bits-1)}. {@link
 * #bitsFor(int, double, double)} returns the smallest such {@code bits}, and {@link
 * Builder#build()} refuses a {@code bits} that violates it for the declared cohort size.
 *
 * <p>Quantization error: per coordinate and client at most {@code 1/scale} (one rounding step),
 * zero in expectation; of a decoded sum of {@code n} clients at most {@code n/scale}, with standard
 * deviation at most {@code sqrt(n)/(2 scale)}.
 *
 * <p>Immutable and thread-safe; the {@link RandomGenerator} passed to {@code encode} is not
 * shared state of this class. Reference: Bonawitz et al., CCS 2017, section 3 (inputs in {@code
 * Z_R}); stochastic rounding as in Kairouz, Liu, Steinke, "The Distributed Discrete Gaussian
 * Mechanism for Federated Learning with Secure Aggregation", ICML 2021.
 */
public final class Encoding {
  private final int cohortSize;
  private final double clipRange;
  private final double scale;
  private final int bits;
  private final int mask;
  private final int maxMagnitude;

  private Encoding(Builder b, int bits) {
    this.cohortSize = b.cohortSize;
    this.clipRange = b.clipRange;
    this.scale = b.scale;
    this.bits = bits;
    this.mask = bits == 32 ? -1 : (1 << bits) - 1;
    this.maxMagnitude = (int) Math.ceil(clipRange * scale);
  }

  /**
   * The smallest {@code bits} with {@code cohortSize * ceil(clipRange * scale) < 2^(bits - 1)}:
   * {@code bits = bitLength(n M) + 1}.
   *
   * @throws IllegalArgumentException if an argument is not positive and finite, or more than 32
   *     bits would be needed
   */
  public static int bitsFor(int cohortSize, double clipRange, double scale) {
    if (cohortSize < 1) {
      throw new IllegalArgumentException("cohortSize must be >= 1. Provided value: " + cohortSize);
    }
    checkPositiveFinite("clipRange", clipRange);
    checkPositiveFinite("scale", scale);
    double m = Math.ceil(clipRange * scale);
    if (m * cohortSize >= 0x1p31) {
      throw new IllegalArgumentException(
          "cohortSize * ceil(clipRange * scale) must be < 2^31 to fit 32 bits. Provided value: "
              + cohortSize
              + " * "
              + (long) m);
    }
    long nm = (long) m * cohortSize;
    return 64 - Long.numberOfLeadingZeros(nm) + 1;
  }

  public static Builder builder() {
    return new Builder();
  }

  public int cohortSize() {
    return cohortSize;
  }

  public double clipRange() {
    return clipRange;
  }

  public double scale() {
    return scale;
  }

  /** Bits per coordinate: the modulus is {@code 2^bits}. */
  public int bits() {
    return bits;
  }

  /** {@code M = ceil(clipRange * scale)}, the largest magnitude of one encoded coordinate. */
  public int maxMagnitude() {
    return maxMagnitude;
  }

  /** Encodes into a new array; see {@link #encode(float[], RandomGenerator, int[])}. */
  public int[] encode(float[] update, RandomGenerator random) {
    int[] out = new int[update.length];
    encode(update, random, out);
    return out;
  }

  /**
   * Clips, scales, rounds stochastically with uniform doubles from {@code random} (one draw per
   * coordinate) and writes residues in {@code [0, 2^bits)} to {@code out}.
   *
   * @throws IllegalArgumentException if a coordinate is NaN or the lengths differ
   */
  public void encode(float[] update, RandomGenerator random, int[] out) {
    if (update.length != out.length) {
      throw new IllegalArgumentException(
          "out must have the update's length " + update.length + ". Provided: " + out.length);
    }
    for (int i = 0; i < update.length; i++) {
      double x = update[i];
      if (Double.isNaN(x)) {
        throw new IllegalArgumentException("update[" + i + "] must not be NaN");
      }
      double y = Math.max(-clipRange, Math.min(clipRange, x)) * scale;
      double floor = Math.floor(y);
      long v = (long) floor + (random.nextDouble() < y - floor ? 1 : 0);
      out[i] = (int) v & mask;
    }
  }

  /**
   * Decodes a modular sum: each residue is read as a {@code bits}-bit two's-complement integer and
   * divided by {@code scale}. Exact (up to float rounding) when the sum of at most {@code
   * cohortSize} encodings is given.
   */
  public float[] decode(int[] sum) {
    float[] out = new float[sum.length];
    int shift = 32 - bits;
    for (int i = 0; i < sum.length; i++) {
      int v = (sum[i] << shift) >> shift; // sign-extend bit bits-1
      out[i] = (float) (v / scale);
    }
    return out;
  }

  /** The signed integer value of one residue (two's complement on {@code bits} bits). */
  public int signedValue(int residue) {
    int shift = 32 - bits;
    return (residue << shift) >> shift;
  }

  private static void checkPositiveFinite(String name, double value) {
    if (!Double.isFinite(value) || value <= 0) {
      throw new IllegalArgumentException(
          name + " must be > 0 and finite. Provided value: " + value);
    }
  }

  /** Validates in {@link #build()}. */
  public static final class Builder {
    private int cohortSize = -1;
    private double clipRange = Double.NaN;
    private double scale = Double.NaN;
    private int bits = 0;

    private Builder() {}

    /** Upper bound on the number of summed encodings. Required. */
    public Builder cohortSize(int cohortSize) {
      this.cohortSize = cohortSize;
      return this;
    }

    /** Per-coordinate clip bound {@code max |x|}. Required. */
    public Builder clipRange(double clipRange) {
      this.clipRange = clipRange;
      return this;
    }

    /** Fixed-point scale: one integer step is {@code 1/scale}. Required. */
    public Builder scale(double scale) {
      this.scale = scale;
      return this;
    }

    /** Bits per coordinate; default {@link Encoding#bitsFor}. Must not be below it. */
    public Builder bits(int bits) {
      this.bits = bits;
      return this;
    }

    public Encoding build() {
      int needed = bitsFor(cohortSize, clipRange, scale);
      int b = bits == 0 ? needed : bits;
      if (b < needed || b > 32) {
        throw new IllegalArgumentException(
            "bits must be in ["
                + needed
                + ", 32] so that cohortSize * ceil(clipRange * scale) < 2^(bits-1)."
                + " Provided value: "
                + b);
      }
      return new Encoding(this, b);
    }
  }
}
