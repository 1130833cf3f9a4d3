package io.fedrec.core.model;

/**
 * Hyper-parameters of the local computation that the coordinator announces with each task.
 * Mirrors {@code io.fedrec.v1.TrainingConfig}; The constructor validates, so the same rules hold on both ends.
 *
 * @param rank latent dimension k
 * @param userRegularization ridge penalty on {@code p_u} in the closed-form reconstruction
 * @param userBiasRegularization ridge penalty on {@code b_u}
 * @param itemRegularization L2 penalty per observed rating on {@code q_i} and {@code b_i}
 * @param localSteps gradient steps on the user's item rows after reconstruction
 * @param localLearningRate step size of those steps
 * @param ratingMin lower clamp of predictions
 * @param ratingMax upper clamp of predictions
 * @param itemWeightDecay penalty on every item row, applied by every client (see the proto)
 */
public record TrainingConfig(
    int rank,
    float userRegularization,
    float userBiasRegularization,
    float itemRegularization,
    int localSteps,
    float localLearningRate,
    float ratingMin,
    float ratingMax,
    float itemWeightDecay) {

  public TrainingConfig {
    Checks.inRange("rank", rank, 1, ModelShape.MAX_RANK);
    Checks.positiveFinite("user_regularization", userRegularization);
    Checks.positiveFinite("user_bias_regularization", userBiasRegularization);
    Checks.nonNegativeFinite("item_regularization", itemRegularization);
    Checks.inRange("local_steps", localSteps, 1, 1000);
    Checks.positiveFinite("local_learning_rate", localLearningRate);
    Checks.finiteInRange("rating_min", ratingMin, -1e6, 1e6);
    Checks.finiteInRange("rating_max", ratingMax, -1e6, 1e6);
    if (ratingMax <= ratingMin) {
      throw new IllegalArgumentException(
          "rating_max must be > rating_min. Provided values: rating_min="
              + ratingMin
              + ", rating_max="
              + ratingMax);
    }
    // Zero would switch off the term that keeps every coordinate of an update non-zero, so the
    // update's zero pattern would reveal which items were rated; there is no opt-out.
    if (!(itemWeightDecay > 0 && itemWeightDecay <= 1)) {
      throw new IllegalArgumentException(
          "item_weight_decay must be > 0 and <= 1 (it keeps every coordinate of an update"
              + " non-zero). Provided value: " + itemWeightDecay);
    }
  }

  /** Tuned defaults (see docs/research.md for how they were chosen). */
  public static TrainingConfig defaults(int rank) {
    return new TrainingConfig(rank, 10f, 10f, 0.1f, 2, 0.05f, 1f, 5f, 1e-4f);
  }

  public TrainingConfig withRank(int newRank) {
    return new TrainingConfig(
        newRank, userRegularization, userBiasRegularization, itemRegularization, localSteps,
        localLearningRate, ratingMin, ratingMax, itemWeightDecay);
  }
}
