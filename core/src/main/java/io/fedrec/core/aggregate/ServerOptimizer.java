package io.fedrec.core.aggregate;

import io.fedrec.core.model.GlobalModel;

/**
 * Turns a round's aggregate into the next global model (Reddi et al., "Adaptive Federated
 * Optimization", ICLR 2021: the aggregate is a pseudo-gradient). Implementations with state
 * (FedAdam, FedYogi) keep it themselves and expose it for checkpoints.
 */
public interface ServerOptimizer {
  /** The model of version {@code current.version() + 1}. */
  GlobalModel apply(GlobalModel current, AggregateResult aggregate);

  /** Short name recorded in round records, e.g. {@code "fedavg"}. */
  String name();
}
