package io.fedrec.core.secagg;

import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Sequential reader of the AES-128-CTR keystream of a 32-byte seed (key {@code seed[0..16)},
 * counter block {@code seed[16..32)}, as in {@link MaskPrg}), for draws whose count is not known
 * in advance. Not thread-safe.
 */
final class KeystreamReader {
  private static final int BUFFER = 4096;
  private final Cipher cipher;
  private final byte[] zeros = new byte[BUFFER];
  private final byte[] buffer = new byte[BUFFER];
  private int position = BUFFER;

  KeystreamReader(byte[] seed) {
    Bytes.checkLength("seed", seed, MaskPrg.SEED_SIZE);
    try {
      cipher = Cipher.getInstance("AES/CTR/NoPadding");
      cipher.init(
          Cipher.ENCRYPT_MODE,
          new SecretKeySpec(seed, 0, 16, "AES"),
          new IvParameterSpec(seed, 16, 16));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES/CTR/NoPadding unavailable in this JDK", e);
    }
  }

  /** Next 4 keystream bytes as a little-endian unsigned 32-bit value. */
  long nextUint32() {
    if (position == BUFFER) {
      try {
        cipher.update(zeros, 0, BUFFER, buffer, 0);
      } catch (javax.crypto.ShortBufferException e) {
        throw new IllegalStateException(e);
      }
      position = 0;
    }
    long v =
        (buffer[position] & 0xFFL)
            | (buffer[position + 1] & 0xFFL) << 8
            | (buffer[position + 2] & 0xFFL) << 16
            | (buffer[position + 3] & 0xFFL) << 24;
    position += 4;
    return v;
  }

  /**
   * Uniform integer in {@code [0, bound)} by rejection: draw {@code r = nextUint32()} until {@code
   * r < 2^32 - (2^32 mod bound)}, return {@code r mod bound} (every residue then has the same
   * number of preimages).
   */
  int nextInt(int bound) {
    if (bound < 1) {
      throw new IllegalArgumentException("bound must be >= 1. Provided value: " + bound);
    }
    long limit = (1L << 32) - ((1L << 32) % bound);
    long r;
    do {
      r = nextUint32();
    } while (r >= limit);
    return (int) (r % bound);
  }
}
