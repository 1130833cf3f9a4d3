package io.fedrec.core.secagg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class ShamirTest {
  private static final HexFormat HEX = HexFormat.of();

  static byte[] secret32() {
    return MaskPrgTest.goldenSeed(); // 0x00..0x1f
  }

  @Test
  void prime_isMersenne127() {
    assertEquals(BigInteger.TWO.pow(127).subtract(BigInteger.ONE), Shamir.PRIME);
    assertTrue(Shamir.PRIME.isProbablePrime(100));
  }

  @Test
  void elementsFor_32Bytes_isThreeChunks() {
    assertEquals(3, Shamir.elementsFor(32));
    assertEquals(1, Shamir.elementsFor(15));
    assertEquals(2, Shamir.elementsFor(16));
  }

  @Test
  void reconstruct_everyThresholdSubset_returnsSecret() {
    ShamirShare[] shares = Shamir.forTesting(3).split(secret32(), 3, 5);
    for (int a = 0; a < 5; a++) {
      for (int b = a + 1; b < 5; b++) {
        for (int c = b + 1; c < 5; c++) {
          ShamirShare[] subset = {shares[c], shares[a], shares[b]};
          assertArrayEquals(secret32(), Shamir.mersenne127().reconstruct(subset, 3, 32));
        }
      }
    }
  }

  @Test
  void reconstruct_secureRandomShares_returnsSecret() {
    byte[] secret = new byte[32];
    new java.security.SecureRandom().nextBytes(secret);
    ShamirShare[] shares = Shamir.mersenne127().split(secret, 11, 21);
    ShamirShare[] last = java.util.Arrays.copyOfRange(shares, 10, 21);
    assertArrayEquals(secret, Shamir.mersenne127().reconstruct(last, 11, 32));
  }

  @Test
  void interpolateAtZero_belowThreshold_isNotTheSecret() {
    Shamir shamir = Shamir.forTesting(4);
    ShamirShare[] shares = shamir.split(secret32(), 3, 5);
    BigInteger[] secretElements = shamir.interpolateAtZero(shares); // all 5: the secret
    BigInteger[] fromTwo = shamir.interpolateAtZero(new ShamirShare[] {shares[0], shares[1]});
    for (int c = 0; c < 3; c++) {
      assertFalse(secretElements[c].equals(fromTwo[c]), "chunk " + c);
    }
    assertEquals(new BigInteger("000102030405060708090a0b0c0d0e", 16), secretElements[0]);
  }

  @Test
  void reconstruct_belowThreshold_refuses() {
    ShamirShare[] shares = Shamir.forTesting(5).split(secret32(), 3, 5);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                Shamir.mersenne127()
                    .reconstruct(new ShamirShare[] {shares[0], shares[1]}, 3, 32));
    assertEquals("reconstruction needs at least threshold = 3 shares. Provided: 2", e.getMessage());
  }

  @Test
  void reconstruct_duplicateX_throws() {
    ShamirShare[] shares = Shamir.forTesting(6).split(secret32(), 2, 3);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                Shamir.mersenne127()
                    .reconstruct(new ShamirShare[] {shares[1], shares[1]}, 2, 32));
    assertEquals("share x coordinates must be distinct. Duplicate: 2", e.getMessage());
  }

  @Test
  void split_duplicateX_throws() {
    assertThrows(
        IllegalArgumentException.class,
        () -> Shamir.mersenne127().split(secret32(), 2, new int[] {1, 4, 4}));
  }

  @Test
  void split_thresholdAboveShareCount_throws() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> Shamir.mersenne127().split(secret32(), 6, 5));
    assertEquals("threshold must be in [1, 5]. Provided value: 6", e.getMessage());
  }

  @Test
  void reconstruct_tamperedShare_failsOrDiffers() {
    ShamirShare[] shares = Shamir.forTesting(7).split(secret32(), 2, 3);
    BigInteger[] v = shares[0].values();
    v[0] = v[0].add(BigInteger.ONE).mod(Shamir.PRIME);
    ShamirShare bad = new ShamirShare(shares[0].x(), v);
    byte[] got;
    try {
      got = Shamir.mersenne127().reconstruct(new ShamirShare[] {bad, shares[1]}, 2, 32);
    } catch (IllegalArgumentException e) {
      return; // detected: chunk out of range
    }
    assertFalse(java.util.Arrays.equals(secret32(), got));
  }

  @Test
  void shareBytes_roundTrip() {
    ShamirShare share = Shamir.forTesting(8).split(secret32(), 3, 4)[2];
    byte[] bytes = share.toBytes();
    assertEquals(48, bytes.length);
    assertEquals(share, ShamirShare.fromBytes(3, bytes));
  }

  @Test
  void split_forTestingSeed1_matchesGoldenShares() {
    // docs/secagg.md, "Shamir": secret 0x00..0x1f, t = 3, x = 1..5, Shamir.forTesting(1).
    ShamirShare[] shares = Shamir.forTesting(1).split(secret32(), 3, 5);
    for (int i = 0; i < 5; i++) {
      assertEquals(GOLDEN_SHARES[i], HEX.formatHex(shares[i].toBytes()), "x = " + (i + 1));
    }
  }

  static final String[] GOLDEN_SHARES = {
    "4ba145fb4bc8faf57d65252973872c804c0c014ae1d5f0c5"
        + "bcca272999e5b8cf57c10fb25d2438a145132e996c41dc7e",
    "3157b0c6523ec636f8b0edf048a6b0d036c06f4e064ed2ab"
        + "61f76f6baf53a2bf0e3d7f71e8795dbb00986c8367c7452a",
    "31234163166566ca78eb635e8a6a99fd402c5a1a7f7db9c6"
        + "059ef0df5a64d9ec23754f3ea1ff6f4d328fb9bdf2905821",
    "4b03f7d1983cdcaffe14857438d2e807684fc1b04d62a615"
        + "a7c0ab849b195e5617687f1889b66d57daf916490c9d1564",
    "7ef9d411d7c527e7882c543153df9aee2f2aa60f6ffd979a"
        + "485c9f5b71712ffe6a170eff9f9e57daf9d48224b5ed7cf2"
  };

  @Test
  void shareToString_hidesValues() {
    ShamirShare share = Shamir.forTesting(9).split(secret32(), 2, 2)[0];
    assertEquals("ShamirShare{x=1, values=*}", share.toString());
  }
}
