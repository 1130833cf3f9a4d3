package io.fedrec.core.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.fedrec.core.model.Feedback;
import io.fedrec.core.model.TrainingConfig;
import org.junit.jupiter.api.Test;

class TrainingConfigsTest {

  /** Every field distinct, so a swapped pair of fields shows. */
  private static final TrainingConfig CONFIG =
      new TrainingConfig(24, 3f, 4f, 0.25f, 7, 0.02f, -1f, 10f, 0.5f);

  @Test
  void toProto_distinctFields_copiesEachToItsField() {
    io.fedrec.proto.v1.TrainingConfig p = TrainingConfigs.toProto(CONFIG);

    assertEquals(24, p.getRank());
    assertEquals(3f, p.getUserRegularization());
    assertEquals(4f, p.getUserBiasRegularization());
    assertEquals(0.25f, p.getItemRegularization());
    assertEquals(7, p.getLocalSteps());
    assertEquals(0.02f, p.getLocalLearningRate());
    assertEquals(-1f, p.getRatingMin());
    assertEquals(10f, p.getRatingMax());
    assertEquals(0.5f, p.getItemWeightDecay());
  }

  @Test
  void fromProto_toProtoOutput_roundTripsToEqualConfig() {
    assertEquals(CONFIG, TrainingConfigs.fromProto(TrainingConfigs.toProto(CONFIG)));
  }

  @Test
  void fromProto_serializedBytes_roundTripsToEqualConfig() throws Exception {
    byte[] wire = TrainingConfigs.toProto(TrainingConfig.defaults(64)).toByteArray();

    TrainingConfig back =
        TrainingConfigs.fromProto(io.fedrec.proto.v1.TrainingConfig.parseFrom(wire));

    assertEquals(TrainingConfig.defaults(64), back);
  }

  @Test
  void fromProto_emptyMessage_throwsNamingRank() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                TrainingConfigs.fromProto(io.fedrec.proto.v1.TrainingConfig.getDefaultInstance()));

    assertEquals("rank must be in [1, 512]. Provided value: 0", e.getMessage());
  }

  @Test
  void fromProto_zeroLearningRate_throwsNamingField() {
    io.fedrec.proto.v1.TrainingConfig p =
        TrainingConfigs.toProto(CONFIG).toBuilder().setLocalLearningRate(0f).build();

    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> TrainingConfigs.fromProto(p));

    assertEquals("local_learning_rate must be > 0 and finite. Provided value: 0.0", e.getMessage());
  }

  @Test
  void fromProto_nanWeightDecay_throwsNamingField() {
    io.fedrec.proto.v1.TrainingConfig p =
        TrainingConfigs.toProto(CONFIG).toBuilder().setItemWeightDecay(Float.NaN).build();

    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> TrainingConfigs.fromProto(p));

    assertEquals(
        "item_weight_decay must be > 0 and <= 1 (it keeps every coordinate of an update non-zero)."
            + " Provided value: NaN", e.getMessage());
  }

  @Test
  void fromProto_invertedRatingScale_throwsNamingBothFields() {
    io.fedrec.proto.v1.TrainingConfig p =
        TrainingConfigs.toProto(CONFIG).toBuilder().setRatingMin(5f).setRatingMax(1f).build();

    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> TrainingConfigs.fromProto(p));

    assertEquals(
        "rating_max must be > rating_min. Provided values: rating_min=5.0, rating_max=1.0",
        e.getMessage());
  }

  /** Implicit, every field distinct. */
  private static final TrainingConfig IMPLICIT = new TrainingConfig(
      24, 3f, 4f, 0.25f, 7, 0.02f, -1f, 10f, 0.5f, Feedback.IMPLICIT, 12.5f);

  @Test
  void toProto_implicit_writesFeedbackAndAlpha() {
    io.fedrec.proto.v1.TrainingConfig p = TrainingConfigs.toProto(IMPLICIT);

    assertEquals(io.fedrec.proto.v1.Feedback.FEEDBACK_IMPLICIT, p.getFeedback());
    assertEquals(12.5f, p.getImplicitAlpha());
  }

  @Test
  void fromProto_implicitSerializedBytes_roundTripsToEqualConfig() throws Exception {
    byte[] wire = TrainingConfigs.toProto(IMPLICIT).toByteArray();

    TrainingConfig back =
        TrainingConfigs.fromProto(io.fedrec.proto.v1.TrainingConfig.parseFrom(wire));

    assertEquals(IMPLICIT, back);
  }

  @Test
  void fromProto_configWithoutFeedbackFields_readsAsExplicit() throws Exception {
    // The bytes of a config written before fields 10 and 11 existed: fields 1..9 only.
    io.fedrec.proto.v1.TrainingConfig old = io.fedrec.proto.v1.TrainingConfig.newBuilder()
        .setRank(16).setUserRegularization(10f).setUserBiasRegularization(10f)
        .setItemRegularization(0.1f).setLocalSteps(2).setLocalLearningRate(0.05f)
        .setRatingMin(1f).setRatingMax(5f).setItemWeightDecay(1e-4f).build();
    byte[] wire = old.toByteArray();

    TrainingConfig back =
        TrainingConfigs.fromProto(io.fedrec.proto.v1.TrainingConfig.parseFrom(wire));

    assertEquals(TrainingConfig.defaults(16), back);
    assertEquals(Feedback.EXPLICIT, back.feedback());
  }

  @Test
  void toProto_explicit_writesNoFeedbackBytes() {
    // explicit is the proto default, so explicit configs keep their old wire form exactly
    io.fedrec.proto.v1.TrainingConfig p = TrainingConfigs.toProto(CONFIG);

    assertEquals(false, p.toByteString().isEmpty());
    assertEquals(TrainingConfigs.toProto(CONFIG).toBuilder().clearFeedback().clearImplicitAlpha()
        .build().toByteString(), p.toByteString());
  }

  @Test
  void fromProto_unknownFeedbackNumber_throwsNamingField() {
    io.fedrec.proto.v1.TrainingConfig p =
        TrainingConfigs.toProto(CONFIG).toBuilder().setFeedbackValue(7).build();

    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> TrainingConfigs.fromProto(p));

    assertEquals("feedback must be FEEDBACK_EXPLICIT, FEEDBACK_IMPLICIT or FEEDBACK_IMPLICIT_BPR. Provided value: 7",
        e.getMessage());
  }

  @Test
  void fromProto_implicitWithoutAlpha_throwsNamingField() {
    io.fedrec.proto.v1.TrainingConfig p = TrainingConfigs.toProto(IMPLICIT).toBuilder()
        .clearImplicitAlpha().build();

    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> TrainingConfigs.fromProto(p));

    assertEquals(
        "implicit_alpha must be > 0 and <= 10000.0 with feedback implicit. Provided value: 0.0",
        e.getMessage());
  }
}
