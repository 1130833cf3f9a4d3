package io.fedrec.coordinator.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedrec.coordinator.round.RoundRecord;
import io.fedrec.core.dp.RdpAccountant;
import io.fedrec.core.model.GlobalModel;
import io.fedrec.core.model.ModelShape;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/** The signed, hash-chained ledger: every kind of tampering is detected. */
class LedgerAuditTest {
  private static final ModelShape SHAPE = new ModelShape(4, 2);
  private static final double Q = 0.25;
  private static final double Z = 1.5;
  private static final double DELTA = 1e-5;

  @TempDir Path dir;

  private static GlobalModel model(long version) {
    float[] p = new float[SHAPE.numParameters()];
    for (int i = 0; i < p.length; i++) {
      p[i] = version + i * 0.25f;
    }
    return GlobalModel.of(version, SHAPE, p);
  }

  private static RoundRecord record(GlobalModel m) {
    Instant t = Instant.parse("2026-02-01T00:00:00Z").plusSeconds(m.version() * 60);
    double eps = RdpAccountant.create().compose(Q, Z, m.version()).epsilon(DELTA);
    return new RoundRecord(m.version(), 10, 9, 1, 9, 100, 120, t, t.plusSeconds(30),
        "central_gaussian", "fedavg", HexFormat.of().formatHex(m.sha256()),
        Map.of("epsilon_rdp", eps, "noise_multiplier", Z, "sampling_rate", Q, "delta", DELTA,
            "clip_norm", 0.5));
  }

  /** Publishes rounds 1..n and returns the ledger's lines. */
  private List<String> ledger(int n) throws IOException {
    try (StateStore s = StateStore.directory(dir)) {
      for (int r = 1; r <= n; r++) {
        s.publish(model(r), record(model(r)));
      }
    }
    return Files.readAllLines(dir.resolve("ledger.jsonl"));
  }

  private PublicKey key() throws IOException {
    return LedgerSigner.readPublicKey(dir.resolve(LedgerSigner.PUBLIC_FILE));
  }

  private LedgerAudit audit(List<String> lines) throws IOException {
    Path f = dir.resolve("audited.jsonl");
    Files.write(f, lines);
    return LedgerAudit.verify(f, key());
  }

  @Test
  void verify_untouchedLedger_okAndEpsilonRecomputed() throws IOException {
    List<String> lines = ledger(4);
    LedgerAudit a = audit(lines);
    assertTrue(a.ok(), a.problems().toString());
    assertEquals(4, a.records().size());
    assertEquals(RdpAccountant.create().compose(Q, Z, 4).epsilon(DELTA), a.epsilonRdp(), 1e-9);
    assertEquals(DELTA, a.delta());
  }

  @ParameterizedTest
  @ValueSource(strings = {"\"selected\":10", "\"submitted\":9", "\"total_weight\":9",
      "\"aggregation\":\"central_gaussian\"", "\"noise_multiplier\":1.5", "\"clip_norm\":0.5",
      "\"sampling_rate\":0.25", "\"opened_at\":\"2026-02-01T00:02:00Z\""})
  void verify_editedField_detectedAtThatLine(String field) throws IOException {
    List<String> lines = new ArrayList<>(ledger(3));
    String edited = lines.get(1).replace(field, field.replaceFirst("[0-9]", "7")
        .replace("central", "plain"));
    assertFalse(edited.equals(lines.get(1)), "the edit must change the line: " + field);
    lines.set(1, edited);
    LedgerAudit a = audit(lines);
    assertFalse(a.ok());
    assertTrue(a.problems().get(0).startsWith("line 2: hash chain broken"), a.problems().toString());
    assertEquals(1, a.records().size());
  }

  @Test
  void verify_removedLine_detected() throws IOException {
    List<String> lines = new ArrayList<>(ledger(3));
    lines.remove(1);
    assertTrue(audit(lines).problems().get(0).startsWith("line 2: hash chain broken"));
  }

  @Test
  void verify_reorderedLines_detected() throws IOException {
    List<String> lines = new ArrayList<>(ledger(3));
    Collections.swap(lines, 1, 2);
    assertTrue(audit(lines).problems().get(0).startsWith("line 2: hash chain broken"));
  }

  @Test
  void verify_rechainedWithoutKey_signatureFails() throws IOException {
    List<String> lines = new ArrayList<>(ledger(2));
    LedgerLine first = LedgerLine.decode(lines.get(0));
    String entry = first.entryJson().replace("\"submitted\":9", "\"submitted\":8");
    byte[] link = LedgerLine.link(LedgerLine.GENESIS, entry);
    // a forger can recompute the link but not sign it: reuse the old signature
    lines.set(0, new LedgerLine(first.record(), entry, link, first.signature()).encode());
    LedgerAudit a = audit(lines);
    assertEquals("line 1: signature does not verify with the given public key",
        a.problems().get(0));
  }

  @Test
  void verify_otherPublicKey_signatureFails() throws Exception {
    List<String> lines = ledger(1);
    Path f = dir.resolve("audited.jsonl");
    Files.write(f, lines);
    PublicKey other = KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPublic();
    assertFalse(LedgerAudit.verify(f, other).ok());
  }

  @Test
  void verify_signedButWrongEpsilon_detectedByRecomputation() throws IOException {
    LedgerSigner signer;
    List<String> lines = new ArrayList<>(ledger(2));
    signer = LedgerSigner.loadOrCreate(dir);
    // A coordinator that under-reports its spending signs a consistent chain with a wrong value.
    LedgerLine first = LedgerLine.decode(lines.get(0));
    RoundRecord r = first.record();
    Map<String, Double> m = new java.util.HashMap<>(r.measurements());
    m.put("epsilon_rdp", r.measurements().get("epsilon_rdp") / 2);
    RoundRecord lying = new RoundRecord(r.round(), r.selected(), r.submitted(), r.dropouts(),
        r.totalWeight(), r.bytesUp(), r.bytesDown(), r.openedAt(), r.closedAt(), r.aggregation(),
        r.optimizer(), r.modelSha256Hex(), m);
    LedgerLine l1 = LedgerLine.create(lying, LedgerLine.GENESIS, signer);
    LedgerLine l2 = LedgerLine.create(LedgerLine.decode(lines.get(1)).record(), l1.link(), signer);
    LedgerAudit a = audit(List.of(l1.encode(), l2.encode()));
    assertEquals(1, a.problems().size(), a.problems().toString());
    assertTrue(a.problems().get(0).startsWith("line 1: round 1 records epsilon_rdp"),
        a.problems().get(0));
  }

  @Test
  void directory_tamperedLedger_refusesToOpen() throws IOException {
    List<String> lines = new ArrayList<>(ledger(3));
    lines.set(0, lines.get(0).replace("\"submitted\":9", "\"submitted\":8"));
    Files.write(dir.resolve("ledger.jsonl"), lines);
    UncheckedIOException e = assertThrows(UncheckedIOException.class,
        () -> StateStore.directory(dir));
    assertTrue(e.getMessage().contains("line 1 fails its hash chain or signature"), e.getMessage());
  }

  @Test
  void directory_reopened_keepsKeyAndContinuesChain() throws IOException {
    ledger(2);
    try (StateStore s = StateStore.directory(dir)) {
      s.publish(model(3), record(model(3)));
    }
    LedgerAudit a = LedgerAudit.verify(dir.resolve("ledger.jsonl"), key());
    assertTrue(a.ok(), a.problems().toString());
    assertEquals(3, a.records().size());
  }
}
