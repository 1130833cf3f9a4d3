package io.fedrec.core.secagg;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.Arrays;

/** {@link Shamir} over GF(2^127 - 1) with {@link BigInteger} arithmetic. */
final class PrimeFieldShamir implements Shamir {
  private static final BigInteger P = PRIME;
  private final SecureRandom random;

  PrimeFieldShamir(SecureRandom random) {
    this.random = random;
  }

  @Override
  public ShamirShare[] split(byte[] secret, int threshold, int shareCount) {
    if (shareCount < 1) {
      throw new IllegalArgumentException("shareCount must be >= 1. Provided value: " + shareCount);
    }
    int[] xs = new int[shareCount];
    for (int i = 0; i < shareCount; i++) {
      xs[i] = i + 1;
    }
    return split(secret, threshold, xs);
  }

  @Override
  public ShamirShare[] split(byte[] secret, int threshold, int[] xs) {
    if (secret == null || secret.length == 0) {
      throw new IllegalArgumentException("secret must be non-empty");
    }
    if (xs == null || xs.length == 0) {
      throw new IllegalArgumentException("xs must be non-empty");
    }
    if (threshold < 1 || threshold > xs.length) {
      throw new IllegalArgumentException(
          "threshold must be in [1, " + xs.length + "]. Provided value: " + threshold);
    }
    checkDistinctPositive(xs);
    int elements = Shamir.elementsFor(secret.length);
    // coefficients[c][d]: coefficient of X^d of chunk c's polynomial.
    BigInteger[][] coefficients = new BigInteger[elements][threshold];
    for (int c = 0; c < elements; c++) {
      int from = c * CHUNK_BYTES;
      int to = Math.min(from + CHUNK_BYTES, secret.length);
      coefficients[c][0] = new BigInteger(1, Arrays.copyOfRange(secret, from, to));
      for (int d = 1; d < threshold; d++) {
        coefficients[c][d] = randomElement();
      }
    }
    ShamirShare[] shares = new ShamirShare[xs.length];
    for (int i = 0; i < xs.length; i++) {
      BigInteger x = BigInteger.valueOf(xs[i]);
      BigInteger[] values = new BigInteger[elements];
      for (int c = 0; c < elements; c++) {
        BigInteger y = BigInteger.ZERO; // Horner
        for (int d = threshold - 1; d >= 0; d--) {
          y = y.multiply(x).add(coefficients[c][d]).mod(P);
        }
        values[c] = y;
      }
      shares[i] = new ShamirShare(xs[i], values);
    }
    return shares;
  }

  @Override
  public byte[] reconstruct(ShamirShare[] shares, int threshold, int secretLength) {
    if (threshold < 1) {
      throw new IllegalArgumentException("threshold must be >= 1. Provided value: " + threshold);
    }
    if (shares == null || shares.length < threshold) {
      throw new IllegalArgumentException(
          "reconstruction needs at least threshold = "
              + threshold
              + " shares. Provided: "
              + (shares == null ? 0 : shares.length));
    }
    if (secretLength < 1) {
      throw new IllegalArgumentException(
          "secretLength must be >= 1. Provided value: " + secretLength);
    }
    int elements = Shamir.elementsFor(secretLength);
    if (shares[0].size() != elements) {
      throw new IllegalArgumentException(
          "shares hold "
              + shares[0].size()
              + " elements but a "
              + secretLength
              + "-byte secret needs "
              + elements);
    }
    BigInteger[] s = interpolateAtZero(Arrays.copyOf(shares, threshold));
    byte[] out = new byte[secretLength];
    for (int c = 0; c < elements; c++) {
      int from = c * CHUNK_BYTES;
      int len = Math.min(CHUNK_BYTES, secretLength - from);
      if (s[c].bitLength() > 8 * len) {
        throw new IllegalArgumentException(
            "shares are inconsistent: chunk " + c + " does not fit " + len + " bytes");
      }
      byte[] b = s[c].toByteArray();
      int n = Math.min(b.length, len);
      System.arraycopy(b, b.length - n, out, from + len - n, n);
    }
    return out;
  }

  @Override
  public BigInteger[] interpolateAtZero(ShamirShare[] shares) {
    if (shares == null || shares.length == 0) {
      throw new IllegalArgumentException("shares must be non-empty");
    }
    int m = shares.length;
    int elements = shares[0].size();
    int[] xs = new int[m];
    for (int j = 0; j < m; j++) {
      if (shares[j].size() != elements) {
        throw new IllegalArgumentException(
            "all shares must have " + elements + " elements. Share " + j + " has "
                + shares[j].size());
      }
      xs[j] = shares[j].x();
    }
    checkDistinctPositive(xs);
    // Lagrange basis at 0: lambda_j = prod_{m != j} x_m / (x_m - x_j) (mod p).
    BigInteger[] lambda = new BigInteger[m];
    for (int j = 0; j < m; j++) {
      BigInteger num = BigInteger.ONE;
      BigInteger den = BigInteger.ONE;
      for (int i = 0; i < m; i++) {
        if (i != j) {
          num = num.multiply(BigInteger.valueOf(xs[i])).mod(P);
          den = den.multiply(BigInteger.valueOf((long) xs[i] - xs[j])).mod(P);
        }
      }
      lambda[j] = num.multiply(den.modInverse(P)).mod(P);
    }
    BigInteger[] out = new BigInteger[elements];
    for (int c = 0; c < elements; c++) {
      BigInteger acc = BigInteger.ZERO;
      for (int j = 0; j < m; j++) {
        acc = acc.add(lambda[j].multiply(shares[j].value(c)));
      }
      out[c] = acc.mod(P);
    }
    return out;
  }

  private BigInteger randomElement() {
    byte[] b = new byte[ELEMENT_BYTES];
    while (true) {
      random.nextBytes(b);
      b[0] &= 0x7F;
      BigInteger v = new BigInteger(1, b);
      if (v.compareTo(P) < 0) {
        return v;
      }
    }
  }

  private static void checkDistinctPositive(int[] xs) {
    int[] sorted = xs.clone();
    Arrays.sort(sorted);
    if (sorted[0] < 1) {
      throw new IllegalArgumentException(
          "share x coordinates must be >= 1. Provided value: " + sorted[0]);
    }
    for (int i = 1; i < sorted.length; i++) {
      if (sorted[i] == sorted[i - 1]) {
        throw new IllegalArgumentException(
            "share x coordinates must be distinct. Duplicate: " + sorted[i]);
      }
    }
  }
}
