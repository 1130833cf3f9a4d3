package io.fedrec.core.secagg;

/** Big-endian integer encoding used by every SecAgg+ byte format (see docs/secagg.md). */
final class Bytes {
  private Bytes() {}

  static void putInt(byte[] b, int off, int v) {
    b[off] = (byte) (v >>> 24);
    b[off + 1] = (byte) (v >>> 16);
    b[off + 2] = (byte) (v >>> 8);
    b[off + 3] = (byte) v;
  }

  static void putLong(byte[] b, int off, long v) {
    putInt(b, off, (int) (v >>> 32));
    putInt(b, off + 4, (int) v);
  }

  static int getInt(byte[] b, int off) {
    return ((b[off] & 0xFF) << 24)
        | ((b[off + 1] & 0xFF) << 16)
        | ((b[off + 2] & 0xFF) << 8)
        | (b[off + 3] & 0xFF);
  }

  static byte[] checkLength(String name, byte[] value, int length) {
    if (value == null || value.length != length) {
      throw new IllegalArgumentException(
          name
              + " must be "
              + length
              + " bytes. Provided length: "
              + (value == null ? "null" : value.length));
    }
    return value;
  }
}
