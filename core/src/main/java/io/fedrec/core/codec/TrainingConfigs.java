package io.fedrec.core.codec;

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
        .build();
  }

  /** @throws IllegalArgumentException naming the first invalid field */
  public static TrainingConfig fromProto(io.fedrec.proto.v1.TrainingConfig p) {
    return new TrainingConfig(
        p.getRank(),
        p.getUserRegularization(),
        p.getUserBiasRegularization(),
        p.getItemRegularization(),
        p.getLocalSteps(),
        p.getLocalLearningRate(),
        p.getRatingMin(),
        p.getRatingMax(),
        p.getItemWeightDecay());
  }
}
