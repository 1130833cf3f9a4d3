package io.fedrec.core.secagg;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/** AES-128-CTR mask expansion via the JDK's {@code AES/CTR/NoPadding} (AES-NI intrinsics). */
final class AesCtrMaskPrg implements MaskPrg {
  /** Keystream bytes per {@code Cipher.update}: 16 KiB fits L1 and amortises the call. */
  static final int CHUNK_BYTES = 16 * 1024;

  private static final VarHandle LE_INT =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

  private final int bits;
  private final int mask;
  private final Cipher cipher;
  private final byte[] zeros = new byte[CHUNK_BYTES];
  private final byte[] stream = new byte[CHUNK_BYTES];

  AesCtrMaskPrg(int bits) {
    if (bits < 1 || bits > 32) {
      throw new IllegalArgumentException("bits must be in [1, 32]. Provided value: " + bits);
    }
    this.bits = bits;
    this.mask = bits == 32 ? -1 : (1 << bits) - 1;
    try {
      this.cipher = Cipher.getInstance("AES/CTR/NoPadding");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES/CTR/NoPadding unavailable in this JDK", e);
    }
  }

  @Override
  public int bits() {
    return bits;
  }

  @Override
  public int[] expand(byte[] seed, int n) {
    if (n < 0) {
      throw new IllegalArgumentException("n must be >= 0. Provided value: " + n);
    }
    int[] out = new int[n];
    addMask(out, seed, 1);
    return out;
  }

  @Override
  public void addMask(int[] acc, byte[] seed, int sign) {
    Bytes.checkLength("seed", seed, SEED_SIZE);
    if (sign != 1 && sign != -1) {
      throw new IllegalArgumentException("sign must be +1 or -1. Provided value: " + sign);
    }
    init(seed);
    int n = acc.length;
    int perChunk = CHUNK_BYTES / 4;
    for (int start = 0; start < n; start += perChunk) {
      int count = Math.min(perChunk, n - start);
      keystream(count * 4);
      // Two loops instead of a multiply by sign keep the hot loop branch- and multiply-free.
      if (sign == 1) {
        for (int i = 0; i < count; i++) {
          acc[start + i] = (acc[start + i] + (int) LE_INT.get(stream, 4 * i)) & mask;
        }
      } else {
        for (int i = 0; i < count; i++) {
          acc[start + i] = (acc[start + i] - (int) LE_INT.get(stream, 4 * i)) & mask;
        }
      }
    }
  }

  /** Writes the next {@code length} keystream bytes to {@link #stream}. */
  private void keystream(int length) {
    try {
      int written = cipher.update(zeros, 0, length, stream, 0);
      if (written != length) {
        throw new IllegalStateException("AES-CTR returned " + written + " of " + length + " bytes");
      }
    } catch (ShortBufferException e) {
      throw new IllegalStateException(e);
    }
  }

  private void init(byte[] seed) {
    try {
      cipher.init(
          Cipher.ENCRYPT_MODE,
          new SecretKeySpec(seed, 0, 16, "AES"),
          new IvParameterSpec(seed, 16, 16));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot initialise AES-CTR", e);
    }
  }

  /** Raw keystream access for the NIST SP 800-38A cross-check in tests. */
  byte[] rawKeystream(byte[] key16, byte[] counter16, int length) {
    try {
      cipher.init(
          Cipher.ENCRYPT_MODE, new SecretKeySpec(key16, "AES"), new IvParameterSpec(counter16));
      return cipher.update(new byte[length]);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
