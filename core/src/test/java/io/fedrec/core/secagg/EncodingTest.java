package io.fedrec.core.secagg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EncodingTest {

  private static Encoding encoding(int n, double clip, double scale) {
    return Encoding.builder().cohortSize(n).clipRange(clip).scale(scale).build();
  }

  @ParameterizedTest
  @CsvSource({
    // n, clip, scale, bits: n * ceil(clip * scale) < 2^(bits-1), bits minimal
    "1, 1.0, 1.0, 2", // 1 < 2
    "1, 1.0, 2.0, 3", // 2 < 4
    "100, 1.0, 1024, 18", // 102400 < 2^17 = 131072
    "128, 1.0, 1024, 19", // 131072 = 2^17 < 2^18
    "1000, 0.5, 65536, 26", // 32768000 < 2^25 = 33554432
    "1024, 1.0, 1048576, 32" // 2^30 < 2^31
  })
  void bitsFor_examples_areMinimal(int n, double clip, double scale, int bits) {
    assertEquals(bits, Encoding.bitsFor(n, clip, scale));
    long nm = (long) n * (long) Math.ceil(clip * scale);
    assertTrue(nm < (1L << (bits - 1)) && nm >= (1L << (bits - 2)));
  }

  @Test
  void bitsFor_beyond32Bits_throws() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Encoding.bitsFor(2048, 1.0, 1 << 20));
    assertTrue(e.getMessage().contains("< 2^31"), e.getMessage());
  }

  @Test
  void build_bitsBelowBound_throwsNamingRule() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Encoding.builder().cohortSize(100).clipRange(1).scale(1024).bits(17).build());
    assertEquals(
        "bits must be in [18, 32] so that cohortSize * ceil(clipRange * scale) < 2^(bits-1)."
            + " Provided value: 17",
        e.getMessage());
  }

  @Test
  void build_nanScale_throwsNamingScale() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> encoding(10, 1, Double.NaN));
    assertEquals("scale must be > 0 and finite. Provided value: NaN", e.getMessage());
  }

  @Test
  void decodeOfEncode_withinOneStep() {
    Encoding enc = encoding(50, 2.0, 4096);
    SplittableRandom random = new SplittableRandom(1);
    float[] x = new float[10_000];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) (random.nextDouble() * 4 - 2);
    }
    float[] back = enc.decode(enc.encode(x, new SplittableRandom(2)));
    for (int i = 0; i < x.length; i++) {
      assertTrue(Math.abs(back[i] - x[i]) <= 1.0 / 4096 + 1e-6, "coordinate " + i);
    }
  }

  @Test
  void encode_clipsToRange() {
    Encoding enc = encoding(10, 1.0, 100);
    int[] v = enc.encode(new float[] {5f, -5f, Float.POSITIVE_INFINITY}, new SplittableRandom(3));
    assertEquals(100, enc.signedValue(v[0]));
    assertEquals(-100, enc.signedValue(v[1]));
    assertEquals(100, enc.signedValue(v[2]));
  }

  @Test
  void encode_nan_throws() {
    assertThrows(
        IllegalArgumentException.class,
        () -> encoding(10, 1, 10).encode(new float[] {Float.NaN}, new SplittableRandom(1)));
  }

  @Test
  void encode_exactGridValues_areDeterministic() {
    Encoding enc = encoding(10, 1.0, 8);
    int[] v = enc.encode(new float[] {0.25f, -0.5f, 0f}, new SplittableRandom(4));
    assertEquals(2, enc.signedValue(v[0]));
    assertEquals(-4, enc.signedValue(v[1]));
    assertEquals(0, v[2]);
  }

  @Test
  void modularSum_nExtremeValuesAtTheBound_decodesExactly() {
    // n * M = 1000 * 1024 = 1024000 < 2^20: bits = 21, the tightest no-wrap width.
    int n = 1000;
    Encoding enc = encoding(n, 1.0, 1024);
    assertEquals(21, enc.bits());
    int mask = (1 << enc.bits()) - 1;
    float[] plusMax = {1f, -1f, 1f};
    int[] sum = new int[3];
    for (int c = 0; c < n; c++) {
      int[] v = enc.encode(plusMax, new SplittableRandom(c));
      for (int i = 0; i < 3; i++) {
        sum[i] = (sum[i] + v[i]) & mask;
      }
    }
    float[] decoded = enc.decode(sum);
    assertArrayEquals(new float[] {1000f, -1000f, 1000f}, decoded);
  }

  @Test
  void modularSum_oneMoreBitNeededBeyondBound_wouldWrap() {
    // Why the bound matters: 1100 clients at +1 (1126400 > 2^20 - 1) wrap to a negative sum.
    Encoding enc = encoding(1000, 1.0, 1024);
    int mask = (1 << 21) - 1;
    int sum = 0;
    for (int c = 0; c < 1100; c++) {
      sum = (sum + enc.encode(new float[] {1f}, new SplittableRandom(c))[0]) & mask;
    }
    assertTrue(enc.signedValue(sum) < 0);
  }

  @Test
  void decode_twosComplement_readsTopBitAsSign() {
    Encoding enc = Encoding.builder().cohortSize(1).clipRange(1).scale(1).bits(4).build();
    assertArrayEquals(
        new float[] {7f, -8f, -1f, 0f}, enc.decode(new int[] {7, 8, 15, 0}));
  }

  @Test
  void decode_32Bits_usesFullIntRange() {
    Encoding enc = encoding(1024, 1.0, 1 << 20);
    assertEquals(32, enc.bits());
    assertArrayEquals(
        new float[] {-1f / (1 << 20), -2048f, 2047f},
        enc.decode(new int[] {-1, Integer.MIN_VALUE, 2047 << 20}));
  }
}
