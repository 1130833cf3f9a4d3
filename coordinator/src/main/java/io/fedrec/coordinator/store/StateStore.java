package io.fedrec.coordinator.store;

import io.fedrec.coordinator.round.RoundRecord;
import io.fedrec.core.aggregate.OptimizerState;
import io.fedrec.core.model.GlobalModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Durable state of a coordinator: the latest published model with its round record, and the
 * ledger of every published round. A coordinator restarted on the same store resumes after the
 * last published round. Implementations are thread-safe.
 */
public interface StateStore extends AutoCloseable {

  /** The last published round, or empty for a new federation. */
  Optional<StoredRound> loadLatest();

  /**
   * Durably records round {@code record.round()}, which produced {@code model}. When this returns
   * the round survives a crash; when it throws, the round is not published.
   *
   * @throws IllegalStateException if the round does not follow the last published one
   * @throws UncheckedIOException if the write fails
   */
  default void publish(GlobalModel model, RoundRecord record) {
    publish(model, record, null);
  }

  /**
   * As {@link #publish(GlobalModel, RoundRecord)}, keeping {@code optimizerState} (null for none)
   * with the round, in the same atomic write: {@link #loadLatest()} returns it with the model.
   *
   * @throws IllegalStateException if the round does not follow the last published one
   * @throws UncheckedIOException if the write fails
   */
  void publish(GlobalModel model, RoundRecord record, OptimizerState optimizerState);

  /** Records of all published rounds, in round order. */
  List<RoundRecord> history();

  /** Releases the store (e.g. a directory's lock). Idempotent. */
  @Override
  default void close() {}

  /** A store that forgets everything when the process ends (simulation, tests). */
  static StateStore inMemory() {
    return new InMemoryStateStore();
  }

  /**
   * A store in {@code dir} (created if missing): checksummed checkpoints written atomically and an
   * append-only ledger. See {@link DirectoryStateStore} for the format and crash behaviour.
   */
  static StateStore directory(Path dir) {
    try {
      return new DirectoryStateStore(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open state directory " + dir + ": " + e.getMessage(), e);
    }
  }
}
