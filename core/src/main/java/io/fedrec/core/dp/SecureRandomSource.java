package io.fedrec.core.dp;

import java.security.DrbgParameters;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;

/**
 * {@link RandomSource} reading a {@link SecureRandom} in 4 KiB blocks: one {@code nextBytes} call
 * per 512 words instead of one per word, which dominates sampler throughput otherwise. Not
 * thread-safe (the buffer is unsynchronised); see {@link RandomSource}.
 */
final class SecureRandomSource implements RandomSource {
  private static final int BUFFER_BYTES = 4096;

  private final SecureRandom random;
  private final byte[] buffer = new byte[BUFFER_BYTES];
  private int position = BUFFER_BYTES;
  private long bits;
  private int bitsLeft;

  SecureRandomSource(SecureRandom random) {
    this.random = random;
  }

  static SecureRandom newDrbg() {
    try {
      return SecureRandom.getInstance(
          "DRBG",
          DrbgParameters.instantiation(256, DrbgParameters.Capability.RESEED_ONLY, null));
    } catch (NoSuchAlgorithmException | IllegalArgumentException e) {
      return new SecureRandom();
    }
  }

  @Override
  public long nextLong() {
    if (position > BUFFER_BYTES - 8) {
      refill();
    }
    byte[] b = buffer;
    int p = position;
    position = p + 8;
    return ((b[p] & 0xFFL) << 56)
        | ((b[p + 1] & 0xFFL) << 48)
        | ((b[p + 2] & 0xFFL) << 40)
        | ((b[p + 3] & 0xFFL) << 32)
        | ((b[p + 4] & 0xFFL) << 24)
        | ((b[p + 5] & 0xFFL) << 16)
        | ((b[p + 6] & 0xFFL) << 8)
        | (b[p + 7] & 0xFFL);
  }

  @Override
  public int nextInt() {
    if (position > BUFFER_BYTES - 4) {
      refill();
    }
    byte[] b = buffer;
    int p = position;
    position = p + 4;
    return ((b[p] & 0xFF) << 24) | ((b[p + 1] & 0xFF) << 16) | ((b[p + 2] & 0xFF) << 8)
        | (b[p + 3] & 0xFF);
  }

  @Override
  public boolean nextBoolean() {
    if (bitsLeft == 0) {
      bits = nextLong();
      bitsLeft = 64;
    }
    bitsLeft--;
    boolean bit = (bits & 1L) != 0;
    bits >>>= 1;
    return bit;
  }

  private void refill() {
    // Leftover bytes (< 8) are discarded, never reused: every output byte is read once.
    random.nextBytes(buffer);
    position = 0;
  }
}
