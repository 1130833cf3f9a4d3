package io.fedrec.core.secagg;

import java.math.BigInteger;
import java.security.SecureRandom;

/**
 * Shamir t-of-n secret sharing of byte strings over the prime field GF(p), {@code p = 2^127 - 1}
 * (a Mersenne prime: 127 bits hold a 15-byte chunk with room to spare, and every share element
 * fits 16 bytes).
 *
 * <p>A secret of {@code L} bytes is cut into {@code ceil(L / 15)} chunks of 15 bytes (the last
 * one shorter), each read as a big-endian unsigned integer {@code s_c < 2^120 < p}. For each chunk
 * an independent polynomial {@code f_c(X) = s_c + a_{c,1} X + ... + a_{c,t-1} X^{t-1}} with
 * uniform coefficients is drawn; the share for {@code x} holds {@code f_c(x)} for every chunk. Any
 * {@code t} shares determine each {@code f_c} and so {@code s_c = f_c(0)} (Lagrange interpolation
 * at 0); any {@code t - 1} shares are jointly uniform and independent of the secret, so they
 * reveal nothing (A. Shamir, "How to Share a Secret", CACM 22(11), 1979).
 *
 * <p>Coefficients are drawn in order chunk 0 (degree 1 .. t-1), chunk 1, ...; each as 16 random
 * bytes read big-endian with the top bit cleared, redrawn in the (probability 2^-127) case that it
 * equals {@code p}.
 *
 * <p>Thread safety: thread-safe if the {@link SecureRandom} is (the JDK's are); {@link
 * #forTesting(long)} instances are not.
 */
public interface Shamir {

  /** The field prime {@code 2^127 - 1}. */
  BigInteger PRIME = BigInteger.ONE.shiftLeft(127).subtract(BigInteger.ONE);

  /** Bytes of one encoded field element. */
  int ELEMENT_BYTES = 16;

  /** Secret bytes per field element. */
  int CHUNK_BYTES = 15;

  /** Shares {@code secret} with evaluation points {@code 1..shareCount}. */
  ShamirShare[] split(byte[] secret, int threshold, int shareCount);

  /**
   * Shares {@code secret} among the given distinct evaluation points (each in {@code [1, 2^31)}).
   *
   * @throws IllegalArgumentException unless {@code 1 <= threshold <= xs.length}, the points are
   *     distinct and positive and the secret is non-empty
   */
  ShamirShare[] split(byte[] secret, int threshold, int[] xs);

  /**
   * Reconstructs a secret of {@code secretLength} bytes from at least {@code threshold} shares
   * (the first {@code threshold} are used). Fails closed: fewer shares are refused rather than
   * interpolated.
   *
   * @throws IllegalArgumentException if fewer than {@code threshold} shares are given, two share
   *     the same {@code x}, their sizes do not match {@code secretLength}, or the interpolated
   *     value does not fit a chunk (the shares are not consistent shares of one secret)
   */
  byte[] reconstruct(ShamirShare[] shares, int threshold, int secretLength);

  /**
   * The raw interpolation at 0 of all given shares, one field element per chunk, with no threshold
   * check: with fewer than {@code t} shares the result is unrelated to the secret. For tests and
   * analysis.
   *
   * @throws IllegalArgumentException if two shares have the same {@code x} or sizes differ
   */
  BigInteger[] interpolateAtZero(ShamirShare[] shares);

  /** Number of field elements a secret of {@code secretLength} bytes occupies. */
  static int elementsFor(int secretLength) {
    return (secretLength + CHUNK_BYTES - 1) / CHUNK_BYTES;
  }

  /** Shamir drawing coefficients from a new {@link SecureRandom}. */
  static Shamir mersenne127() {
    return new PrimeFieldShamir(new SecureRandom());
  }

  /** Shamir drawing coefficients from {@code random}. */
  static Shamir mersenne127(SecureRandom random) {
    if (random == null) {
      throw new IllegalArgumentException("random must not be null");
    }
    return new PrimeFieldShamir(random);
  }

  /**
   * Shamir with coefficients from {@link TestingRandom} seeded with {@code seed}: <b>for tests and
   * simulations only</b>, anyone knowing the seed can recompute every share and the secret.
   */
  static Shamir forTesting(long seed) {
    return new PrimeFieldShamir(TestingRandom.forTesting(seed));
  }
}
