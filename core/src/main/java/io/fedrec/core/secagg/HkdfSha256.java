package io.fedrec.core.secagg;

import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HKDF-SHA256 (RFC 5869): {@code PRK = HMAC(salt, IKM)}; {@code T(i) = HMAC(PRK, T(i-1) || info ||
 * i)}; output the first {@code L} bytes of {@code T(1) || T(2) || ...}. Stateless and
 * thread-safe: every call obtains its own {@link Mac}.
 */
final class HkdfSha256 implements Kdf {
  static final HkdfSha256 INSTANCE = new HkdfSha256();
  private static final int HASH_LEN = 32;

  private HkdfSha256() {}

  @Override
  public byte[] derive(byte[] ikm, byte[] salt, byte[] info, int length) {
    if (ikm == null) {
      throw new IllegalArgumentException("ikm must not be null");
    }
    if (info == null) {
      throw new IllegalArgumentException("info must not be null");
    }
    if (length < 1 || length > 255 * HASH_LEN) {
      throw new IllegalArgumentException(
          "length must be in [1, " + 255 * HASH_LEN + "]. Provided value: " + length);
    }
    return expand(extract(salt, ikm), info, length);
  }

  /** RFC 5869 section 2.2. A missing salt is HashLen zero bytes. */
  static byte[] extract(byte[] salt, byte[] ikm) {
    byte[] s = salt == null || salt.length == 0 ? new byte[HASH_LEN] : salt;
    Mac mac = hmac(s);
    return mac.doFinal(ikm);
  }

  /** RFC 5869 section 2.3. */
  static byte[] expand(byte[] prk, byte[] info, int length) {
    Mac mac = hmac(prk);
    byte[] out = new byte[length];
    byte[] t = new byte[0];
    int written = 0;
    for (int i = 1; written < length; i++) {
      mac.update(t);
      mac.update(info);
      mac.update((byte) i);
      t = mac.doFinal();
      int n = Math.min(HASH_LEN, length - written);
      System.arraycopy(t, 0, out, written, n);
      written += n;
    }
    return out;
  }

  private static Mac hmac(byte[] key) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable in this JDK", e);
    }
  }
}
