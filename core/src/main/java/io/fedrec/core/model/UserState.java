package io.fedrec.core.model;

/**
 * A user's private parameters {@code p_u} and {@code b_u}, reconstructed on the client from the
 * user's own ratings and the global item parameters. Never leaves the client. With implicit
 * feedback there is no user bias: {@code bias} is 0.
 */
public record UserState(float[] factors, float bias) {

  /** The prediction {@code mu + b_u + b_i + p_u . q_i}, clamped to the rating scale. */
  public float predict(GlobalModel model, int item, float ratingMin, float ratingMax) {
    float r = model.mu() + bias + model.itemBias(item) + model.dot(item, factors);
    return Math.max(ratingMin, Math.min(ratingMax, r));
  }

  /**
   * The unclamped score used for ranking, {@code b_u + b_i + p_u . q_i}: the model's prediction
   * without {@code mu}, which does not change an order. For implicit feedback {@code b_u = 0} and
   * this is the fitted weighted-MF score minus {@code mu} (see {@code ImplicitTrainer}).
   */
  public float score(GlobalModel model, int item) {
    return bias + model.itemBias(item) + model.dot(item, factors);
  }
}
