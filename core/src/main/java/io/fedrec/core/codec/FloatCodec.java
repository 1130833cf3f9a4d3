package io.fedrec.core.codec;

import com.google.protobuf.ByteString;
import io.fedrec.proto.v1.FloatPayload;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Packs float vectors as little-endian IEEE-754 float32 bytes (the wire format of
 * {@code FloatPayload}) and back, without boxing.
 */
public final class FloatCodec {
  private FloatCodec() {}

  /** Encodes {@code values[from, from + length)}. */
  public static FloatPayload encode(float[] values, int from, int length) {
    ByteBuffer buf = ByteBuffer.allocate(length * 4).order(ByteOrder.LITTLE_ENDIAN);
    buf.asFloatBuffer().put(values, from, length);
    return FloatPayload.newBuilder().setLeFloat32(ByteString.copyFrom(buf.array())).build();
  }

  /** Number of floats in a payload; rejects byte lengths that are not a multiple of 4. */
  public static int count(FloatPayload payload) {
    int n = payload.getLeFloat32().size();
    if (n % 4 != 0) {
      throw new IllegalArgumentException(
          "payload length must be a multiple of 4 bytes. Provided value: " + n);
    }
    return n / 4;
  }

  /**
   * Decodes a payload into {@code dst[offset..]} and returns the number of floats written.
   *
   * @throws IllegalArgumentException if the payload does not fit or holds NaN or infinity
   */
  public static int decodeInto(FloatPayload payload, float[] dst, int offset) {
    int n = count(payload);
    if (offset < 0 || (long) offset + n > dst.length) {
      throw new IllegalArgumentException(
          "payload of " + n + " values at offset " + offset + " exceeds vector length " + dst.length);
    }
    ByteBuffer buf = payload.getLeFloat32().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    buf.asFloatBuffer().get(dst, offset, n);
    for (int i = offset; i < offset + n; i++) {
      if (!Float.isFinite(dst[i])) {
        throw new IllegalArgumentException(
            "values must be finite. Provided value at index " + i + ": " + dst[i]);
      }
    }
    return n;
  }
}
