package io.fedrec.core.secagg;

import java.security.SecureRandom;
import org.bouncycastle.math.ec.rfc7748.X25519;

/**
 * X25519 on BouncyCastle's lightweight API, which is several times faster than the JDK's
 * {@code XDH} provider for one-off agreements (no key-spec or provider lookups per call).
 */
final class X25519KeyAgreement implements KeyAgreement {
  private final SecureRandom random;

  X25519KeyAgreement(SecureRandom random) {
    this.random = random;
  }

  @Override
  public KeyPair generateKeyPair() {
    // Drawn with nextBytes and clamped here rather than by X25519.generatePrivateKey, so the
    // bytes consumed from the random source are specified (docs/secagg.md, test randomness).
    byte[] privateKey = new byte[KEY_SIZE];
    random.nextBytes(privateKey);
    X25519.clampPrivateKey(privateKey);
    return new KeyPair(privateKey, publicKey(privateKey));
  }

  @Override
  public byte[] publicKey(byte[] privateKey) {
    Bytes.checkLength("privateKey", privateKey, KEY_SIZE);
    byte[] out = new byte[KEY_SIZE];
    X25519.scalarMultBase(privateKey, 0, out, 0);
    return out;
  }

  @Override
  public byte[] sharedSecret(byte[] privateKey, byte[] peerPublicKey) {
    Bytes.checkLength("privateKey", privateKey, KEY_SIZE);
    Bytes.checkLength("peerPublicKey", peerPublicKey, KEY_SIZE);
    byte[] out = new byte[KEY_SIZE];
    if (!X25519.calculateAgreement(privateKey, 0, peerPublicKey, 0, out, 0)) {
      throw new IllegalArgumentException(
          "peerPublicKey is a small-order point: the X25519 shared secret is all zero");
    }
    return out;
  }
}
