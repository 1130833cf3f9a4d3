package io.fedrec.coordinator.store;

import io.fedrec.coordinator.round.RoundRecord;
import io.fedrec.core.aggregate.OptimizerState;
import io.fedrec.core.model.GlobalModel;
import io.fedrec.core.model.ModelShape;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * {@link StateStore#directory}: a state directory that survives crashes at any instant.
 *
 * <pre>
 * state/
 *   .lock                         held while a coordinator uses the directory
 *   checkpoints/round-00000012.ckpt  the newest {@value #KEEP_CHECKPOINTS} published models
 *   ledger.jsonl                  one signed, hash-chained round record per line ({@link LedgerLine})
 *   ledger-signing.key/.pub       the coordinator's Ed25519 ledger key ({@link LedgerSigner})
 * </pre>
 *
 * <p>A checkpoint is {@code "FEDRECK2"}, the record's JSON (int length + UTF-8), the model
 * (long version, int num_items, int rank, little-endian float32 parameters), the server
 * optimizer's state (int length, 0 for none, then {@link OptimizerState#encode()}) and a SHA-256
 * over all preceding bytes, so the checksum covers the state too. Format 1 ({@code "FEDRECK1"},
 * written before optimizer states were kept) is the same without the state block; such
 * checkpoints still load, with no state. It is written to a temporary file, forced to disk, atomically renamed, and the
 * directory is forced; only then is the ledger line appended and forced. Recovery on open:
 * temporary files are deleted; the newest checkpoint whose checksum verifies is the latest round;
 * a torn last ledger line (no newline) is cut; ledger lines past the latest checkpoint are cut
 * (their round is re-run); a ledger missing the latest checkpoint's line gets it from the
 * checkpoint. A complete line that does not parse, or breaks the hash chain or its signature, is
 * not a crash artefact: the store refuses to open rather than cut audit evidence. So the
 * ledger always ends at exactly the round the coordinator resumes after.
 *
 * <p>Thread-safe; one process per directory (enforced with a file lock).
 */
final class DirectoryStateStore implements StateStore {
  static final int KEEP_CHECKPOINTS = 3;
  /** Magic of format 2, the one written: with an optimizer state block. */
  private static final byte[] MAGIC = "FEDRECK2".getBytes(StandardCharsets.US_ASCII);

  /** Magic of format 1: no optimizer state block. Read only. */
  static final byte[] MAGIC_V1 = "FEDRECK1".getBytes(StandardCharsets.US_ASCII);
  private static final System.Logger LOG = System.getLogger(DirectoryStateStore.class.getName());

  private final Path dir;
  private final Path checkpoints;
  private final Path ledger;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private final List<RoundRecord> history = new ArrayList<>();
  private final LedgerSigner signer;
  private StoredRound latest;
  private byte[] lastLink = LedgerLine.GENESIS;

  DirectoryStateStore(Path dir) throws IOException {
    this.dir = dir;
    this.checkpoints = dir.resolve("checkpoints");
    this.ledger = dir.resolve("ledger.jsonl");
    Files.createDirectories(checkpoints);
    lockChannel =
        FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock l;
    try {
      l = lockChannel.tryLock();
    } catch (OverlappingFileLockException e) {
      l = null;
    }
    if (l == null) {
      lockChannel.close();
      throw new IOException("state directory " + dir + " is in use by another coordinator");
    }
    lock = l;
    signer = LedgerSigner.loadOrCreate(dir);
    recover();
  }

  static void checkNext(long expected, GlobalModel model, RoundRecord record) {
    if (record.round() != expected) {
      throw new IllegalStateException(
          "round " + expected + " must be published next. Provided round: " + record.round());
    }
    if (model.version() != record.round()) {
      throw new IllegalStateException(
          "model version must equal the round " + record.round() + ". Provided value: "
              + model.version());
    }
  }

  private void recover() throws IOException {
    TreeMap<Long, Path> files = new TreeMap<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(checkpoints)) {
      for (Path p : ds) {
        String name = p.getFileName().toString();
        if (name.endsWith(".tmp")) {
          Files.deleteIfExists(p);
        } else if (name.matches("round-\\d{8,}\\.ckpt")) {
          files.put(Long.parseLong(name.substring(6, name.length() - 5)), p);
        }
      }
    }
    for (Path p : files.descendingMap().values()) {
      try {
        latest = readCheckpoint(p);
        break;
      } catch (IOException | IllegalArgumentException e) {
        LOG.log(System.Logger.Level.WARNING, "ignoring unreadable checkpoint " + p + ": " + e.getMessage());
      }
    }
    long last = latest == null ? 0 : latest.record().round();
    List<RoundRecord> records = new ArrayList<>();
    long keepBytes = 0;
    byte[] link = LedgerLine.GENESIS;
    if (Files.exists(ledger)) {
      byte[] bytes = Files.readAllBytes(ledger);
      int start = 0;
      for (int i = 0; i < bytes.length; i++) {
        if (bytes[i] != '\n') {
          continue;
        }
        String line = new String(bytes, start, i - start, StandardCharsets.UTF_8);
        LedgerLine entry;
        try {
          entry = LedgerLine.decode(line);
        } catch (IllegalArgumentException e) {
          throw new IOException("ledger " + ledger + " line " + (records.size() + 1)
              + " is unreadable (" + e.getMessage() + "); it was modified outside fedrec", e);
        }
        if (!java.util.Arrays.equals(entry.link(), LedgerLine.link(link, entry.entryJson()))
            || !LedgerSigner.verify(signer.publicKey(), entry.link(), entry.signature())) {
          throw new IOException("ledger " + ledger + " line " + (records.size() + 1)
              + " fails its hash chain or signature; it was modified outside fedrec");
        }
        RoundRecord r = entry.record();
        if (r.round() != records.size() + 1 || r.round() > last) {
          break;
        }
        link = entry.link();
        records.add(r);
        start = i + 1;
        keepBytes = start;
      }
      if (keepBytes != bytes.length) {
        try (FileChannel ch = FileChannel.open(ledger, StandardOpenOption.WRITE)) {
          ch.truncate(keepBytes);
          ch.force(true);
        }
      }
    }
    if (records.size() < last - 1) {
      throw new IOException(
          "ledger " + ledger + " ends at round " + records.size() + " but the latest checkpoint is"
              + " round " + last + "; the state directory was damaged outside fedrec");
    }
    lastLink = link;
    if (records.size() == last - 1) {
      appendLedger(latest.record());
      records.add(latest.record());
    }
    history.addAll(records);
  }

  @Override
  public synchronized Optional<StoredRound> loadLatest() {
    return Optional.ofNullable(latest);
  }

  @Override
  public synchronized void publish(
      GlobalModel model, RoundRecord record, OptimizerState optimizerState) {
    long expected = latest == null ? 1 : latest.record().round() + 1;
    checkNext(expected, model, record);
    try {
      writeCheckpoint(model, record, optimizerState);
      appendLedger(record);
      prune(record.round());
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot write round " + record.round() + " to " + dir + ": " + e.getMessage(), e);
    }
    latest = new StoredRound(model, record, Optional.ofNullable(optimizerState));
    history.add(record);
  }

  @Override
  public synchronized List<RoundRecord> history() {
    return List.copyOf(history);
  }

  static Path checkpointName(Path checkpoints, long round) {
    return checkpoints.resolve(String.format("round-%08d.ckpt", round));
  }

  private void writeCheckpoint(GlobalModel model, RoundRecord record, OptimizerState state)
      throws IOException {
    byte[] json = RecordJson.encode(record).getBytes(StandardCharsets.UTF_8);
    byte[] stateBytes = state == null ? new byte[0] : state.encode();
    int n = model.shape().numParameters();
    long size = (long) MAGIC.length + 4 + json.length + 16 + 4L * n + 4 + stateBytes.length + 32;
    if (size > Integer.MAX_VALUE - 8) {
      throw new IOException("checkpoint of round " + record.round() + " would be " + size
          + " bytes, too large for one file buffer");
    }
    ByteBuffer buf = ByteBuffer.allocate((int) size).order(ByteOrder.LITTLE_ENDIAN);
    buf.put(MAGIC).putInt(json.length).put(json);
    buf.putLong(model.version()).putInt(model.numItems()).putInt(model.rank());
    float[] params = model.parameters();
    buf.asFloatBuffer().put(params);
    buf.position(buf.position() + 4 * n);
    buf.putInt(stateBytes.length).put(stateBytes);
    buf.put(sha256(buf.array(), buf.position()));
    buf.flip();
    Path target = checkpointName(checkpoints, record.round());
    Path tmp = checkpoints.resolve(target.getFileName() + ".tmp");
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE,
        StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
      ch.force(true);
    }
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("the file system of " + dir + " cannot rename atomically", e);
    }
    forceDirectory(checkpoints);
  }

  private void appendLedger(RoundRecord record) throws IOException {
    LedgerLine entry = LedgerLine.create(record, lastLink, signer);
    byte[] line = (entry.encode() + "\n").getBytes(StandardCharsets.UTF_8);
    try (FileChannel ch = FileChannel.open(ledger, StandardOpenOption.CREATE,
        StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
      ByteBuffer b = ByteBuffer.wrap(line);
      while (b.hasRemaining()) {
        ch.write(b);
      }
      ch.force(true);
    }
    lastLink = entry.link();
  }

  private void prune(long newest) throws IOException {
    for (long r = newest - KEEP_CHECKPOINTS; r >= 1; r--) {
      if (!Files.deleteIfExists(checkpointName(checkpoints, r))) {
        break;
      }
    }
  }

  private static void forceDirectory(Path d) {
    try (FileChannel ch = FileChannel.open(d, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      // Some platforms cannot open directories; the rename is still atomic there.
    }
  }

  static StoredRound readCheckpoint(Path p) throws IOException {
    byte[] bytes = Files.readAllBytes(p);
    boolean v2 = bytes.length >= MAGIC.length
        && Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length);
    boolean v1 = bytes.length >= MAGIC_V1.length
        && Arrays.equals(bytes, 0, MAGIC_V1.length, MAGIC_V1, 0, MAGIC_V1.length);
    if (bytes.length < MAGIC.length + 4 + 16 + (v2 ? 4 : 0) + 32 || !(v1 || v2)) {
      throw new IllegalArgumentException("not a fedrec checkpoint (bad magic or too short)");
    }
    byte[] expected = sha256(bytes, bytes.length - 32);
    if (!MessageDigest.isEqual(expected, Arrays.copyOfRange(bytes, bytes.length - 32, bytes.length))) {
      throw new IllegalArgumentException("checksum mismatch (torn or corrupted write)");
    }
    ByteBuffer buf = ByteBuffer.wrap(bytes, 0, bytes.length - 32).order(ByteOrder.LITTLE_ENDIAN);
    buf.position(MAGIC.length);
    int jsonLength = buf.getInt();
    if (jsonLength < 0 || jsonLength > buf.remaining() - 16 - (v2 ? 4 : 0)) {
      throw new IllegalArgumentException("bad record length " + jsonLength);
    }
    RoundRecord record = RecordJson.decode(
        new String(bytes, buf.position(), jsonLength, StandardCharsets.UTF_8));
    buf.position(buf.position() + jsonLength);
    long version = buf.getLong();
    ModelShape shape = new ModelShape(buf.getInt(), buf.getInt());
    long paramBytes = 4L * shape.numParameters();
    if (v1 ? buf.remaining() != paramBytes : buf.remaining() < paramBytes + 4) {
      throw new IllegalArgumentException("parameter block has the wrong length for " + shape);
    }
    float[] params = new float[shape.numParameters()];
    buf.asFloatBuffer().get(params);
    buf.position(buf.position() + (int) paramBytes);
    Optional<OptimizerState> state = Optional.empty();
    if (v2) {
      int stateLength = buf.getInt();
      if (stateLength != buf.remaining()) {
        throw new IllegalArgumentException("optimizer state block declares " + stateLength
            + " bytes but " + buf.remaining() + " remain");
      }
      if (stateLength > 0) {
        byte[] stateBytes = new byte[stateLength];
        buf.get(stateBytes);
        state = Optional.of(OptimizerState.decode(stateBytes));
      }
    }
    GlobalModel model = GlobalModel.of(version, shape, params);
    if (version != record.round()
        || !HexFormat.of().formatHex(model.sha256()).equals(record.modelSha256Hex())) {
      throw new IllegalArgumentException("model does not match its round record");
    }
    return new StoredRound(model, record, state);
  }

  private static byte[] sha256(byte[] bytes, int length) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update(bytes, 0, length);
      return md.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }

  /** Releases the directory lock (a process exit releases it too). */
  @Override
  public synchronized void close() {
    try {
      if (lockChannel.isOpen()) {
        lock.release();
        lockChannel.close();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
