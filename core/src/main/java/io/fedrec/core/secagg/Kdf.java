package io.fedrec.core.secagg;

import java.nio.charset.StandardCharsets;

/**
 * A key-derivation function that turns one high-entropy secret into independent keys and seeds,
 * one per purpose, so that no secret is ever used for two things.
 *
 * <p>Every use in SecAgg+ passes an {@code info} built by {@link #info(String, long, int, int)}:
 * the ASCII label of the purpose, a zero byte, the round number and two client indices. Two
 * derivations with different labels, rounds or indices are independent even from the same input
 * keying material, which is what RFC 5869 section 3.2 asks of {@code info}.
 *
 * <p>Thread safety: implementations are stateless and thread-safe.
 *
 * <p>Reference: H. Krawczyk, P. Eronen, "HMAC-based Extract-and-Expand Key Derivation Function
 * (HKDF)", RFC 5869, 2010. Byte-level details in {@code docs/secagg.md}.
 */
public interface Kdf {

  /** Label of the seed of the pairwise mask between two clients (Bonawitz et al. s_{u,v}). */
  String PAIRWISE_MASK = "fedrec/secagg/v1/pairwise-mask";

  /** Label of the AES-256-GCM key that encrypts one client's share bundle for another. */
  String SHARE_ENCRYPTION = "fedrec/secagg/v1/share-encryption";

  /** Label of the seed of a client's self mask, derived from its secret b_u. */
  String SELF_MASK = "fedrec/secagg/v1/self-mask";

  /** Label of the seed that permutes the clients of the SecAgg+ neighbour graph. */
  String NEIGHBOUR_GRAPH = "fedrec/secagg/v1/neighbour-graph";

  /** Label of the deterministic byte stream of {@code forTesting} factories (never production). */
  String TEST_RANDOM = "fedrec/secagg/v1/test-random";

  /**
   * Derives {@code length} bytes.
   *
   * @param ikm input keying material (for example an X25519 shared secret); not modified
   * @param salt optional salt; {@code null} or empty means "no salt" (HKDF then uses HashLen zero
   *     bytes)
   * @param info context and purpose, see {@link #info(String, long, int, int)}
   * @param length output length in bytes, in {@code [1, 255 * 32]} for HKDF-SHA256
   * @throws IllegalArgumentException if {@code ikm} or {@code info} is null or {@code length} is
   *     out of range
   */
  byte[] derive(byte[] ikm, byte[] salt, byte[] info, int length);

  /** Returns HKDF with HMAC-SHA256 (RFC 5869). */
  static Kdf hkdfSha256() {
    return HkdfSha256.INSTANCE;
  }

  /**
   * Builds the {@code info} of a SecAgg+ derivation: {@code ASCII(label) || 0x00 ||
   * uint64_be(round) || uint32_be(a) || uint32_be(b)}. The zero byte ends the label, so no label
   * is a prefix of another label's encoding.
   *
   * @param label one of the labels of this interface (printable ASCII, no zero byte)
   * @param round the round number, any value
   * @param a first client index, {@code >= 0}
   * @param b second client index, {@code >= 0}
   */
  static byte[] info(String label, long round, int a, int b) {
    if (label == null || label.isEmpty() || label.indexOf('\0') >= 0) {
      throw new IllegalArgumentException(
          "label must be non-empty without NUL characters. Provided value: " + label);
    }
    if (a < 0 || b < 0) {
      throw new IllegalArgumentException(
          "client indices must be >= 0. Provided values: " + a + ", " + b);
    }
    byte[] l = label.getBytes(StandardCharsets.US_ASCII);
    byte[] out = new byte[l.length + 1 + 8 + 4 + 4];
    System.arraycopy(l, 0, out, 0, l.length);
    int p = l.length + 1;
    Bytes.putLong(out, p, round);
    Bytes.putInt(out, p + 8, a);
    Bytes.putInt(out, p + 12, b);
    return out;
  }
}
