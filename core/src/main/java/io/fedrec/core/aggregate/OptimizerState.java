package io.fedrec.core.aggregate;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.zip.CRC32C;

/**
 * A snapshot of a {@link StatefulServerOptimizer}'s state, for checkpoints: the optimizer's
 * {@link ServerOptimizer#name() name}, the number of server steps it has taken, and its named
 * float vectors (e.g. the moments {@code m} and {@code v}, each of the model's dimension).
 *
 * <p>Immutable: the constructor copies every vector, and {@link #vectors()} and {@link #vector}
 * return copies. Vectors are kept in name order, so equal states encode to equal bytes.
 *
 * <h2>Binary encoding</h2>
 *
 * {@link #encode()} writes, all integers little-endian:
 *
 * <pre>
 * magic      4 bytes  "FROS" (0x46 0x52 0x4F 0x53)
 * format     u8       1
 * nameLen    u8       1..64, then nameLen bytes of ASCII name
 * step       i64      >= 0
 * count      u8       number of vectors, 0..16
 * count times:
 *   nameLen  u8       1..64, then nameLen bytes of ASCII vector name (ascending order)
 *   length   i32      >= 0
 *   values   length x IEEE-754 float32
 * crc        u32      CRC-32C (Castagnoli) of every preceding byte
 * </pre>
 *
 * {@link #decode} checks the magic, the format, the checksum and every length before it
 * allocates, and rejects anything malformed with an {@link IllegalArgumentException} saying what
 * is wrong, so a truncated or corrupted checkpoint is never restored.
 */
public record OptimizerState(String name, long step, Map<String, float[]> vectors) {

  /** Format version written by {@link #encode()}. */
  public static final int FORMAT_VERSION = 1;

  /** Most vectors one state may hold. */
  public static final int MAX_VECTORS = 16;

  /** Longest optimizer or vector name, in characters. */
  public static final int MAX_NAME_LENGTH = 64;

  private static final byte[] MAGIC = {'F', 'R', 'O', 'S'};
  private static final int CRC_BYTES = 4;
  // magic + format + nameLen + (name >= 1) + step + count + crc
  private static final int MIN_ENCODED_BYTES = 4 + 1 + 1 + 1 + 8 + 1 + CRC_BYTES;

  /**
   * Validates and copies. Names are 1 to 64 characters from {@code [A-Za-z0-9_]}, the step is
   * {@code >= 0}, vectors are non-null, at most {@value #MAX_VECTORS} and hold only finite values.
   */
  public OptimizerState {
    checkName("name", name);
    if (step < 0) {
      throw new IllegalArgumentException("step must be >= 0. Provided value: " + step);
    }
    if (vectors == null) {
      throw new IllegalArgumentException("vectors must not be null");
    }
    if (vectors.size() > MAX_VECTORS) {
      throw new IllegalArgumentException(
          "vectors must hold at most " + MAX_VECTORS + " entries. Provided value: "
              + vectors.size());
    }
    TreeMap<String, float[]> copy = new TreeMap<>();
    for (Map.Entry<String, float[]> e : vectors.entrySet()) {
      String vectorName = e.getKey();
      checkName("vector name", vectorName);
      float[] values = e.getValue();
      if (values == null) {
        throw new IllegalArgumentException("vector '" + vectorName + "' must not be null");
      }
      checkFinite(vectorName, values);
      copy.put(vectorName, values.clone());
    }
    vectors = Collections.unmodifiableMap(copy);
  }

  /** A deep copy of the vectors, in name order. */
  @Override
  public Map<String, float[]> vectors() {
    Map<String, float[]> copy = new LinkedHashMap<>();
    for (Map.Entry<String, float[]> e : vectors.entrySet()) {
      copy.put(e.getKey(), e.getValue().clone());
    }
    return copy;
  }

  /** Names of the vectors, in ascending order. */
  public Set<String> vectorNames() {
    return vectors.keySet();
  }

