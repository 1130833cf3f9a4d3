package io.fedrec.coordinator.store;

import io.fedrec.coordinator.round.RoundRecord;
import io.fedrec.core.aggregate.OptimizerState;
import io.fedrec.core.model.GlobalModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** {@link StateStore#inMemory()}. */
final class InMemoryStateStore implements StateStore {
  private final List<RoundRecord> history = new ArrayList<>();
  private StoredRound latest;

  @Override
  public synchronized Optional<StoredRound> loadLatest() {
    return Optional.ofNullable(latest);
  }

  @Override
  public synchronized void publish(
      GlobalModel model, RoundRecord record, OptimizerState optimizerState) {
    long expected = latest == null ? 1 : latest.record().round() + 1;
    DirectoryStateStore.checkNext(expected, model, record);
    latest = new StoredRound(model, record, Optional.ofNullable(optimizerState));
    history.add(record);
  }

  @Override
  public synchronized List<RoundRecord> history() {
    return List.copyOf(history);
  }
}
