package io.fedrec.core.model;

import java.util.Objects;

/**
 * Hyper-parameters of the local computation that the coordinator announces with each task.
 * Mirrors {@code io.fedrec.v1.TrainingConfig}; the constructor validates, so the same rules hold
 * on both ends.
 *
 * <p>With {@link Feedback#BPR} ({@link BprTrainer}): {@code userRegularization} is the penalty
 * on {@code p_u} in its reconstruction, {@code itemRegularization} the penalty in each BPR step,
 * {@code localSteps} the epochs over the user's positives and {@code localLearningRate} their
 * step size; {@code implicitAlpha} must be 0.
 *
 * <p>With {@link Feedback#IMPLICIT} the same fields drive weighted MF (see {@link LocalTrainer}):
 * {@code userRegularization} is the ridge penalty of the closed-form solve of {@code p_u}, {@code
 * itemRegularization} the penalty per interaction on the interacted rows, {@code localSteps} and
 * {@code localLearningRate} the gradient steps on every item row; {@code userBiasRegularization},
 * {@code ratingMin} and {@code ratingMax} are validated but unused (there is no user bias and no
 * rating scale).
 *
 * @param rank latent dimension k
 * @param userRegularization ridge penalty on {@code p_u} in the closed-form reconstruction
 * @param userBiasRegularization ridge penalty on {@code b_u} (explicit only)
 * @param itemRegularization L2 penalty per observed rating on {@code q_i} and {@code b_i}
 * @param localSteps gradient steps on the item rows after reconstruction
 * @param localLearningRate step size of those steps
 * @param ratingMin lower clamp of predictions (explicit only)
 * @param ratingMax upper clamp of predictions (explicit only)
 * @param itemWeightDecay penalty on every item row, applied by every client (see the proto)
 * @param feedback explicit ratings or implicit interactions
 * @param implicitAlpha confidence slope {@code alpha}: an interaction of strength {@code r} has
 *     confidence {@code 1 + alpha * r}; > 0 with implicit feedback, 0 with explicit
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
    float itemWeightDecay,
    Feedback feedback,
    float implicitAlpha) {

  /** Largest confidence slope accepted; Hu et al. use 40, larger only hurts conditioning. */
  public static final float MAX_IMPLICIT_ALPHA = 1e4f;

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
    Objects.requireNonNull(feedback, "feedback");
    if (feedback == Feedback.BPR) {
      if (implicitAlpha != 0) {
        throw new IllegalArgumentException("implicit_alpha is a weighted-MF confidence slope and"
            + " must be 0 with BPR. Provided value: " + implicitAlpha);
      }
    } else if (feedback == Feedback.IMPLICIT) {
      if (!(implicitAlpha > 0 && implicitAlpha <= MAX_IMPLICIT_ALPHA)) {
        throw new IllegalArgumentException(
            "implicit_alpha must be > 0 and <= " + MAX_IMPLICIT_ALPHA
                + " with feedback implicit. Provided value: " + implicitAlpha);
      }
    } else if (implicitAlpha != 0) {
      // a non-zero alpha with explicit feedback is almost certainly a forgotten feedback=implicit
      throw new IllegalArgumentException(
          "implicit_alpha must be 0 with feedback explicit. Provided value: " + implicitAlpha);
    }
  }

  /** Explicit feedback; the form every configuration had before implicit feedback existed. */
  public TrainingConfig(
      int rank,
      float userRegularization,
      float userBiasRegularization,
      float itemRegularization,
      int localSteps,
      float localLearningRate,
      float ratingMin,
      float ratingMax,
      float itemWeightDecay) {
    this(rank, userRegularization, userBiasRegularization, itemRegularization, localSteps,
        localLearningRate, ratingMin, ratingMax, itemWeightDecay, Feedback.EXPLICIT, 0f);
  }

  /** Tuned explicit defaults (see docs/research.md for how they were chosen). */
  public static TrainingConfig defaults(int rank) {
    return new TrainingConfig(rank, 10f, 10f, 0.1f, 2, 0.05f, 1f, 5f, 1e-4f);
  }

  // BPR defaults, tuned on MovieLens-100K leave-one-out (docs/research.md, "BPR").
  static final float BPR_USER_REGULARIZATION = 0.001f;
  static final float BPR_ITEM_REGULARIZATION = 0.01f;
  static final int BPR_LOCAL_STEPS = 10;
  static final float BPR_LEARNING_RATE = 0.1f;

  /** Default confidence slope of implicit feedback (see docs/research.md, "Implicit feedback"). */
  public static final float DEFAULT_IMPLICIT_ALPHA = 10f;

  /**
   * Tuned defaults of {@code feedback}: {@link #defaults(int)} for explicit, and for implicit the
   * values chosen on MovieLens-100K leave-one-out (see docs/research.md, "Implicit feedback").
   */
  public static TrainingConfig defaults(int rank, Feedback feedback) {
    if (feedback == Feedback.EXPLICIT) {
      return defaults(rank);
    }
    if (feedback == Feedback.BPR) {
      return new TrainingConfig(rank, BPR_USER_REGULARIZATION, 10f, BPR_ITEM_REGULARIZATION,
          BPR_LOCAL_STEPS, BPR_LEARNING_RATE, 1f, 5f, 1e-4f, Feedback.BPR, 0f);
    }
    return new TrainingConfig(rank, 1f, 10f, 0f, 1, 0.02f, 1f, 5f, 1e-4f,
        Feedback.IMPLICIT, DEFAULT_IMPLICIT_ALPHA);
  }

  public TrainingConfig withRank(int newRank) {
    return new TrainingConfig(
        newRank, userRegularization, userBiasRegularization, itemRegularization, localSteps,
        localLearningRate, ratingMin, ratingMax, itemWeightDecay, feedback, implicitAlpha);
  }

  /** The same values with another feedback mode and confidence slope. */
  public TrainingConfig withFeedback(Feedback newFeedback, float newImplicitAlpha) {
    return new TrainingConfig(
        rank, userRegularization, userBiasRegularization, itemRegularization, localSteps,
        localLearningRate, ratingMin, ratingMax, itemWeightDecay, newFeedback, newImplicitAlpha);
  }

  /** True for implicit interactions, fitted by weighted MF or by BPR. */
  public boolean implicit() {
    return feedback.implicit();
  }
}
