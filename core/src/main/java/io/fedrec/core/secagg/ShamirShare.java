package io.fedrec.core.secagg;

import java.math.BigInteger;
import java.util.Arrays;

/**
 * One Shamir share: the evaluation point {@code x} and the values at {@code x} of one polynomial
 * per secret chunk, each an element of GF(2^127 - 1).
 *
 * <p>Wire form ({@link #toBytes()}): the values as 16-byte big-endian unsigned integers,
 * concatenated; {@code x} travels separately (in SecAgg+ it is the holder's index + 1).
 * Immutable.
 */
public record ShamirShare(int x, BigInteger[] values) {

  public ShamirShare {
    if (x < 1) {
      throw new IllegalArgumentException("x must be >= 1. Provided value: " + x);
    }
    if (values == null || values.length == 0) {
      throw new IllegalArgumentException("values must be non-empty");
    }
    values = values.clone();
    for (BigInteger v : values) {
      if (v == null || v.signum() < 0 || v.compareTo(Shamir.PRIME) >= 0) {
        throw new IllegalArgumentException(
            "share values must be in [0, 2^127 - 1). Provided value: " + v);
      }
    }
  }

  @Override
  public BigInteger[] values() {
    return values.clone();
  }

  BigInteger value(int i) {
    return values[i];
  }

  int size() {
    return values.length;
  }

  /** Encodes the values as 16-byte big-endian integers. */
  public byte[] toBytes() {
    byte[] out = new byte[values.length * Shamir.ELEMENT_BYTES];
    for (int i = 0; i < values.length; i++) {
      byte[] b = values[i].toByteArray(); // < 2^127: at most 16 bytes, no sign byte needed
      int len = Math.min(b.length, Shamir.ELEMENT_BYTES);
      System.arraycopy(
          b, b.length - len, out, (i + 1) * Shamir.ELEMENT_BYTES - len, len);
    }
    return out;
  }

  /** Decodes {@link #toBytes()}. */
  public static ShamirShare fromBytes(int x, byte[] bytes) {
    if (bytes == null || bytes.length == 0 || bytes.length % Shamir.ELEMENT_BYTES != 0) {
      throw new IllegalArgumentException(
          "share bytes must be a non-empty multiple of 16. Provided length: "
              + (bytes == null ? "null" : bytes.length));
    }
    BigInteger[] values = new BigInteger[bytes.length / Shamir.ELEMENT_BYTES];
    for (int i = 0; i < values.length; i++) {
      int from = i * Shamir.ELEMENT_BYTES;
      values[i] = new BigInteger(1, Arrays.copyOfRange(bytes, from, from + Shamir.ELEMENT_BYTES));
    }
    return new ShamirShare(x, values);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ShamirShare other && x == other.x && Arrays.equals(values, other.values);
  }

  @Override
  public int hashCode() {
    return 31 * x + Arrays.hashCode(values);
  }

  @Override
  public String toString() {
    return "ShamirShare{x=" + x + ", values=*}"; // shares are secret material: never logged
  }
}
