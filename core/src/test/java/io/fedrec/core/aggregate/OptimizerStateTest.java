package io.fedrec.core.aggregate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

class OptimizerStateTest {

  private static OptimizerState sample() {
    return new OptimizerState(
        "fedyogi",
        42,
        Map.of(
            "m", new float[] {1f, -0f, Float.MIN_VALUE, -3.25e38f},
            "v", new float[] {0f, 1e-30f, 2.25f, Float.MAX_VALUE}));
  }

  /** Recomputes the trailing CRC-32C so that a test can reach the checks behind it. */
  private static byte[] withValidCrc(byte[] bytes) {
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, bytes.length - 4);
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN)
        .putInt(bytes.length - 4, (int) crc.getValue());
    return bytes;
  }

  @Test
  void decode_encodedState_roundTripsBitForBit() {
    OptimizerState s = sample();
    byte[] bytes = s.encode();

    OptimizerState decoded = OptimizerState.decode(bytes);

    assertEquals(s, decoded);
    assertArrayEquals(bytes, decoded.encode());
    assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(decoded.vector("m")[1]));
  }

  @Test
  void decode_stateWithoutVectors_roundTrips() {
    OptimizerState s = new OptimizerState("fedadam", 0, Map.of());
    assertEquals(s, OptimizerState.decode(s.encode()));
  }

  /** Golden vector: a second implementation of the format must produce exactly these bytes. */
  @Test
  void encode_knownState_matchesGoldenBytes() {
    OptimizerState s = new OptimizerState("fedavgm", 3, Map.of("m", new float[] {1f, -2f}));
    assertEquals(
        "46524f53" // magic "FROS"
            + "01" // format
            + "07" + "6665646176676d" // "fedavgm"
            + "0300000000000000" // step 3
            + "01" // one vector
            + "01" + "6d" // "m"
            + "02000000" // two floats
            + "0000803f" + "000000c0" // 1.0f, -2.0f
            + "34eebab3", // CRC-32C
        HexFormat.of().formatHex(s.encode()));
  }

  @Test
  void decode_anySingleBitFlipped_throwsIllegalArgument() {
    byte[] good = sample().encode();
    for (int i = 0; i < good.length; i++) {
      for (int bit = 0; bit < 8; bit++) {
        byte[] bad = good.clone();
        bad[i] ^= (byte) (1 << bit);
        assertThrows(
            IllegalArgumentException.class,
            () -> OptimizerState.decode(bad),
            "flipped bit " + bit + " of byte " + i);
      }
    }
  }

  @Test
  void decode_flippedValueByte_reportsChecksumMismatch() {
    byte[] bytes = sample().encode();
    bytes[bytes.length - 10] ^= 0x01;
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> OptimizerState.decode(bytes));
    assertTrue(e.getMessage().startsWith("optimizer state checksum mismatch"), e.getMessage());
  }

  @Test
  void decode_everyTruncation_throwsIllegalArgument() {
    byte[] good = sample().encode();
    for (int length = 0; length < good.length; length++) {
      byte[] cut = Arrays.copyOf(good, length);
      assertThrows(
          IllegalArgumentException.class, () -> OptimizerState.decode(cut), "length " + length);
    }
  }

  @Test
  void decode_tooShort_namesMinimumLength() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> OptimizerState.decode(new byte[3]));
    assertEquals("optimizer state must be at least 20 bytes. Provided value: 3", e.getMessage());
  }

  @Test
  void decode_otherMagic_throwsShowingIt() {
    byte[] bytes = sample().encode();
    bytes[0] = 'P';
    bytes[1] = 'K';
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> OptimizerState.decode(bytes));
    assertEquals(
        "optimizer state must start with magic \"FROS\". Provided value: 0x504b4f53",
        e.getMessage());
  }

  @Test
  void decode_newerFormat_throwsNamingVersion() {
    byte[] bytes = withValidCrc(sample().encode());
    bytes[4] = 2;
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> OptimizerState.decode(bytes));
    assertEquals("optimizer state format must be 1. Provided value: 2", e.getMessage());
  }

  @Test
  void decode_vectorLengthBeyondData_throwsBeforeAllocating() {
    OptimizerState s = new OptimizerState("fedavgm", 3, Map.of("m", new float[] {1f, -2f}));
    byte[] bytes = s.encode();
    // The vector length field follows magic(4) format(1) len(1) name(7) step(8) count(1)
    // len(1) "m"(1) = offset 24.
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(24, Integer.MAX_VALUE);
    withValidCrc(bytes);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> OptimizerState.decode(bytes));
    assertEquals(
        "optimizer state vector 'm' declares 2147483647 floats but 8 bytes remain", e.getMessage());
  }

  @Test
  void decode_trailingBytesWithValidChecksum_throws() {
    byte[] good = new OptimizerState("fedavgm", 3, Map.of()).encode();
    byte[] longer = Arrays.copyOf(good, good.length + 2);
    withValidCrc(longer);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> OptimizerState.decode(longer));
    assertEquals(
        "optimizer state has 2 unexpected bytes after its last vector", e.getMessage());
  }

  @Test
  void decode_nonFiniteValueWithValidChecksum_throws() {
    OptimizerState s = new OptimizerState("fedavgm", 3, Map.of("m", new float[] {1f, -2f}));
    byte[] bytes = s.encode();
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putFloat(32, Float.NaN);
    withValidCrc(bytes);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> OptimizerState.decode(bytes));
    assertEquals(
        "vector 'm' must hold finite values. Provided value at index 1: NaN", e.getMessage());
  }

  @Test
  void decode_vectorNamesOutOfOrder_throws() {
    byte[] bytes = sample().encode();
    // Rename "m" to "w", which sorts after the following "v".
    int at = 4 + 1 + 1 + "fedyogi".length() + 8 + 1 + 1;
    assertEquals('m', bytes[at]);
    bytes[at] = 'w';
    withValidCrc(bytes);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> OptimizerState.decode(bytes));
    assertEquals(
        "optimizer state vector names must be unique and ascending. Provided value: 'v' after 'w'",
        e.getMessage());
  }

  @Test
  void constructor_negativeStep_throws() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> new OptimizerState("fedadam", -1, Map.of()));
    assertEquals("step must be >= 0. Provided value: -1", e.getMessage());
  }

  @Test
  void constructor_badNames_throwNamingRule() {
    for (String bad : List.of("", "fed adam", "fédadam", "x".repeat(65))) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> new OptimizerState(bad, 0, Map.of()));
      assertTrue(
          e.getMessage().startsWith("name must be 1 to 64 characters from [A-Za-z0-9_]"),
          e.getMessage());
    }
  }

  @Test
  void constructor_infiniteValue_throwsNamingVectorAndIndex() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new OptimizerState(
                    "fedadam", 1, Map.of("v", new float[] {0f, Float.POSITIVE_INFINITY})));
    assertEquals(
        "vector 'v' must hold finite values. Provided value at index 1: Infinity", e.getMessage());
  }

  @Test
  void accessors_mutatingInputsAndOutputs_leaveStateUnchanged() {
    float[] m = {1f, 2f};
    OptimizerState s = new OptimizerState("fedavgm", 1, Map.of("m", m));
    m[0] = 99f;
    s.vector("m")[1] = 99f;
    s.vectors().get("m")[0] = 99f;
    assertArrayEquals(new float[] {1f, 2f}, s.vector("m"));
  }

  @Test
  void vector_unknownName_throwsListingNames() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> sample().vector("x"));
    assertEquals("no vector named 'x'; this state holds [m, v]", e.getMessage());
  }
}
