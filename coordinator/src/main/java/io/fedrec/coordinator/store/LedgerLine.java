package io.fedrec.coordinator.store;

import io.fedrec.coordinator.round.RoundRecord;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One line of {@code ledger.jsonl}: a round record, chained to the line before and signed.
 *
 * <pre>
 * {"entry":{...round record...},"link":"&lt;64 hex&gt;","signature":"&lt;base64&gt;"}
 * link_n      = SHA-256(link_{n-1} || UTF-8 bytes of the entry JSON exactly as written)
 * link_0      = 32 zero bytes (before the first line)
 * signature_n = Ed25519(coordinator key, link_n)
 * </pre>
 *
 * Editing, removing, inserting or reordering any line breaks every later link, and a forged
 * link needs the coordinator's private key to sign. The entry JSON is the record's canonical
 * form ({@link RecordJson}).
 */
public record LedgerLine(RoundRecord record, String entryJson, byte[] link, byte[] signature) {
  /** The link before the first line. */
  public static final byte[] GENESIS = new byte[32];

  private static final Pattern LINE = Pattern.compile(
      "\\{\"entry\":(\\{.*\\}),\"link\":\"([0-9a-f]{64})\",\"signature\":\"([A-Za-z0-9+/=]+)\"\\}");

  /** Builds and signs the line that follows {@code previousLink}. */
  static LedgerLine create(RoundRecord record, byte[] previousLink, LedgerSigner signer) {
    String entry = RecordJson.encode(record);
    byte[] link = link(previousLink, entry);
    return new LedgerLine(record, entry, link, signer.sign(link));
  }

  /** {@code SHA-256(previousLink || entryJson)}. */
  public static byte[] link(byte[] previousLink, String entryJson) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update(previousLink);
      md.update(entryJson.getBytes(StandardCharsets.UTF_8));
      return md.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }

  public String encode() {
    return "{\"entry\":" + entryJson + ",\"link\":\"" + HexFormat.of().formatHex(link)
        + "\",\"signature\":\"" + Base64.getEncoder().encodeToString(signature) + "\"}";
  }

  /** @throws IllegalArgumentException if {@code line} is not a ledger line */
  public static LedgerLine decode(String line) {
    Matcher m = LINE.matcher(line);
    if (!m.matches()) {
      throw new IllegalArgumentException("not a ledger line (expected {\"entry\":...,\"link\":...,"
          + "\"signature\":...})");
    }
    String entry = m.group(1);
    return new LedgerLine(RecordJson.decode(entry), entry, HexFormat.of().parseHex(m.group(2)),
        Base64.getDecoder().decode(m.group(3)));
  }
}
