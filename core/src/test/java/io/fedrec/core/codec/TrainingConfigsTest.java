package io.fedrec.core.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
}
