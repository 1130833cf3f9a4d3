package io.fedrec.coordinator.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedrec.coordinator.round.RoundRecord;
import io.fedrec.core.model.GlobalModel;
import io.fedrec.core.model.ModelShape;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoryStateStoreTest {
  private static final ModelShape SHAPE = new ModelShape(5, 3);

  @TempDir Path dir;

  private static GlobalModel model(long version) {
    float[] p = new float[SHAPE.numParameters()];
    for (int i = 0; i < p.length; i++) {
      p[i] = version * 100 + i * 0.5f;
    }
    return GlobalModel.of(version, SHAPE, p);
  }

  private static RoundRecord record(GlobalModel m) {
    Instant t = Instant.parse("2026-01-01T00:00:00Z").plusSeconds(m.version() * 60);
    return new RoundRecord(m.version(), 4, 3, 1, 30, 1200, 1600, t, t.plusSeconds(30),
        "weighted_mean", "fedavg", "00".repeat(32), HexFormat.of().formatHex(m.sha256()), "none",
        "fedrec-accountant/1",
        Map.of("mean_update_norm", 0.125, "odd \"key\"", 2.0));
  }

  private static void publishRounds(StateStore s, int from, int to) {
    for (int r = from; r <= to; r++) {
      GlobalModel m = model(r);
      s.publish(m, record(m));
    }
  }

  private static List<Long> rounds(StateStore s) {
    return s.history().stream().map(RoundRecord::round).toList();
  }

  @Test
  void publish_thenReopen_restoresLatestAndHistory() {
    try (StateStore s = StateStore.directory(dir)) {
      assertTrue(s.loadLatest().isEmpty());
      publishRounds(s, 1, 5);
    }
    try (StateStore s = StateStore.directory(dir)) {
      StoredRound latest = s.loadLatest().orElseThrow();
      assertEquals(model(5), latest.model());
      assertEquals(record(model(5)), latest.record());
      assertEquals(List.of(1L, 2L, 3L, 4L, 5L), rounds(s));
      assertEquals(record(model(2)), s.history().get(1));
    }
  }

  @Test
  void publish_keepsOnlyNewestCheckpoints() throws IOException {
    try (StateStore s = StateStore.directory(dir)) {
      publishRounds(s, 1, 6);
    }
    try (var files = Files.list(dir.resolve("checkpoints"))) {
      assertEquals(List.of("round-00000004.ckpt", "round-00000005.ckpt", "round-00000006.ckpt"),
          files.map(p -> p.getFileName().toString()).sorted().toList());
    }
  }

  @Test
  void publish_outOfOrder_refused() {
    try (StateStore s = StateStore.directory(dir)) {
      publishRounds(s, 1, 1);
      GlobalModel m3 = model(3);
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> s.publish(m3, record(m3)));
      assertEquals("round 2 must be published next. Provided round: 3", e.getMessage());
    }
  }

  @Test
  void open_tornLatestCheckpoint_fallsBackAndCutsLedger() throws IOException {
    try (StateStore s = StateStore.directory(dir)) {
      publishRounds(s, 1, 3);
    }
    Path latest = dir.resolve("checkpoints/round-00000003.ckpt");
    byte[] bytes = Files.readAllBytes(latest);
    Files.write(latest, java.util.Arrays.copyOf(bytes, bytes.length / 2));
    try (StateStore s = StateStore.directory(dir)) {
      assertEquals(2, s.loadLatest().orElseThrow().record().round());
      assertEquals(List.of(1L, 2L), rounds(s));
      // The re-run round 3 can be published again.
      publishRounds(s, 3, 3);
      assertEquals(List.of(1L, 2L, 3L), rounds(s));
    }
  }

  @Test
  void open_flippedBitInCheckpoint_detected() throws IOException {
    try (StateStore s = StateStore.directory(dir)) {
      publishRounds(s, 1, 2);
    }
    Path latest = dir.resolve("checkpoints/round-00000002.ckpt");
    byte[] bytes = Files.readAllBytes(latest);
    bytes[bytes.length - 40] ^= 1;
    Files.write(latest, bytes);
    try (StateStore s = StateStore.directory(dir)) {
      assertEquals(model(1), s.loadLatest().orElseThrow().model());
    }
  }

  @Test
  void open_tornLedgerLine_cutAndRestoredFromCheckpoint() throws IOException {
    try (StateStore s = StateStore.directory(dir)) {
      publishRounds(s, 1, 2);
    }
    Path ledger = dir.resolve("ledger.jsonl");
    String text = Files.readString(ledger);
    int cut = text.indexOf('\n') + 20;
    Files.writeString(ledger, text.substring(0, cut));
    try (StateStore s = StateStore.directory(dir)) {
      assertEquals(List.of(1L, 2L), rounds(s));
    }
    List<String> lines = Files.readAllLines(ledger);
    assertEquals(2, lines.size());
    assertTrue(lines.get(1).startsWith("{\"entry\":{\"round\":2,"), lines.get(1));
  }

  @Test
  void open_crashBeforeLedgerAppend_appendsMissingLine() throws IOException {
    try (StateStore s = StateStore.directory(dir)) {
      publishRounds(s, 1, 2);
    }
    Path ledger = dir.resolve("ledger.jsonl");
    List<String> lines = Files.readAllLines(ledger);
    Files.writeString(ledger, lines.get(0) + "\n");
    try (StateStore s = StateStore.directory(dir)) {
      assertEquals(List.of(1L, 2L), rounds(s));
    }
  }

  @Test
  void open_leftoverTemporaryFile_deleted() throws IOException {
    try (StateStore s = StateStore.directory(dir)) {
      publishRounds(s, 1, 1);
    }
    Path tmp = dir.resolve("checkpoints/round-00000002.ckpt.tmp");
    Files.write(tmp, "half a checkpoint".getBytes(StandardCharsets.UTF_8));
    try (StateStore s = StateStore.directory(dir)) {
      assertEquals(1, s.loadLatest().orElseThrow().record().round());
    }
    assertFalse(Files.exists(tmp));
  }

  @Test
  void directory_alreadyInUse_refusedWithReadableMessage() {
    try (StateStore s = StateStore.directory(dir)) {
      UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> StateStore.directory(dir));
      assertTrue(e.getMessage().endsWith("is in use by another coordinator"), e.getMessage());
    }
  }

  @Test
  void open_ledgerMissingMiddleRounds_refused() throws IOException {
    try (StateStore s = StateStore.directory(dir)) {
      publishRounds(s, 1, 3);
    }
    Files.writeString(dir.resolve("ledger.jsonl"), "", StandardOpenOption.TRUNCATE_EXISTING);
    UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> StateStore.directory(dir));
    assertTrue(e.getMessage().contains("ledger"), e.getMessage());
  }

  @Test
  void recordJson_roundTrip_exact() {
    RoundRecord r = record(model(9));
    assertEquals(r, RecordJson.decode(RecordJson.encode(r)));
    assertThrows(IllegalArgumentException.class, () -> RecordJson.decode("{\"round\":1}"));
    assertThrows(IllegalArgumentException.class, () -> RecordJson.decode(RecordJson.encode(r) + "x"));
  }

  // ---------------------------------------------------------------------------------------------
  // Optimizer state (checkpoint format 2)

  private static io.fedrec.core.aggregate.OptimizerState state(long step) {
    float[] m = new float[SHAPE.numParameters()];
    float[] v = new float[SHAPE.numParameters()];
    for (int i = 0; i < m.length; i++) {
      m[i] = step - i * 0.25f;
      v[i] = step + i * 0.5f;
    }
    return new io.fedrec.core.aggregate.OptimizerState("fedadam", step, Map.of("m", m, "v", v));
  }

  private static void publishRoundsWithState(StateStore s, int from, int to) {
    for (int r = from; r <= to; r++) {
      GlobalModel m = model(r);
      s.publish(m, record(m), state(r));
    }
  }

  @Test
  void publishWithState_thenReopen_restoresState() {
    try (StateStore s = StateStore.directory(dir)) {
      publishRoundsWithState(s, 1, 3);
      assertEquals(state(3), s.loadLatest().orElseThrow().optimizerState().orElseThrow());
    }
    try (StateStore s = StateStore.directory(dir)) {
      StoredRound latest = s.loadLatest().orElseThrow();
      assertEquals(model(3), latest.model());
      assertEquals(state(3), latest.optimizerState().orElseThrow());
    }
  }

  @Test
  void publishWithoutState_thenReopen_noState() {
    try (StateStore s = StateStore.directory(dir)) {
      publishRounds(s, 1, 2);
    }
    try (StateStore s = StateStore.directory(dir)) {
      assertTrue(s.loadLatest().orElseThrow().optimizerState().isEmpty());
    }
  }

  @Test
  void open_formatOneCheckpoint_loadsWithoutState() throws IOException {
    GlobalModel m = model(1);
    byte[] json = RecordJson.encode(record(m)).getBytes(StandardCharsets.UTF_8);
    int n = SHAPE.numParameters();
    java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(8 + 4 + json.length + 16 + 4 * n + 32)
        .order(java.nio.ByteOrder.LITTLE_ENDIAN);
    buf.put(DirectoryStateStore.MAGIC_V1).putInt(json.length).put(json);
    buf.putLong(1).putInt(SHAPE.numItems()).putInt(SHAPE.rank());
    for (float p : m.parameters()) {
      buf.putFloat(p);
    }
    try {
      java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
      md.update(buf.array(), 0, buf.position());
      buf.put(md.digest());
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
    Files.createDirectories(dir.resolve("checkpoints"));
    Files.write(dir.resolve("checkpoints/round-00000001.ckpt"), buf.array());
    try (StateStore s = StateStore.directory(dir)) {
      StoredRound latest = s.loadLatest().orElseThrow();
      assertEquals(m, latest.model());
      assertTrue(latest.optimizerState().isEmpty());
      assertEquals(List.of(1L), rounds(s));
      publishRoundsWithState(s, 2, 2);
    }
    try (StateStore s = StateStore.directory(dir)) {
      assertEquals(state(2), s.loadLatest().orElseThrow().optimizerState().orElseThrow());
    }
  }

  @Test
  void open_flippedBitInOptimizerState_fallsBackToPreviousRound() throws IOException {
    try (StateStore s = StateStore.directory(dir)) {
      publishRoundsWithState(s, 1, 2);
    }
    Path latest = dir.resolve("checkpoints/round-00000002.ckpt");
    byte[] bytes = Files.readAllBytes(latest);
    // the state block ends the checkpoint, just before the 32-byte SHA-256
    bytes[bytes.length - 32 - 10] ^= 1;
    Files.write(latest, bytes);
    try (StateStore s = StateStore.directory(dir)) {
      StoredRound restored = s.loadLatest().orElseThrow();
      assertEquals(model(1), restored.model());
      assertEquals(state(1), restored.optimizerState().orElseThrow());
      assertEquals(List.of(1L), rounds(s));
    }
  }

  @Test
  void open_tornCheckpointWithState_fallsBackToPreviousRound() throws IOException {
    try (StateStore s = StateStore.directory(dir)) {
      publishRoundsWithState(s, 1, 3);
    }
    Path latest = dir.resolve("checkpoints/round-00000003.ckpt");
    byte[] bytes = Files.readAllBytes(latest);
    Files.write(latest, java.util.Arrays.copyOf(bytes, bytes.length - 40));
    try (StateStore s = StateStore.directory(dir)) {
      assertEquals(state(2), s.loadLatest().orElseThrow().optimizerState().orElseThrow());
      assertEquals(List.of(1L, 2L), rounds(s));
    }
  }
}
