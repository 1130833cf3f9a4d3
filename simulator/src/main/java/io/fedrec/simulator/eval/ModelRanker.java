package io.fedrec.simulator.eval;

import io.fedrec.core.model.GlobalModel;
import io.fedrec.core.model.LocalTrainer;
import io.fedrec.core.model.TrainingConfig;
import io.fedrec.core.model.UserRatings;
import io.fedrec.core.model.UserState;

/** {@link Ranker#of(GlobalModel, TrainingConfig)}. Immutable and thread-safe. */
final class ModelRanker implements Ranker {
  private final GlobalModel model;
  private final TrainingConfig config;

  ModelRanker(GlobalModel model, TrainingConfig config) {
    if (model.rank() != config.rank()) {
      throw new IllegalArgumentException(
          "model rank must equal config rank " + config.rank() + ". Provided value: "
              + model.rank());
    }
    this.model = model;
    this.config = config;
  }

  @Override
  public int numItems() {
    return model.numItems();
  }

  @Override
  public GlobalModel itemSpace() {
    return model;
  }

  @Override
  public Scorer newScorer() {
    LocalTrainer trainer = new LocalTrainer(config);
    UserState empty = new UserState(new float[config.rank()], 0f);
    return (user, train, scores) -> {
      UserState state = train.size() == 0 ? empty : trainer.reconstruct(model, train);
      for (int i = 0; i < scores.length; i++) {
        scores[i] = state.score(model, i);
      }
    };
  }
}
