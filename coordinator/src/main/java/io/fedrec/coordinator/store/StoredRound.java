package io.fedrec.coordinator.store;

import io.fedrec.coordinator.round.RoundRecord;
import io.fedrec.core.aggregate.OptimizerState;
import io.fedrec.core.model.GlobalModel;
import java.util.Objects;
import java.util.Optional;

/**
 * A published round as the store keeps it: the model it produced, its ledger record and, when the
 * server optimizer is stateful, the optimizer state exported right after the step that produced
 * the model (empty for stateless optimizers and for checkpoints written before states were kept).
 */
public record StoredRound(
    GlobalModel model, RoundRecord record, Optional<OptimizerState> optimizerState) {

  public StoredRound {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(record, "record");
    Objects.requireNonNull(optimizerState, "optimizerState");
  }

  /** A round without optimizer state. */
  public StoredRound(GlobalModel model, RoundRecord record) {
    this(model, record, Optional.empty());
  }
}
