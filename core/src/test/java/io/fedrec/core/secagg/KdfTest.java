package io.fedrec.core.secagg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class KdfTest {
  private static final HexFormat HEX = HexFormat.of();

  private static byte[] range(int from, int toInclusive) {
    byte[] b = new byte[toInclusive - from + 1];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) (from + i);
    }
    return b;
  }

  private static byte[] repeat(int value, int count) {
    byte[] b = new byte[count];
    java.util.Arrays.fill(b, (byte) value);
    return b;
  }

  @Test
  void derive_rfc5869Case1_matchesPrkAndOkm() {
    byte[] ikm = repeat(0x0b, 22);
    byte[] salt = range(0x00, 0x0c);
    byte[] info = range(0xf0, 0xf9);
    assertEquals(
        "077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5",
        HEX.formatHex(HkdfSha256.extract(salt, ikm)));
    assertEquals(
        "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865",
        HEX.formatHex(Kdf.hkdfSha256().derive(ikm, salt, info, 42)));
  }

  @Test
  void derive_rfc5869Case2_matchesPrkAndOkm() {
    byte[] ikm = range(0x00, 0x4f);
    byte[] salt = range(0x60, 0xaf);
    byte[] info = range(0xb0, 0xff);
    assertEquals(
        "06a6b88c5853361a06104c9ceb35b45cef760014904671014a193f40c15fc244",
        HEX.formatHex(HkdfSha256.extract(salt, ikm)));
    assertEquals(
        "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c"
            + "59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71"
            + "cc30c58179ec3e87c14c01d5c1f3434f1d87",
        HEX.formatHex(Kdf.hkdfSha256().derive(ikm, salt, info, 82)));
  }

  @Test
  void derive_rfc5869Case3EmptySaltAndInfo_matchesPrkAndOkm() {
    byte[] ikm = repeat(0x0b, 22);
    assertEquals(
        "19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04",
        HEX.formatHex(HkdfSha256.extract(new byte[0], ikm)));
    assertEquals(
        "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8",
        HEX.formatHex(Kdf.hkdfSha256().derive(ikm, null, new byte[0], 42)));
  }

  @Test
  void info_layout_isLabelZeroRoundAndIndicesBigEndian() {
    byte[] info = Kdf.info("ab", 0x0102030405060708L, 9, 0x0a0b0c0d);
    assertEquals("6162" + "00" + "0102030405060708" + "00000009" + "0a0b0c0d", HEX.formatHex(info));
  }

  @Test
  void derive_differentLabels_giveDifferentKeys() {
    byte[] ikm = repeat(7, 32);
    byte[] a = Kdf.hkdfSha256().derive(ikm, null, Kdf.info(Kdf.PAIRWISE_MASK, 1, 2, 3), 32);
    byte[] b = Kdf.hkdfSha256().derive(ikm, null, Kdf.info(Kdf.SELF_MASK, 1, 2, 3), 32);
    byte[] c = Kdf.hkdfSha256().derive(ikm, null, Kdf.info(Kdf.PAIRWISE_MASK, 2, 2, 3), 32);
    assertTrue(!java.util.Arrays.equals(a, b) && !java.util.Arrays.equals(a, c));
  }

  @Test
  void derive_pairwiseMaskGolden_matchesDocs() {
    // docs/secagg.md, "KDF": IKM = 32 bytes 0x00..0x1f, round 7, clients 1 and 4.
    byte[] seed =
        Kdf.hkdfSha256().derive(range(0, 31), null, Kdf.info(Kdf.PAIRWISE_MASK, 7, 1, 4), 32);
    assertEquals(GOLDEN_PAIRWISE, HEX.formatHex(seed));
  }

  static final String GOLDEN_PAIRWISE =
      "0e2a6e014431b7896321aeb58250788d6e3907e3b9f9f38b91ed61a60ab984c8";

  @Test
  void derive_lengthOutOfRange_throwsNamingLength() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Kdf.hkdfSha256().derive(new byte[1], null, new byte[0], 255 * 32 + 1));
    assertTrue(e.getMessage().contains("length"), e.getMessage());
  }

  @Test
  void derive_consistentPrefix_acrossLengths() {
    byte[] long64 = Kdf.hkdfSha256().derive(new byte[] {1}, null, new byte[] {2}, 64);
    byte[] short20 = Kdf.hkdfSha256().derive(new byte[] {1}, null, new byte[] {2}, 20);
    assertArrayEquals(java.util.Arrays.copyOf(long64, 20), short20);
  }
}