  /**
   * A copy of the vector called {@code vectorName}.
   *
   * @throws IllegalArgumentException if there is none
   */
  public float[] vector(String vectorName) {
    float[] v = vectors.get(vectorName);
    if (v == null) {
      throw new IllegalArgumentException(
          "no vector named '" + vectorName + "'; this state holds " + vectors.keySet());
    }
    return v.clone();
  }

  /**
   * The binary encoding described in the class comment.
   *
   * @throws IllegalStateException if the encoding would not fit in a Java array (more than about
   *     2^31 bytes; a model of ~268 million parameters with two moment vectors)
   */
  public byte[] encode() {
    byte[] nameBytes = name.getBytes(StandardCharsets.US_ASCII);
    long size = 4 + 1 + 1 + nameBytes.length + 8 + 1 + CRC_BYTES;
    for (Map.Entry<String, float[]> e : vectors.entrySet()) {
      size += 1 + e.getKey().length() + 4 + 4L * e.getValue().length;
    }
    if (size > Integer.MAX_VALUE - 8) {
      throw new IllegalStateException(
          "optimizer state of " + size + " bytes is too large to encode into one array");
    }
    ByteBuffer buf = ByteBuffer.allocate((int) size).order(ByteOrder.LITTLE_ENDIAN);
    buf.put(MAGIC);
    buf.put((byte) FORMAT_VERSION);
    buf.put((byte) nameBytes.length);
    buf.put(nameBytes);
    buf.putLong(step);
    buf.put((byte) vectors.size());
    for (Map.Entry<String, float[]> e : vectors.entrySet()) {
      byte[] vectorName = e.getKey().getBytes(StandardCharsets.US_ASCII);
      float[] values = e.getValue();
      buf.put((byte) vectorName.length);
      buf.put(vectorName);
      buf.putInt(values.length);
      buf.asFloatBuffer().put(values);
      buf.position(buf.position() + 4 * values.length);
    }
    CRC32C crc = new CRC32C();
    crc.update(buf.array(), 0, buf.position());
    buf.putInt((int) crc.getValue());
    return buf.array();
  }

