package io.fedrec.coordinator.store;

import io.fedrec.coordinator.round.RoundRecord;
import io.fedrec.core.model.GlobalModel;

/** A published round as the store keeps it: the model it produced and its ledger record. */
public record StoredRound(GlobalModel model, RoundRecord record) {}
