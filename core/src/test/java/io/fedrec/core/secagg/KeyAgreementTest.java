package io.fedrec.core.secagg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class KeyAgreementTest {
  private static final HexFormat HEX = HexFormat.of();
  // RFC 7748, section 6.1.
  private static final String ALICE_PRIVATE =
      "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a";
  private static final String ALICE_PUBLIC =
      "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a";
  private static final String BOB_PRIVATE =
      "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb";
  private static final String BOB_PUBLIC =
      "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f";
  private static final String SHARED =
      "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742";

  private final KeyAgreement x25519 = KeyAgreement.x25519();

  @Test
  void publicKey_rfc7748Vectors_match() {
    assertEquals(ALICE_PUBLIC, HEX.formatHex(x25519.publicKey(HEX.parseHex(ALICE_PRIVATE))));
    assertEquals(BOB_PUBLIC, HEX.formatHex(x25519.publicKey(HEX.parseHex(BOB_PRIVATE))));
  }

  @Test
  void sharedSecret_rfc7748Vectors_bothSidesMatch() {
    assertEquals(
        SHARED,
        HEX.formatHex(x25519.sharedSecret(HEX.parseHex(ALICE_PRIVATE), HEX.parseHex(BOB_PUBLIC))));
    assertEquals(
        SHARED,
        HEX.formatHex(x25519.sharedSecret(HEX.parseHex(BOB_PRIVATE), HEX.parseHex(ALICE_PUBLIC))));
  }

  @Test
  void generateKeyPair_twoParties_agree() {
    KeyAgreement.KeyPair a = x25519.generateKeyPair();
    KeyAgreement.KeyPair b = x25519.generateKeyPair();
    assertArrayEquals(
        x25519.sharedSecret(a.privateKey(), b.publicKey()),
        x25519.sharedSecret(b.privateKey(), a.publicKey()));
    assertArrayEquals(a.publicKey(), x25519.publicKey(a.privateKey()));
  }

  @Test
  void generateKeyPair_privateKeyIsClamped() {
    byte[] k = x25519.generateKeyPair().privateKey();
    assertEquals(0, k[0] & 7);
    assertEquals(0x40, k[31] & 0xC0);
  }

  @Test
  void generateKeyPair_testingRandom_isDeterministicGolden() {
    KeyAgreement.KeyPair pair = KeyAgreement.x25519(TestingRandom.forTesting(1)).generateKeyPair();
    assertEquals(GOLDEN_PUBLIC_SEED1, HEX.formatHex(pair.publicKey()));
  }

  static final String GOLDEN_PUBLIC_SEED1 =
      "eb3bc4e5acf9e3e63195fe81731979acea818696d4d8618ca192b5531813e417";

  @Test
  void sharedSecret_smallOrderPeerKey_throws() {
    byte[] zeroPoint = new byte[32]; // u = 0 has order 1: the shared secret is all zero
    assertThrows(
        IllegalArgumentException.class,
        () -> x25519.sharedSecret(HEX.parseHex(ALICE_PRIVATE), zeroPoint));
  }

  @Test
  void sharedSecret_wrongKeyLength_throwsNamingParameter() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> x25519.sharedSecret(new byte[31], HEX.parseHex(BOB_PUBLIC)));
    assertEquals("privateKey must be 32 bytes. Provided length: 31", e.getMessage());
  }

  @Test
  void keyPairToString_hidesPrivateKey() {
    KeyAgreement.KeyPair pair =
        new KeyAgreement.KeyPair(HEX.parseHex(ALICE_PRIVATE), HEX.parseHex(ALICE_PUBLIC));
    assertFalse(pair.toString().contains(ALICE_PRIVATE));
  }
}