  /**
   * Parses bytes written by {@link #encode()}.
   *
   * @throws IllegalArgumentException if the bytes are truncated, corrupted (checksum mismatch),
   *     of another format or malformed, with a message saying which
   */
  public static OptimizerState decode(byte[] bytes) {
    if (bytes == null) {
      throw new IllegalArgumentException("optimizer state bytes must not be null");
    }
    if (bytes.length < MIN_ENCODED_BYTES) {
      throw new IllegalArgumentException(
          "optimizer state must be at least " + MIN_ENCODED_BYTES + " bytes. Provided value: "
              + bytes.length);
    }
    for (int i = 0; i < MAGIC.length; i++) {
      if (bytes[i] != MAGIC[i]) {
        throw new IllegalArgumentException(
            "optimizer state must start with magic \"FROS\". Provided value: 0x"
                + String.format("%02x%02x%02x%02x", bytes[0], bytes[1], bytes[2], bytes[3]));
      }
    }
    if (bytes[4] != FORMAT_VERSION) {
      throw new IllegalArgumentException(
          "optimizer state format must be " + FORMAT_VERSION + ". Provided value: "
              + Byte.toUnsignedInt(bytes[4]));
    }
    int bodyLength = bytes.length - CRC_BYTES;
    ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, bodyLength);
    int expected = buf.getInt(bodyLength);
    if (expected != (int) crc.getValue()) {
      throw new IllegalArgumentException(
          "optimizer state checksum mismatch (stored crc32c 0x"
              + Integer.toHexString(expected) + ", computed 0x"
              + Integer.toHexString((int) crc.getValue())
              + "): the bytes are truncated or corrupted");
    }
    buf.limit(bodyLength);
    buf.position(5);
    String name = readName(buf, "name");
    need(buf, 9, "step and vector count");
    long step = buf.getLong();
    int count = Byte.toUnsignedInt(buf.get());
    if (count > MAX_VECTORS) {
      throw new IllegalArgumentException(
          "optimizer state vector count must be <= " + MAX_VECTORS + ". Provided value: " + count);
    }
    Map<String, float[]> vectors = new LinkedHashMap<>();
    String previous = null;
    for (int k = 0; k < count; k++) {
      String vectorName = readName(buf, "vector name");
      if (previous != null && vectorName.compareTo(previous) <= 0) {
        throw new IllegalArgumentException(
            "optimizer state vector names must be unique and ascending. Provided value: '"
                + vectorName + "' after '" + previous + "'");
      }
      previous = vectorName;
      need(buf, 4, "length of vector '" + vectorName + "'");
      int length = buf.getInt();
      if (length < 0 || (long) length * 4 > buf.remaining()) {
        throw new IllegalArgumentException(
            "optimizer state vector '" + vectorName + "' declares " + length + " floats but "
                + buf.remaining() + " bytes remain");
      }
      float[] values = new float[length];
      buf.asFloatBuffer().get(values);
      buf.position(buf.position() + 4 * length);
      vectors.put(vectorName, values);
    }
    if (buf.hasRemaining()) {
      throw new IllegalArgumentException(
          "optimizer state has " + buf.remaining() + " unexpected bytes after its last vector");
    }
    return new OptimizerState(name, step, vectors);
  }

  private static String readName(ByteBuffer buf, String what) {
    need(buf, 1, what + " length");
    int length = Byte.toUnsignedInt(buf.get());
    need(buf, length, what);
    byte[] b = new byte[length];
    buf.get(b);
    // checkName rejects anything outside [A-Za-z0-9_], so non-ASCII bytes never get through.
    return checkName("optimizer state " + what, new String(b, StandardCharsets.ISO_8859_1));
  }

  private static void need(ByteBuffer buf, int bytes, String what) {
    if (buf.remaining() < bytes) {
      throw new IllegalArgumentException(
          "optimizer state is truncated: " + what + " needs " + bytes + " bytes but "
              + buf.remaining() + " remain");
    }
  }

  private static String checkName(String what, String value) {
    boolean ok = value != null && !value.isEmpty() && value.length() <= MAX_NAME_LENGTH;
    for (int i = 0; ok && i < value.length(); i++) {
      char c = value.charAt(i);
      ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    }
    if (!ok) {
      String shown = value == null ? "null" : '"' + value.replaceAll("[^\\x20-\\x7e]", "?") + '"';
      throw new IllegalArgumentException(
          what + " must be 1 to " + MAX_NAME_LENGTH
              + " characters from [A-Za-z0-9_]. Provided value: " + shown);
    }
    return value;
  }

  private static void checkFinite(String vectorName, float[] values) {
    for (int i = 0; i < values.length; i++) {
      if (!Float.isFinite(values[i])) {
        throw new IllegalArgumentException(
            "vector '" + vectorName + "' must hold finite values. Provided value at index " + i
                + ": " + values[i]);
      }
    }
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof OptimizerState s)
        || s.step != step
        || !s.name.equals(name)
        || !s.vectors.keySet().equals(vectors.keySet())) {
      return false;
    }
    for (Map.Entry<String, float[]> e : vectors.entrySet()) {
      if (!Arrays.equals(e.getValue(), s.vectors.get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    int h = name.hashCode() * 31 + Long.hashCode(step);
    for (Map.Entry<String, float[]> e : vectors.entrySet()) {
      h = h * 31 + e.getKey().hashCode() * 17 + Arrays.hashCode(e.getValue());
    }
    return h;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("OptimizerState{name=").append(name).append(", step=")
        .append(step);
    for (Map.Entry<String, float[]> e : vectors.entrySet()) {
      sb.append(", ").append(e.getKey()).append("[").append(e.getValue().length).append("]");
    }
    return sb.append('}').toString();
  }
}
