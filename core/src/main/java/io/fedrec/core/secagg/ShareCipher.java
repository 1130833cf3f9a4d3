package io.fedrec.core.secagg;

import java.security.SecureRandom;

/**
 * Authenticated encryption of one client's share bundle for one recipient, routed through the
 * untrusted server (Bonawitz et al., CCS 2017, section 4, round "ShareKeys": {@code
 * AE.enc(KA.agree(c_u^SK, c_v^PK), u || v || s_{u,v}^SK || b_{u,v})}).
 *
 * <p>Construction ({@link #aesGcm()}): {@code key = HKDF-SHA256(X25519(own private, peer
 * public), salt = none, info = Kdf.info("fedrec/secagg/v1/share-encryption", round, sender,
 * recipient), 32)}; AES-256-GCM with a fresh random 96-bit nonce, 128-bit tag and associated data
 * {@code uint64_be(round) || uint32_be(sender) || uint32_be(recipient)}. Ciphertext layout: {@code
 * nonce (12) || GCM ciphertext || tag (16)}. The key is per direction and per round, and the
 * associated data binds the same fields, so a ciphertext replayed into another round or re-routed
 * to another sender or recipient fails authentication.
 *
 * <p>Thread safety: thread-safe if the {@link SecureRandom} is; {@link #forTesting(long)}
 * instances are not.
 */
public interface ShareCipher {

  /** Nonce length in bytes. */
  int NONCE_SIZE = 12;

  /** Tag length in bytes. */
  int TAG_SIZE = 16;

  /** Encrypts {@code plaintext} from {@code sender} to {@code recipient} in {@code round}. */
  byte[] encrypt(
      byte[] senderPrivateKey,
      byte[] recipientPublicKey,
      long round,
      int sender,
      int recipient,
      byte[] plaintext);

  /**
   * Decrypts and authenticates.
   *
   * @throws IllegalArgumentException if authentication fails (tampered ciphertext, or round,
   *     sender, recipient or keys other than at encryption) or the ciphertext is too short
   */
  byte[] decrypt(
      byte[] recipientPrivateKey,
      byte[] senderPublicKey,
      long round,
      int sender,
      int recipient,
      byte[] ciphertext);

  /** AES-256-GCM with nonces from a new {@link SecureRandom}. */
  static ShareCipher aesGcm() {
    return new AesGcmShareCipher(new SecureRandom());
  }

  /** AES-256-GCM with nonces from {@code random}. */
  static ShareCipher aesGcm(SecureRandom random) {
    if (random == null) {
      throw new IllegalArgumentException("random must not be null");
    }
    return new AesGcmShareCipher(random);
  }

  /**
   * AES-256-GCM with nonces from the {@link TestingRandom} stream of {@code seed}: for tests and
   * golden vectors only (predictable nonces must never meet real keys twice).
   */
  static ShareCipher forTesting(long seed) {
    return new AesGcmShareCipher(TestingRandom.forTesting(seed));
  }
}
