package io.fedrec.core.secagg;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/** {@link ShareCipher} with the JDK's {@code AES/GCM/NoPadding}. */
final class AesGcmShareCipher implements ShareCipher {
  private final SecureRandom random;
  private final KeyAgreement keyAgreement;

  /**
   * X25519 results by (own private key, peer public key): a client encrypts its bundle for a peer
   * and decrypts the peer's bundle with the same agreement (the two directions differ only in the
   * HKDF info), so the second one is a lookup. Agreement dominates a client's SecAgg+ cost.
   */
  private final Map<ByteBuffer, byte[]> sharedSecrets = new ConcurrentHashMap<>();

  AesGcmShareCipher(SecureRandom random) {
    this.random = random;
    this.keyAgreement = KeyAgreement.x25519(random);
  }

  @Override
  public byte[] encrypt(
      byte[] senderPrivateKey,
      byte[] recipientPublicKey,
      long round,
      int sender,
      int recipient,
      byte[] plaintext) {
    if (plaintext == null) {
      throw new IllegalArgumentException("plaintext must not be null");
    }
    byte[] key = key(senderPrivateKey, recipientPublicKey, round, sender, recipient);
    byte[] nonce = new byte[NONCE_SIZE];
    random.nextBytes(nonce);
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(
          Cipher.ENCRYPT_MODE,
          new SecretKeySpec(key, "AES"),
          new GCMParameterSpec(TAG_SIZE * 8, nonce));
      cipher.updateAAD(associatedData(round, sender, recipient));
      byte[] body = cipher.doFinal(plaintext);
      byte[] out = new byte[NONCE_SIZE + body.length];
      System.arraycopy(nonce, 0, out, 0, NONCE_SIZE);
      System.arraycopy(body, 0, out, NONCE_SIZE, body.length);
      return out;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM encryption failed", e);
    }
  }

  @Override
  public byte[] decrypt(
      byte[] recipientPrivateKey,
      byte[] senderPublicKey,
      long round,
      int sender,
      int recipient,
      byte[] ciphertext) {
    if (ciphertext == null || ciphertext.length < NONCE_SIZE + TAG_SIZE) {
      throw new IllegalArgumentException(
          "ciphertext must be at least "
              + (NONCE_SIZE + TAG_SIZE)
              + " bytes. Provided length: "
              + (ciphertext == null ? "null" : ciphertext.length));
    }
    byte[] key = key(recipientPrivateKey, senderPublicKey, round, sender, recipient);
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(
          Cipher.DECRYPT_MODE,
          new SecretKeySpec(key, "AES"),
          new GCMParameterSpec(TAG_SIZE * 8, ciphertext, 0, NONCE_SIZE));
      cipher.updateAAD(associatedData(round, sender, recipient));
      return cipher.doFinal(ciphertext, NONCE_SIZE, ciphertext.length - NONCE_SIZE);
    } catch (AEADBadTagException e) {
      throw new IllegalArgumentException(
          "share ciphertext failed authentication (round "
              + round
              + ", sender "
              + sender
              + ", recipient "
              + recipient
              + ")");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM decryption failed", e);
    }
  }

  private byte[] key(byte[] ownPrivate, byte[] peerPublic, long round, int sender, int recipient) {
    byte[] shared = sharedSecrets.computeIfAbsent(
        ByteBuffer.wrap(concat(ownPrivate, peerPublic)),
        k -> keyAgreement.sharedSecret(ownPrivate, peerPublic));
    return Kdf.hkdfSha256()
        .derive(shared, null, Kdf.info(Kdf.SHARE_ENCRYPTION, round, sender, recipient), 32);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  static byte[] associatedData(long round, int sender, int recipient) {
    byte[] aad = new byte[16];
    Bytes.putLong(aad, 0, round);
    Bytes.putInt(aad, 8, sender);
    Bytes.putInt(aad, 12, recipient);
    return aad;
  }
}
