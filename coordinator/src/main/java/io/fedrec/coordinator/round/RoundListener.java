package io.fedrec.coordinator.round;

import io.fedrec.core.model.GlobalModel;

/**
 * Observes a {@link RoundEngine}. Called synchronously, in round order, on the thread that closed
 * the round and while the engine's lock is held: keep callbacks short and never call back into
 * the engine from them.
 */
public interface RoundListener {
  /** Round {@code record.round()} was aggregated, checkpointed and published as {@code model}. */
  void onRoundPublished(RoundRecord record, GlobalModel model);

  /** Round {@code round} closed without being published; the same number is retried. */
  default void onRoundAbandoned(long round, String reason) {}
}
