package io.fedrec.simulator.eval;

import io.fedrec.core.model.GlobalModel;
import io.fedrec.core.model.TrainingConfig;
import io.fedrec.core.model.UserRatings;

/**
 * Something that scores every catalogue item for a user, so that {@link RankingEvaluator} can
 * rank them: the federated model ({@link #of(GlobalModel, TrainingConfig)}), a centralized
 * model through its {@link GlobalModel}, or the {@link PopularityRanker} baseline. All go through
 * the same protocol code, so their numbers are comparable.
 *
 * <p>Implementations are immutable and thread-safe; the per-thread state lives in the {@link
 * Scorer}s they hand out.
 */
public interface Ranker {

  /** Items {@code 0 .. numItems() - 1} can be scored. */
  int numItems();

  /** A new scorer for one thread. */
  Scorer newScorer();

  /**
   * The item factor vectors that intra-list diversity measures distances in, or null when the
   * ranker has none (diversity is then NaN).
   */
  default GlobalModel itemSpace() {
    return null;
  }

  /** Scores for one user at a time. Not thread-safe: one per thread. */
  interface Scorer {
    /**
     * Writes the score of items {@code 0 .. scores.length - 1} for user {@code user}, whose
     * training ratings are {@code train}; higher is better.
     */
    void score(int user, UserRatings train, float[] scores);
  }

  /**
   * The federated model as a ranker: each user's {@code p_u, b_u} are reconstructed from its
   * training ratings ({@link io.fedrec.core.model.LocalTrainer#reconstruct}, the client's own
   * computation; a user without training ratings gets {@code p_u = 0, b_u = 0}) and item {@code
   * i} scores {@link io.fedrec.core.model.UserState#score}, the unclamped {@code b_u + b_i + p_u .
   * q_i} ({@code mu} and {@code b_u} do not change the order; clamping would create ties).
   * Diversity is measured in the model's own item factors.
   *
   * @throws IllegalArgumentException if the model's rank differs from the config's
   */
  static Ranker of(GlobalModel model, TrainingConfig config) {
    return new ModelRanker(model, config);
  }
}
