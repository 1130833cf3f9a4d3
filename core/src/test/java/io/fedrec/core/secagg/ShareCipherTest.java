package io.fedrec.core.secagg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class ShareCipherTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final long ROUND = 42;
  private static final int SENDER = 3;
  private static final int RECIPIENT = 8;

  private final KeyAgreement.KeyPair alice =
      KeyAgreement.x25519(TestingRandom.forTesting(11)).generateKeyPair();
  private final KeyAgreement.KeyPair bob =
      KeyAgreement.x25519(TestingRandom.forTesting(12)).generateKeyPair();
  private final byte[] plaintext = "share bundle of 104 bytes, more or less".getBytes();

  private byte[] encrypt(ShareCipher cipher) {
    return cipher.encrypt(alice.privateKey(), bob.publicKey(), ROUND, SENDER, RECIPIENT, plaintext);
  }

  private byte[] decrypt(byte[] ciphertext, long round, int sender, int recipient) {
    return ShareCipher.aesGcm()
        .decrypt(bob.privateKey(), alice.publicKey(), round, sender, recipient, ciphertext);
  }

  @Test
  void decrypt_ofEncrypt_returnsPlaintext() {
    byte[] ct = encrypt(ShareCipher.aesGcm());
    assertEquals(12 + plaintext.length + 16, ct.length);
    assertArrayEquals(plaintext, decrypt(ct, ROUND, SENDER, RECIPIENT));
  }

  @Test
  void decrypt_otherRound_failsAuthentication() {
    byte[] ct = encrypt(ShareCipher.aesGcm());
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> decrypt(ct, ROUND + 1, SENDER, RECIPIENT));
    assertTrue(e.getMessage().contains("failed authentication"), e.getMessage());
  }

  @Test
  void decrypt_otherSender_failsAuthentication() {
    byte[] ct = encrypt(ShareCipher.aesGcm());
    assertThrows(IllegalArgumentException.class, () -> decrypt(ct, ROUND, SENDER + 1, RECIPIENT));
  }

  @Test
  void decrypt_otherRecipient_failsAuthentication() {
    byte[] ct = encrypt(ShareCipher.aesGcm());
    assertThrows(IllegalArgumentException.class, () -> decrypt(ct, ROUND, SENDER, RECIPIENT + 1));
  }

  @Test
  void decrypt_flippedCiphertextBit_failsAuthentication() {
    byte[] ct = encrypt(ShareCipher.aesGcm());
    ct[20] ^= 1;
    assertThrows(IllegalArgumentException.class, () -> decrypt(ct, ROUND, SENDER, RECIPIENT));
  }

  @Test
  void decrypt_flippedNonceBit_failsAuthentication() {
    byte[] ct = encrypt(ShareCipher.aesGcm());
    ct[0] ^= 1;
    assertThrows(IllegalArgumentException.class, () -> decrypt(ct, ROUND, SENDER, RECIPIENT));
  }

  @Test
  void decrypt_flippedTagBit_failsAuthentication() {
    byte[] ct = encrypt(ShareCipher.aesGcm());
    ct[ct.length - 1] ^= 1;
    assertThrows(IllegalArgumentException.class, () -> decrypt(ct, ROUND, SENDER, RECIPIENT));
  }

  @Test
  void decrypt_wrongRecipientKey_failsAuthentication() {
    byte[] ct = encrypt(ShareCipher.aesGcm());
    KeyAgreement.KeyPair eve = KeyAgreement.x25519().generateKeyPair();
    assertThrows(
        IllegalArgumentException.class,
        () ->
            ShareCipher.aesGcm()
                .decrypt(eve.privateKey(), alice.publicKey(), ROUND, SENDER, RECIPIENT, ct));
  }

  @Test
  void decrypt_truncated_throwsNamingLength() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> decrypt(new byte[27], ROUND, SENDER, RECIPIENT));
    assertEquals("ciphertext must be at least 28 bytes. Provided length: 27", e.getMessage());
  }

  @Test
  void encrypt_forTestingSeed13_matchesGoldenCiphertext() {
    // docs/secagg.md, "Share encryption": keys from TestingRandom(11) and (12), nonce from (13).
    assertEquals(GOLDEN_CIPHERTEXT, HEX.formatHex(encrypt(ShareCipher.forTesting(13))));
  }

  static final String GOLDEN_CIPHERTEXT =
      "acb980813f8aa8af2519ef90c22177fcf3b70931bd3dc743d518bb1c956553f1bd2c4c5fbfefea0c7d4bb653"
          + "1d1d81706867c059e8b3bb221ded8a964bac8765ddcecd";
}
