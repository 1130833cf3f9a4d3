package io.fedrec.core.secagg;

/**
 * Expands a 32-byte seed into a vector of uniform integers modulo {@code 2^bits}: the masks of
 * SecAgg+ (Bonawitz et al., CCS 2017, section 4, "PRG").
 *
 * <p>Construction ({@link #aesCtr(int)}): AES-128 in counter mode (NIST SP 800-38A, section 6.5)
 * with key {@code seed[0..16)} and initial counter block {@code seed[16..32)}, the whole 16-byte
 * block incremented as one big-endian integer modulo 2^128; the keystream is read 4 bytes per
 * coordinate as a little-endian uint32 and reduced to its low {@code bits} bits. Every caller
 * passes a seed that is itself an HKDF output or 32 fresh random bytes, so using all 32 bytes as
 * key and counter adds nothing to security but needs no further derivation. The reduction is
 * unbiased because {@code 2^bits} divides {@code 2^32}.
 *
 * <p>Values are stored in {@code int}s holding the residue in {@code [0, 2^bits)}; for {@code bits
 * = 32} that is the full {@code int} range read as unsigned.
 *
 * <p>Thread safety: instances keep a {@link javax.crypto.Cipher} and a chunk buffer and are
 * <b>not</b> thread-safe; use one per thread.
 */
public interface MaskPrg {

  /** Seed length in bytes. */
  int SEED_SIZE = 32;

  /** Bits per coordinate, in {@code [1, 32]}. */
  int bits();

  /** Returns the first {@code n} mask values of {@code seed}. */
  int[] expand(byte[] seed, int n);

  /**
   * Adds ({@code sign = +1}) or subtracts ({@code sign = -1}) the mask of {@code seed} to {@code
   * acc} in place, modulo {@code 2^bits}: {@code acc[i] = (acc[i] + sign * mask[i]) mod 2^bits}
   * for {@code i < acc.length}. Allocates nothing proportional to {@code acc.length}.
   *
   * @throws IllegalArgumentException if {@code seed} is not 32 bytes or {@code sign} is not +1 or
   *     -1
   */
  void addMask(int[] acc, byte[] seed, int sign);

  /** AES-128-CTR expansion with {@code bits} bits per coordinate. */
  static MaskPrg aesCtr(int bits) {
    return new AesCtrMaskPrg(bits);
  }
}
