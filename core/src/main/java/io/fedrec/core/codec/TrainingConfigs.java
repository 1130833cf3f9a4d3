package io.fedrec.core.codec;

import io.fedrec.core.model.Feedback;
import io.fedrec.core.model.TrainingConfig;

/** Converts {@link TrainingConfig} to and from its wire form; decoding validates. */
public final class TrainingConfigs {
  private TrainingConfigs() {}

  public static io.fedrec.proto.v1.TrainingConfig toProto(TrainingConfig c) {
    return io.fedrec.proto.v1.TrainingConfig.newBuilder()
        .setRank(c.rank())
        .setUserRegularization(c.userRegularization())
        .setUserBiasRegularization(c.userBiasRegularization())
        .setItemRegularization(c.itemRegularization())
        .setLocalSteps(c.localSteps())
        .setLocalLearningRate(c.localLearningRate())
        .setRatingMin(c.ratingMin())
        .setRatingMax(c.ratingMax())
        .setItemWeightDecay(c.itemWeightDecay())
        .setFeedback(switch (c.feedback()) {
          case EXPLICIT -> io.fedrec.proto.v1.Feedback.FEEDBACK_EXPLICIT;
          case IMPLICIT -> io.fedrec.proto.v1.Feedback.FEEDBACK_IMPLICIT;
          case BPR -> io.fedrec.proto.v1.Feedback.FEEDBACK_IMPLICIT_BPR;
        })
        .setImplicitAlpha(c.implicitAlpha())
        .build();
  }

  /**
   * Decodes and validates. An absent {@code feedback} (a config from before the field existed)
   * reads as explicit.
   *
   * @throws IllegalArgumentException naming the first invalid field, including a feedback value
   *     this version does not know
   */
  public static TrainingConfig fromProto(io.fedrec.proto.v1.TrainingConfig p) {
    Feedback feedback;
    switch (p.getFeedback()) {
      case FEEDBACK_EXPLICIT:
        feedback = Feedback.EXPLICIT;
        break;
      case FEEDBACK_IMPLICIT:
        feedback = Feedback.IMPLICIT;
        break;
      case FEEDBACK_IMPLICIT_BPR:
        feedback = Feedback.BPR;
        break;
      default:
        throw new IllegalArgumentException("feedback must be FEEDBACK_EXPLICIT, FEEDBACK_IMPLICIT"
            + " or FEEDBACK_IMPLICIT_BPR. Provided value: "
                + p.getFeedbackValue());
    }
    return new TrainingConfig(
        p.getRank(),
        p.getUserRegularization(),
        p.getUserBiasRegularization(),
        p.getItemRegularization(),
        p.getLocalSteps(),
        p.getLocalLearningRate(),
        p.getRatingMin(),
        p.getRatingMax(),
        p.getItemWeightDecay(),
        feedback,
        p.getImplicitAlpha());
  }
}
