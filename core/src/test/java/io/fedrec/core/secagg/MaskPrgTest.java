package io.fedrec.core.secagg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class MaskPrgTest {
  private static final HexFormat HEX = HexFormat.of();

  // NIST SP 800-38A, F.5.1 CTR-AES128.Encrypt.
  private static final String NIST_KEY = "2b7e151628aed2a6abf7158809cf4f3c";
  private static final String NIST_COUNTER = "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff";
  private static final String NIST_OUTPUT_BLOCKS =
      "ec8cdf7398607cb0f2d21675ea9ea1e4"
          + "362b7c3c6773516318a077d7fc5073ae"
          + "6a2cc3787889374fbeb4c81b17ba6c44"
          + "e89c399ff0f198c6d40a31db156cabfe";
  private static final String NIST_PLAINTEXT =
      "6bc1bee22e409f96e93d7e117393172a"
          + "ae2d8a571e03ac9c9eb76fac45af8e51"
          + "30c81c46a35ce411e5fbc1191a0a52ef"
          + "f69f2445df4f9b17ad2b417be66c3710";
  private static final String NIST_CIPHERTEXT =
      "874d6191b620e3261bef6864990db6ce"
          + "9806f66b7970fdff8617187bb9fffdff"
          + "5ae4df3edbd5d35e5b4f09020db03eab"
          + "1e031dda2fbe03d1792170a0f3009cee";

  /** Seed 0x00, 0x01, ..., 0x1f: the golden vector of docs/secagg.md. */
  static byte[] goldenSeed() {
    byte[] seed = new byte[32];
    for (int i = 0; i < 32; i++) {
      seed[i] = (byte) i;
    }
    return seed;
  }

  static final int[] GOLDEN_32_BITS = {
    0x74effe07, 0x6e03d5e1, 0x11ee0e90, 0x9392948e, 0x04c5c292, 0x02820cd8, 0x627d7946, 0x08def98b,
    0x673821ca, 0xabf8e535, 0x2c8a9665, 0x7a3dd5a1, 0xb466f250, 0x75bd425b, 0x0235932c, 0x08d10cce
  };
  static final int[] GOLDEN_20_BITS = {
    0xffe07, 0x3d5e1, 0xe0e90, 0x2948e, 0x5c292, 0x20cd8, 0xd7946, 0xef98b,
    0x821ca, 0x8e535, 0xa9665, 0xdd5a1, 0x6f250, 0xd425b, 0x5932c, 0x10cce
  };

  @Test
  void keystream_nistSp80038aF51_matchesOutputBlocks() {
    AesCtrMaskPrg prg = new AesCtrMaskPrg(32);
    byte[] ks = prg.rawKeystream(HEX.parseHex(NIST_KEY), HEX.parseHex(NIST_COUNTER), 64);
    assertEquals(NIST_OUTPUT_BLOCKS, HEX.formatHex(ks));
    byte[] pt = HEX.parseHex(NIST_PLAINTEXT);
    byte[] ct = new byte[64];
    for (int i = 0; i < 64; i++) {
      ct[i] = (byte) (pt[i] ^ ks[i]);
    }
    assertEquals(NIST_CIPHERTEXT, HEX.formatHex(ct));
  }

  @Test
  void expand_nistKeyAndCounterAsSeed_readsOutputBlocksLittleEndian() {
    byte[] seed = HEX.parseHex(NIST_KEY + NIST_COUNTER);
    int[] values = MaskPrg.aesCtr(32).expand(seed, 16);
    byte[] blocks = HEX.parseHex(NIST_OUTPUT_BLOCKS);
    for (int i = 0; i < 16; i++) {
      int le =
          (blocks[4 * i] & 0xFF)
              | (blocks[4 * i + 1] & 0xFF) << 8
              | (blocks[4 * i + 2] & 0xFF) << 16
              | (blocks[4 * i + 3] & 0xFF) << 24;
      assertEquals(le, values[i], "coordinate " + i);
    }
    assertEquals(0x73df8cec, values[0]);
  }

  @Test
  void expand_goldenSeed32Bits_matchesDocs() {
    assertArrayEquals(GOLDEN_32_BITS, MaskPrg.aesCtr(32).expand(goldenSeed(), 16));
  }

  @Test
  void expand_goldenSeed20Bits_isLow20BitsOf32BitStream() {
    int[] full = MaskPrg.aesCtr(32).expand(goldenSeed(), 16);
    int[] low = MaskPrg.aesCtr(20).expand(goldenSeed(), 16);
    for (int i = 0; i < 16; i++) {
      assertEquals(full[i] & 0xFFFFF, low[i]);
    }
    assertArrayEquals(GOLDEN_20_BITS, low);
  }

  @Test
  void expand_acrossChunkBoundary_isOneContinuousStream() {
    int n = AesCtrMaskPrg.CHUNK_BYTES / 4 * 2 + 3;
    int[] values = MaskPrg.aesCtr(32).expand(goldenSeed(), n);
    AesCtrMaskPrg raw = new AesCtrMaskPrg(32);
    byte[] seed = goldenSeed();
    byte[] ks =
        raw.rawKeystream(
            java.util.Arrays.copyOf(seed, 16), java.util.Arrays.copyOfRange(seed, 16, 32), 4 * n);
    for (int i = n - 10; i < n; i++) {
      int le =
          (ks[4 * i] & 0xFF)
              | (ks[4 * i + 1] & 0xFF) << 8
              | (ks[4 * i + 2] & 0xFF) << 16
              | (ks[4 * i + 3] & 0xFF) << 24;
      assertEquals(le, values[i]);
    }
  }

  @Test
  void addMask_plusThenMinus_restoresAccumulator() {
    MaskPrg prg = MaskPrg.aesCtr(13);
    int[] acc = new int[10_000];
    for (int i = 0; i < acc.length; i++) {
      acc[i] = (i * 7919) & 0x1FFF;
    }
    int[] original = acc.clone();
    prg.addMask(acc, goldenSeed(), 1);
    prg.addMask(acc, goldenSeed(), -1);
    assertArrayEquals(original, acc);
  }

  @Test
  void addMask_plus_equalsModularAddOfExpand() {
    MaskPrg prg = MaskPrg.aesCtr(13);
    int[] acc = new int[5_000];
    for (int i = 0; i < acc.length; i++) {
      acc[i] = 8191 - (i % 100);
    }
    int[] expected = acc.clone();
    int[] mask = prg.expand(goldenSeed(), acc.length);
    for (int i = 0; i < acc.length; i++) {
      expected[i] = (expected[i] + mask[i]) & 8191;
    }
    prg.addMask(acc, goldenSeed(), 1);
    assertArrayEquals(expected, acc);
  }

  @Test
  void expand_values_stayBelowModulus() {
    for (int v : MaskPrg.aesCtr(5).expand(goldenSeed(), 1000)) {
      assertEquals(v, v & 31);
    }
  }

  @Test
  void addMask_badSign_throwsNamingSign() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> MaskPrg.aesCtr(8).addMask(new int[1], goldenSeed(), 2));
    assertEquals("sign must be +1 or -1. Provided value: 2", e.getMessage());
  }

  @Test
  void aesCtr_bitsOutOfRange_throws() {
    assertThrows(IllegalArgumentException.class, () -> MaskPrg.aesCtr(33));
    assertThrows(IllegalArgumentException.class, () -> MaskPrg.aesCtr(0));
  }
}
