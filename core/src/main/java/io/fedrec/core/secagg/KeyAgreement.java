package io.fedrec.core.secagg;

import java.security.SecureRandom;
import java.util.Arrays;

/**
 * Diffie-Hellman key agreement over Curve25519 (X25519). Keys are 32 raw bytes: the private key is
 * an RFC 7748 scalar (stored clamped), the public key the little-endian u-coordinate.
 *
 * <p>The raw shared secret is never used as a key: SecAgg+ always passes it through {@link Kdf}
 * with a purpose label.
 *
 * <p>Thread safety: implementations are thread-safe if their {@link SecureRandom} is (the JDK's
 * are).
 *
 * <p>Reference: A. Langley, M. Hamburg, S. Turner, "Elliptic Curves for Security", RFC 7748,
 * section 5 (X25519) and 6.1 (Diffie-Hellman). Implemented with BouncyCastle's constant-time
 * {@code org.bouncycastle.math.ec.rfc7748.X25519}.
 */
public interface KeyAgreement {

  /** Size of private keys, public keys and shared secrets in bytes. */
  int KEY_SIZE = 32;

  /** Generates a fresh key pair. */
  KeyPair generateKeyPair();

  /** Returns the public key of a 32-byte private key (clamped as RFC 7748 section 5 says). */
  byte[] publicKey(byte[] privateKey);

  /**
   * Returns the 32-byte X25519 shared secret of {@code privateKey} and {@code peerPublicKey}.
   *
   * @throws IllegalArgumentException if a key is not 32 bytes, or the result is all zero (a
   *     small-order peer key, RFC 7748 section 6.1), which must abort the exchange
   */
  byte[] sharedSecret(byte[] privateKey, byte[] peerPublicKey);

  /** X25519 drawing private keys from a new {@link SecureRandom}. */
  static KeyAgreement x25519() {
    return new X25519KeyAgreement(new SecureRandom());
  }

  /** X25519 drawing private keys from {@code random}. */
  static KeyAgreement x25519(SecureRandom random) {
    if (random == null) {
      throw new IllegalArgumentException("random must not be null");
    }
    return new X25519KeyAgreement(random);
  }

  /**
   * An X25519 key pair. Immutable: accessors return copies. {@link #toString()} never shows the
   * private key.
   */
  final class KeyPair {
    private final byte[] privateKey;
    private final byte[] publicKey;

    public KeyPair(byte[] privateKey, byte[] publicKey) {
      this.privateKey = Bytes.checkLength("privateKey", privateKey, KEY_SIZE).clone();
      this.publicKey = Bytes.checkLength("publicKey", publicKey, KEY_SIZE).clone();
    }

    public byte[] privateKey() {
      return privateKey.clone();
    }

    public byte[] publicKey() {
      return publicKey.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof KeyPair other
          && Arrays.equals(privateKey, other.privateKey)
          && Arrays.equals(publicKey, other.publicKey);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(publicKey);
    }

    @Override
    public String toString() {
      return "KeyPair{publicKey=" + java.util.HexFormat.of().formatHex(publicKey) + ", private=*}";
    }
  }
}
