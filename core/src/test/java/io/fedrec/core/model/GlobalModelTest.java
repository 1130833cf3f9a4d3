package io.fedrec.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class GlobalModelTest {

  /** 3 items, rank 2: Q = [[1, 2], [3, 4], [5, 6]], b = [0.5, -0.5, 0.25], mu = 3.5. */
  private static final ModelShape SHAPE = new ModelShape(3, 2);

  private static float[] params() {
    return new float[] {1, 2, 3, 4, 5, 6, 0.5f, -0.5f, 0.25f, 3.5f};
  }

  private static GlobalModel model() {
    return GlobalModel.of(4, SHAPE, params());
  }

  @Test
  void of_validParameters_exposesLayout() {
    GlobalModel m = model();

    assertEquals(4, m.version());
    assertEquals(SHAPE, m.shape());
    assertEquals(3, m.numItems());
    assertEquals(2, m.rank());
    assertEquals(3.5f, m.mu());
    assertEquals(-0.5f, m.itemBias(1));
    assertEquals(4f, m.factor(1, 1));
    assertEquals(5f, m.factor(2, 0));
  }

  @Test
  void of_callerMutatesInputAfterwards_modelUnchanged() {
    float[] p = params();
    GlobalModel m = GlobalModel.of(0, SHAPE, p);

    p[0] = 99f;
    p[9] = 99f;

    assertEquals(1f, m.factor(0, 0));
    assertEquals(3.5f, m.mu());
  }

  @Test
  void parameters_callerMutatesResult_modelUnchanged() {
    GlobalModel m = model();

    float[] out = m.parameters();
    out[0] = 99f;

    assertArrayEquals(params(), m.parameters());
  }

  @Test
  void of_wrongLength_throwsNamingExpectedAndProvided() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> GlobalModel.of(0, SHAPE, new float[9]));

    assertEquals(
        "params length must equal numParameters 10 for ModelShape[numItems=3, rank=2]. Provided"
            + " value: 9",
        e.getMessage());
  }

  @Test
  void of_nanParameter_throwsNamingIndex() {
    float[] p = params();
    p[7] = Float.NaN;

    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> GlobalModel.of(0, SHAPE, p));

    assertEquals("model parameters must be finite. Provided value at index 7: NaN", e.getMessage());
  }

  @Test
  void of_infiniteParameter_throws() {
    float[] p = params();
    p[9] = Float.NEGATIVE_INFINITY;

    assertThrows(IllegalArgumentException.class, () -> GlobalModel.of(0, SHAPE, p));
  }

  @Test
  void of_negativeVersion_throwsEchoingValue() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> GlobalModel.of(-1, SHAPE, params()));

    assertEquals("version must be >= 0. Provided value: -1", e.getMessage());
  }

  @Test
  void dot_userVector_isInnerProductWithItemRow() {
    // q_2 = [5, 6]: 5 * 0.5 + 6 * -2 = -9.5
    assertEquals(-9.5f, model().dot(2, new float[] {0.5f, -2f}));
  }

  @Test
  void copyFactors_item_copiesRowAtOffset() {
    float[] dst = new float[4];

    model().copyFactors(1, dst, 1);

    assertArrayEquals(new float[] {0, 3, 4, 0}, dst);
  }

  @Test
  void copyParameters_range_copiesFlatSlice() {
    float[] dst = new float[3];

    model().copyParameters(6, dst, 0, 3);

    assertArrayEquals(new float[] {0.5f, -0.5f, 0.25f}, dst);
  }

  @Test
  void initial_sameSeed_identicalModels() {
    GlobalModel a = GlobalModel.initial(new ModelShape(50, 8), 3.5f, 0.1, 7);
    GlobalModel b = GlobalModel.initial(new ModelShape(50, 8), 3.5f, 0.1, 7);

    assertArrayEquals(a.parameters(), b.parameters());
    assertEquals(a, b);
  }

  @Test
  void initial_differentSeed_differentFactors() {
    GlobalModel a = GlobalModel.initial(new ModelShape(50, 8), 3.5f, 0.1, 7);
    GlobalModel b = GlobalModel.initial(new ModelShape(50, 8), 3.5f, 0.1, 8);

    assertNotEquals(a, b);
  }

  @Test
  void initial_anySeed_muIsInitialMeanBiasesNonZeroVersionZero() {
    ModelShape shape = new ModelShape(50, 8);

    GlobalModel m = GlobalModel.initial(shape, 3.5f, 0.1, 7);

    assertEquals(0, m.version());
    assertEquals(3.5f, m.mu());
    // No parameter may start at exactly zero: the prior term of every update is proportional to
    // it, and a zero coordinate would show which items a client did not rate.
    for (int i = 0; i < shape.numItems(); i++) {
      assertNotEquals(0f, m.itemBias(i), "bias of item " + i);
      assertTrue(Math.abs(m.itemBias(i)) < 0.6f, "bias of item " + i + ": " + m.itemBias(i));
    }
  }

  /** Fixed seed, so the sample moments are deterministic; 4000 draws put them well inside 10%. */
  @Test
  void initial_initScale_factorsHaveThatStandardDeviationAndZeroMean() {
    ModelShape shape = new ModelShape(500, 8);

    float[] p = GlobalModel.initial(shape, 0f, 0.1, 11).parameters();

    int n = shape.numItems() * shape.rank();
    double sum = 0;
    double sumSq = 0;
    for (int i = 0; i < n; i++) {
      sum += p[i];
      sumSq += (double) p[i] * p[i];
    }
    double mean = sum / n;
    double sd = Math.sqrt(sumSq / n - mean * mean);
    assertEquals(0.0, mean, 0.01);
    assertEquals(0.1, sd, 0.01);
  }

  @Test
  void initial_zeroInitScale_allFactorsZero() {
    ModelShape shape = new ModelShape(5, 3);

    GlobalModel m = GlobalModel.initial(shape, 2f, 0, 1);

    // Numerical comparison: a negative draw times 0 is -0.0, which is a zero factor too.
    for (int i = 0; i < shape.numItems(); i++) {
      for (int f = 0; f < shape.rank(); f++) {
        assertEquals(0.0, m.factor(i, f), 0.0, "Q[" + i + "][" + f + "]");
      }
    }
    assertEquals(2f, m.mu());
  }

  @Test
  void initial_nanInitialMean_throwsNamingParameter() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> GlobalModel.initial(SHAPE, Float.NaN, 0.1, 1));

    assertEquals(
        "initialMean must be finite and in [-1000000.0, 1000000.0]. Provided value: NaN",
        e.getMessage());
  }

  @Test
  void initial_negativeInitScale_throwsNamingParameter() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> GlobalModel.initial(SHAPE, 3f, -1, 1));

    assertEquals("initScale must be >= 0 and finite. Provided value: -1.0", e.getMessage());
  }

  @Test
  void plusScaled_dyadicValues_addsScaledDeltaExactly() {
    float[] delta = {2, -2, 0.5f, 0, 1, 1, -1, 1, 0.5f, -1};

    GlobalModel next = model().plusScaled(delta, 0.5f);

    assertArrayEquals(new float[] {2, 1, 3.25f, 4, 5.5f, 6.5f, 0, 0, 0.5f, 3f}, next.parameters());
  }

  @Test
  void plusScaled_anyDelta_incrementsVersionAndLeavesOriginalUnchanged() {
    GlobalModel m = model();

    GlobalModel next = m.plusScaled(new float[10], 1f);

    assertEquals(5, next.version());
    assertEquals(4, m.version());
    assertArrayEquals(params(), m.parameters());
  }

  @Test
  void plusScaled_overflowToInfinity_throwsIllegalStateNamingIndex() {
    float[] p = params();
    p[3] = 3e38f;
    GlobalModel m = GlobalModel.of(0, SHAPE, p);
    float[] delta = new float[10];
    delta[3] = 3e38f;

    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> m.plusScaled(delta, 1f));

    assertEquals(
        "server step produced a non-finite parameter at index 3; round not published",
        e.getMessage());
  }

  @Test
  void plusScaled_nanDelta_throwsIllegalState() {
    float[] delta = new float[10];
    delta[9] = Float.NaN;

    assertThrows(IllegalStateException.class, () -> model().plusScaled(delta, 1f));
  }

  @Test
  void plusScaled_wrongLength_throwsIllegalArgument() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> model().plusScaled(new float[3], 1f));

    assertEquals("delta length must equal numParameters 10. Provided value: 3", e.getMessage());
  }

  @Test
  void withVersion_newVersion_keepsParameters() {
    GlobalModel m = model().withVersion(17);

    assertEquals(17, m.version());
    assertArrayEquals(params(), m.parameters());
  }

  /**
   * Golden vector, computed outside Java with {@code hashlib.sha256(struct.pack('<6f', 1.0, -2.5,
   * 0.0, -0.0, 3.1415927410125732, 1e-45))}: includes a negative zero and the smallest subnormal,
   * whose raw bits must be hashed as they are.
   */
  @Test
  void sha256_goldenVector_matchesIndependentImplementation() {
    float[] p = {1.0f, -2.5f, 0.0f, -0.0f, (float) Math.PI, Float.MIN_VALUE};
    GlobalModel m = GlobalModel.of(0, new ModelShape(1, 4), p);

    assertEquals(
        "fe158c586e929dadd09ec4402f8c04cf22e75d965cc3f872e76259ded487bfc6",
        HexFormat.of().formatHex(m.sha256()));
  }

  /** 8192 items x rank 1 + 8192 + 1 = 16385 floats: crosses the 64 KiB hashing buffer once. */
  @Test
  void sha256_largerThanHashingBuffer_equalsDigestOfLittleEndianFloats() throws Exception {
    GlobalModel m = GlobalModel.initial(new ModelShape(8192, 1), 3.5f, 0.3, 5);
    float[] p = m.parameters();
    ByteBuffer buf = ByteBuffer.allocate(p.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : p) {
      buf.putFloat(v);
    }

    byte[] expected = MessageDigest.getInstance("SHA-256").digest(buf.array());

    assertArrayEquals(expected, m.sha256());
  }

  @Test
  void sha256_emptyVector_isDigestOfEmptyInput() {
    assertEquals(
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        HexFormat.of().formatHex(GlobalModel.sha256(new float[0])));
  }

  @Test
  void sha256_callerMutatesResult_laterCallsUnaffected() {
    GlobalModel m = model();
    byte[] first = m.sha256();
    byte[] copy = first.clone();

    first[0] ^= 1;

    assertArrayEquals(copy, m.sha256());
  }

  @Test
  void equals_sameVersionShapeAndParameters_equalWithEqualHashCode() {
    GlobalModel a = model();
    GlobalModel b = GlobalModel.of(4, SHAPE, params());

    assertEquals(a, b);
    assertEquals(a.hashCode(), b.hashCode());
  }

  @Test
  void equals_differentVersion_notEqual() {
    assertNotEquals(model(), model().withVersion(5));
  }

  @Test
  void equals_oneParameterDiffers_notEqual() {
    float[] p = params();
    p[9] = Math.nextUp(p[9]);

    assertNotEquals(model(), GlobalModel.of(4, SHAPE, p));
  }

  /** 1 item x rank 8 also has 10 parameters: same numbers, different model. */
  @Test
  void equals_sameParametersDifferentShape_notEqual() {
    GlobalModel other = GlobalModel.of(4, new ModelShape(1, 8), params());

    assertFalse(model().equals(other));
  }

  @Test
  void toString_showsVersionAndShapeButNoParameters() {
    assertEquals("GlobalModel{version=4, ModelShape[numItems=3, rank=2]}", model().toString());
  }
}
