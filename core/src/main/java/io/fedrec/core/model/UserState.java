package io.fedrec.core.model;

/**
 * A user's private parameters {@code p_u} and {@code b_u}, reconstructed on the client from the
 * user's own ratings and the global item parameters. Never leaves the client.
 */
public record UserState(float[] factors, float bias) {

  /** The prediction {@code mu + b_u + b_i + p_u . q_i}, clamped to the rating scale. */
  public float predict(GlobalModel model, int item, float ratingMin, float ratingMax) {
    float r = model.mu() + bias + model.itemBias(item) + model.dot(item, factors);
    return Math.max(ratingMin, Math.min(ratingMax, r));
  }

  /** The unclamped score used for ranking. */
  public float score(GlobalModel model, int item) {
    return bias + model.itemBias(item) + model.dot(item, factors);
  }
}
