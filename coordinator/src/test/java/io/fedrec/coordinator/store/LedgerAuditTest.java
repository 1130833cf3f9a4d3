package io.fedrec.coordinator.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedrec.coordinator.round.PrivacySettings;
import io.fedrec.coordinator.round.RoundRecord;
import io.fedrec.core.dp.PldAccountant;
import io.fedrec.core.dp.RdpAccountant;
import io.fedrec.core.dp.SkellamAccountant;
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
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
  private static final double BUDGET = 10;

  @TempDir Path dir;

  private static GlobalModel model(long version) {
    float[] p = new float[SHAPE.numParameters()];
    for (int i = 0; i < p.length; i++) {
      p[i] = version + i * 0.25f;
    }
    return GlobalModel.of(version, SHAPE, p);
  }

  private static double pld(long rounds) {
    return PldAccountant.create(PrivacySettings.PLD_INTERVAL).compose(Q, Z, rounds)
        .epsilon(DELTA);
  }

  /** The record a central-DP coordinator writes for round {@code m.version()}. */
  private static RoundRecord record(GlobalModel m) {
    Map<String, Double> meas = new HashMap<>();
    meas.put("epsilon_rdp", RdpAccountant.create().compose(Q, Z, m.version()).epsilon(DELTA));
    meas.put("epsilon_pld", pld(m.version()));
    meas.put("pld_interval", PrivacySettings.PLD_INTERVAL);
    meas.put("epsilon_budget", BUDGET);
    meas.put("noise_multiplier", Z);
    meas.put("sampling_rate", Q);
    meas.put("delta", DELTA);
    meas.put("clip_norm", 0.5);
    return withMeasurements(m, meas);
  }

  private static RoundRecord withMeasurements(GlobalModel m, Map<String, Double> meas) {
    Instant t = Instant.parse("2026-02-01T00:00:00Z").plusSeconds(m.version() * 60);
    return new RoundRecord(m.version(), 10, 9, 1, 9, 100, 120, t, t.plusSeconds(30),
        "central_gaussian", "fedavg", HexFormat.of().formatHex(model(m.version() - 1).sha256()),
        HexFormat.of().formatHex(m.sha256()), "central", PrivacySettings.ACCOUNTANT_VERSION,
        meas);
  }

  private static RoundRecord with(RoundRecord r, String before, String mode, String accountant,
      Map<String, Double> meas) {
    return new RoundRecord(r.round(), r.selected(), r.submitted(), r.dropouts(),
        r.totalWeight(), r.bytesUp(), r.bytesDown(), r.openedAt(), r.closedAt(), r.aggregation(),
        r.optimizer(), before, r.modelSha256Hex(), mode, accountant, meas);
  }

  /**
   * Re-signs a consistent chain (as a lying coordinator with its own key could) in which round 1
   * is replaced by {@code first}, and audits it.
   */
  private LedgerAudit resignedWithFirst(List<String> lines, RoundRecord first) throws IOException {
    LedgerSigner signer = LedgerSigner.loadOrCreate(dir);
    List<String> out = new ArrayList<>();
    LedgerLine l = LedgerLine.create(first, LedgerLine.GENESIS, signer);
    out.add(l.encode());
    for (int i = 1; i < lines.size(); i++) {
      l = LedgerLine.create(LedgerLine.decode(lines.get(i)).record(), l.link(), signer);
      out.add(l.encode());
    }
    return audit(out);
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
    assertEquals(pld(4), a.epsilonPld(), 1e-12);
    assertTrue(a.epsilonPld() < a.epsilonRdp(), "PLD is the tighter bound");
    assertEquals(DELTA, a.delta());
  }

  @Test
  void verify_everyFieldEdited_detectedAtThatLine() throws IOException {
    List<String> lines = new ArrayList<>(ledger(3));
    String entry = LedgerLine.decode(lines.get(1)).entryJson();
    Matcher keys = Pattern.compile("\"([a-z0-9_]+)\":(\"?)([^,}\"]*)").matcher(entry);
    int edited = 0;
    while (keys.find()) {
      if (keys.group(1).equals("measurements")) {
        continue;
      }
      // change the value's first character (a digit to another digit, a letter to 'x')
      String value = keys.group(3);
      char c = value.charAt(0);
      char other = Character.isDigit(c) ? (char) ('0' + (c - '0' + 1) % 10) : (c == 'x' ? 'y' : 'x');
      String tampered = lines.get(1).replace(keys.group(0),
          "\"" + keys.group(1) + "\":" + keys.group(2) + other + value.substring(1));
      assertFalse(tampered.equals(lines.get(1)), keys.group(1));
      List<String> copy = new ArrayList<>(lines);
      copy.set(1, tampered);
      LedgerAudit a = audit(copy);
      assertFalse(a.ok(), keys.group(1));
      assertTrue(a.problems().get(0).startsWith("line 2: "), keys.group(1) + ": " + a.problems());
      assertEquals(1, a.records().size(), keys.group(1));
      edited++;
    }
    // 15 top-level fields and 8 privacy measurements, each edited on its own
    assertEquals(23, edited);
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

  @ParameterizedTest
  @ValueSource(strings = {"epsilon_rdp", "epsilon_pld"})
  void verify_signedButWrongEpsilon_detectedByRecomputation(String key) throws IOException {
    List<String> lines = ledger(2);
    // A coordinator that under-reports its spending signs a consistent chain with a wrong value.
    RoundRecord r = LedgerLine.decode(lines.get(0)).record();
    Map<String, Double> m = new HashMap<>(r.measurements());
    m.put(key, r.measurements().get(key) / 2);
    LedgerAudit a = resignedWithFirst(lines, with(r, r.modelBeforeSha256Hex(), "central",
        r.accountant(), m));
    assertEquals(1, a.problems().size(), a.problems().toString());
    assertTrue(a.problems().get(0).startsWith("line 1: round 1 records " + key),
        a.problems().get(0));
    assertEquals(2, a.records().size(), "a content problem does not stop verification");
  }

  @Test
  void verify_roundNotStartingFromPreviousModel_detected() throws IOException {
    List<String> lines = ledger(2);
    RoundRecord second = LedgerLine.decode(lines.get(1)).record();
    // round 2 claims to start from round 2's own output rather than round 1's
    RoundRecord forged = with(second, second.modelSha256Hex(), "central", second.accountant(),
        second.measurements());
    LedgerSigner signer = LedgerSigner.loadOrCreate(dir);
    LedgerLine l1 = LedgerLine.decode(lines.get(0));
    LedgerAudit a = audit(List.of(l1.encode(),
        LedgerLine.create(forged, l1.link(), signer).encode()));
    assertEquals(List.of("line 2: round 2 starts from model " + second.modelSha256Hex()
        + " but round 1 published " + l1.record().modelSha256Hex()), a.problems());
  }

  @Test
  void verify_otherAccountantVersion_notRecomputedAndSaid() throws IOException {
    List<String> lines = ledger(2);
    RoundRecord r = LedgerLine.decode(lines.get(0)).record();
    LedgerAudit a = resignedWithFirst(lines, with(r, r.modelBeforeSha256Hex(), "central",
        "fedrec-accountant/0", r.measurements()));
    assertEquals(List.of("line 1: round 1 was accounted by fedrec-accountant/0 but this auditor"
        + " implements " + PrivacySettings.ACCOUNTANT_VERSION + " and "
        + PrivacySettings.SKELLAM_ACCOUNTANT_VERSION + "; epsilon not recomputed from"
        + " here on"), a.problems());
  }

  @Test
  void verify_privateRoundWithoutItsPrivacyRecord_namesTheMissingFields() throws IOException {
    List<String> lines = ledger(1);
    RoundRecord r = LedgerLine.decode(lines.get(0)).record();
    Map<String, Double> m = new HashMap<>(r.measurements());
    m.remove("epsilon_pld");
    m.remove("clip_norm");
    LedgerAudit a = resignedWithFirst(lines, with(r, r.modelBeforeSha256Hex(), "central",
        r.accountant(), m));
    assertEquals(List.of("line 1: round 1 (privacy_mode central) has an incomplete privacy"
        + " record: missing clip_norm, epsilon_pld; epsilon not recomputed from here on"),
        a.problems());
  }

  @Test
  void verify_spendingAboveRecordedBudget_detected() throws IOException {
    List<String> lines = ledger(1);
    RoundRecord r = LedgerLine.decode(lines.get(0)).record();
    Map<String, Double> m = new HashMap<>(r.measurements());
    m.put("epsilon_budget", pld(1) / 2);
    LedgerAudit a = resignedWithFirst(lines, with(r, r.modelBeforeSha256Hex(), "central",
        r.accountant(), m));
    assertEquals(1, a.problems().size(), a.problems().toString());
    assertTrue(a.problems().get(0).contains("above its recorded budget"), a.problems().get(0));
  }

  /** The record a coordinator with Skellam noise writes for round 1 (4 x 2 model, scale 2^16). */
  private static Map<String, Double> skellamMeasurements(double l2) {
    double l1 = SkellamAccountant.l1Bound(l2, SHAPE.numParameters() + 1);
    Map<String, Double> m = new HashMap<>();
    m.put("epsilon_rdp", SkellamAccountant.create(l2, l1).compose(Q, Z, 1).epsilon(DELTA));
    m.put("epsilon_budget", BUDGET);
    m.put("noise_multiplier", Z);
    m.put("sampling_rate", Q);
    m.put("delta", DELTA);
    m.put("clip_norm", 0.5);
    m.put("noise_scale", 65536.0);
    m.put("num_parameters", (double) SHAPE.numParameters());
    m.put("skellam_l2_units", l2);
    m.put("skellam_l1_units", l1);
    return m;
  }

  private static final double SKELLAM_L2 = 0.5 * 65536 + Math.sqrt(SHAPE.numParameters()) + 1;

  @Test
  void verify_skellamRecord_recomputedByTheSkellamAccountant() throws IOException {
    List<String> lines = ledger(1);
    RoundRecord r = LedgerLine.decode(lines.get(0)).record();
    LedgerAudit a = resignedWithFirst(lines, with(r, r.modelBeforeSha256Hex(), "distributed",
        PrivacySettings.SKELLAM_ACCOUNTANT_VERSION, skellamMeasurements(SKELLAM_L2)));
    assertTrue(a.ok(), a.problems().toString());
    assertEquals(skellamMeasurements(SKELLAM_L2).get("epsilon_rdp"), a.epsilonRdp(), 1e-12);
    assertTrue(Double.isNaN(a.epsilonPld()), "no PLD for Skellam noise");
  }

  /**
   * A signed record whose Skellam sensitivities do not follow from its clip, scale and dimension
   * is caught (the auditor recomputes them), and epsilon is recomputed from the larger of the
   * recorded and recomputed values, so an understated sensitivity cannot lower it.
   */
  @Test
  void verify_understatedSkellamSensitivity_detected() throws IOException {
    List<String> lines = ledger(1);
    RoundRecord r = LedgerLine.decode(lines.get(0)).record();
    LedgerAudit a = resignedWithFirst(lines, with(r, r.modelBeforeSha256Hex(), "distributed",
        PrivacySettings.SKELLAM_ACCOUNTANT_VERSION, skellamMeasurements(SKELLAM_L2 / 2)));
    String problems = String.join("\n", a.problems());
    assertTrue(problems.contains("records skellam_l2_units"), problems);
    assertTrue(problems.contains("records skellam_l1_units"), problems);
    assertEquals(skellamMeasurements(SKELLAM_L2).get("epsilon_rdp"), a.epsilonRdp(), 1e-12);
  }

  @Test
  void verify_skellamRecordWithoutItsEncoding_namesTheMissingFields() throws IOException {
    List<String> lines = ledger(1);
    RoundRecord r = LedgerLine.decode(lines.get(0)).record();
    Map<String, Double> m = skellamMeasurements(SKELLAM_L2);
    m.remove("noise_scale");
    LedgerAudit a = resignedWithFirst(lines, with(r, r.modelBeforeSha256Hex(), "distributed",
        PrivacySettings.SKELLAM_ACCOUNTANT_VERSION, m));
    assertEquals(List.of("line 1: round 1 (privacy_mode distributed) has an incomplete privacy"
        + " record: missing noise_scale; epsilon not recomputed from here on"), a.problems());
  }

  @Test
  void verify_nonPrivateRounds_needNoPrivacyRecord() throws IOException {
    List<String> lines = ledger(1);
    RoundRecord r = LedgerLine.decode(lines.get(0)).record();
    LedgerAudit a = resignedWithFirst(lines, with(r, r.modelBeforeSha256Hex(), "none",
        r.accountant(), Map.of("mean_update_norm", 0.5)));
    assertTrue(a.ok(), a.problems().toString());
    assertEquals(0, a.epsilonPld());
    assertTrue(Double.isNaN(a.delta()));
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
