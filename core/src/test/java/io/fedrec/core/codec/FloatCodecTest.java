package io.fedrec.core.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.ByteString;
import io.fedrec.proto.v1.FloatPayload;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class FloatCodecTest {

  private static FloatPayload payload(String hex) {
    return FloatPayload.newBuilder()
        .setLeFloat32(ByteString.copyFrom(HexFormat.of().parseHex(hex)))
        .build();
  }

  private static String hex(FloatPayload p) {
    return HexFormat.of().formatHex(p.getLeFloat32().toByteArray());
  }

  /** Golden vector: IEEE-754 float32, least significant byte first. */
  @Test
  void encode_one_isLittleEndianIeee754() {
    assertEquals("0000803f", hex(FloatCodec.encode(new float[] {1.0f}, 0, 1)));
  }

  @Test
  void encode_specialValues_matchGoldenBytes() {
    float[] v = {-2.5f, -0.0f, Float.MIN_VALUE, Float.MAX_VALUE};

    assertEquals(
        "000020c0" + "00000080" + "01000000" + "ffff7f7f", hex(FloatCodec.encode(v, 0, v.length)));
  }

  @Test
  void encode_subrange_encodesOnlyThatRange() {
    float[] v = {7f, 1.0f, -2.5f, 7f};

    assertEquals("0000803f000020c0", hex(FloatCodec.encode(v, 1, 2)));
  }

  @Test
  void decodeInto_goldenBytes_yieldsValues() {
    float[] dst = new float[2];

    FloatCodec.decodeInto(payload("0000803f000020c0"), dst, 0);

    assertArrayEquals(new float[] {1.0f, -2.5f}, dst);
  }

  @Test
  void decodeInto_encodedVector_roundTripsEveryBitIncludingNegativeZeroAndSubnormals() {
    float[] v = {
      0.0f,
      -0.0f,
      Float.MIN_VALUE,
      -Float.MIN_VALUE,
      Float.MIN_NORMAL / 3,
      Math.nextDown(Float.MIN_NORMAL),
      Float.MAX_VALUE,
      -Float.MAX_VALUE,
      (float) Math.PI,
      0.1f
    };
    float[] dst = new float[v.length];

    int n = FloatCodec.decodeInto(FloatCodec.encode(v, 0, v.length), dst, 0);

    assertEquals(v.length, n);
    for (int i = 0; i < v.length; i++) {
      assertEquals(Float.floatToRawIntBits(v[i]), Float.floatToRawIntBits(dst[i]), "value " + i);
    }
  }

  @Test
  void decodeInto_offset_writesOnlyThatSlice() {
    float[] dst = {9f, 9f, 9f, 9f};

    int n = FloatCodec.decodeInto(FloatCodec.encode(new float[] {1f, 2f}, 0, 2), dst, 1);

    assertEquals(2, n);
    assertArrayEquals(new float[] {9f, 1f, 2f, 9f}, dst);
  }

  @Test
  void count_eightBytes_isTwo() {
    assertEquals(2, FloatCodec.count(payload("0000803f000020c0")));
  }

  @Test
  void count_emptyPayload_isZero() {
    assertEquals(0, FloatCodec.count(FloatPayload.getDefaultInstance()));
  }

  @Test
  void count_lengthNotMultipleOfFour_throwsEchoingLength() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> FloatCodec.count(payload("0000803f00")));

    assertEquals("payload length must be a multiple of 4 bytes. Provided value: 5", e.getMessage());
  }

  @Test
  void decodeInto_lengthNotMultipleOfFour_throws() {
    assertThrows(
        IllegalArgumentException.class,
        () -> FloatCodec.decodeInto(payload("0000803f0000"), new float[4], 0));
  }

  /** The index is the destination index, i.e. the parameter index when decoding a chunk. */
  @Test
  void decodeInto_nan_throwsNamingDestinationIndex() {
    FloatPayload p = FloatCodec.encode(new float[] {1f, Float.NaN}, 0, 2);

    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> FloatCodec.decodeInto(p, new float[8], 5));

    assertEquals("values must be finite. Provided value at index 6: NaN", e.getMessage());
  }

  @Test
  void decodeInto_positiveInfinity_throwsNamingIndex() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> FloatCodec.decodeInto(payload("0000807f"), new float[1], 0));

    assertEquals("values must be finite. Provided value at index 0: Infinity", e.getMessage());
  }

  @Test
  void decodeInto_negativeInfinity_throws() {
    assertThrows(
        IllegalArgumentException.class,
        () -> FloatCodec.decodeInto(payload("000080ff"), new float[1], 0));
  }

  @Test
  void decodeInto_payloadPastEnd_throwsNamingSizes() {
    FloatPayload p = FloatCodec.encode(new float[] {1f, 2f}, 0, 2);

    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> FloatCodec.decodeInto(p, new float[4], 3));

    assertEquals("payload of 2 values at offset 3 exceeds vector length 4", e.getMessage());
  }

  /** offset + n would wrap around in int arithmetic; the check is done in long. */
  @Test
  void decodeInto_offsetNearIntMax_throwsInsteadOfOverflowing() {
    FloatPayload p = FloatCodec.encode(new float[] {1f, 2f}, 0, 2);

    assertThrows(
        IllegalArgumentException.class,
        () -> FloatCodec.decodeInto(p, new float[4], Integer.MAX_VALUE));
  }

  @Test
  void decodeInto_negativeOffset_throws() {
    FloatPayload p = FloatCodec.encode(new float[] {1f}, 0, 1);

    assertThrows(IllegalArgumentException.class, () -> FloatCodec.decodeInto(p, new float[4], -1));
  }
}
