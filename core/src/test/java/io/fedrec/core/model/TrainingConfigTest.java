package io.fedrec.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class TrainingConfigTest {

  private static String messageOf(Executable constructor) {
    return assertThrows(IllegalArgumentException.class, constructor).getMessage();
  }

  @Test
  void defaults_rank_hasDocumentedValues() {
    TrainingConfig c = TrainingConfig.defaults(16);

    assertEquals(16, c.rank());
    assertEquals(10f, c.userRegularization());
    assertEquals(10f, c.userBiasRegularization());
    assertEquals(0.1f, c.itemRegularization());
    assertEquals(2, c.localSteps());
    assertEquals(0.05f, c.localLearningRate());
    assertEquals(1f, c.ratingMin());
    assertEquals(5f, c.ratingMax());
    assertEquals(1e-4f, c.itemWeightDecay());
  }

  @Test
  void defaults_invalidRank_throwsNamingRank() {
    assertEquals(
        "rank must be in [1, 512]. Provided value: 0", messageOf(() -> TrainingConfig.defaults(0)));
  }

  @Test
  void withRank_newRank_keepsOtherFields() {
    TrainingConfig c = new TrainingConfig(8, 1f, 2f, 0.3f, 4, 0.01f, 0f, 10f, 0.5f);

    assertEquals(new TrainingConfig(32, 1f, 2f, 0.3f, 4, 0.01f, 0f, 10f, 0.5f), c.withRank(32));
  }

  @Test
  void constructor_rankAboveMax_throwsNamingRank() {
    assertEquals(
        "rank must be in [1, 512]. Provided value: 513",
        messageOf(() -> new TrainingConfig(513, 10f, 10f, 0.1f, 2, 0.05f, 1f, 5f, 1e-4f)));
  }

  @Test
  void constructor_zeroUserRegularization_throwsNamingField() {
    assertEquals(
        "user_regularization must be > 0 and finite. Provided value: 0.0",
        messageOf(() -> new TrainingConfig(8, 0f, 10f, 0.1f, 2, 0.05f, 1f, 5f, 1e-4f)));
  }

  @Test
  void constructor_nanUserBiasRegularization_throwsNamingField() {
    assertEquals(
        "user_bias_regularization must be > 0 and finite. Provided value: NaN",
        messageOf(() -> new TrainingConfig(8, 10f, Float.NaN, 0.1f, 2, 0.05f, 1f, 5f, 1e-4f)));
  }

  @Test
  void constructor_negativeItemRegularization_throwsNamingField() {
    assertEquals(
        "item_regularization must be >= 0 and finite. Provided value: -0.5",
        messageOf(() -> new TrainingConfig(8, 10f, 10f, -0.5f, 2, 0.05f, 1f, 5f, 1e-4f)));
  }

  @Test
  void constructor_zeroItemRegularization_isAccepted() {
    assertEquals(
        0f, new TrainingConfig(8, 10f, 10f, 0f, 2, 0.05f, 1f, 5f, 1e-4f).itemRegularization());
  }

  @Test
  void constructor_tooManyLocalSteps_throwsNamingField() {
    assertEquals(
        "local_steps must be in [1, 1000]. Provided value: 1001",
        messageOf(() -> new TrainingConfig(8, 10f, 10f, 0.1f, 1001, 0.05f, 1f, 5f, 1e-4f)));
  }

  @Test
  void constructor_infiniteLearningRate_throwsNamingField() {
    assertEquals(
        "local_learning_rate must be > 0 and finite. Provided value: Infinity",
        messageOf(
            () -> new TrainingConfig(8, 10f, 10f, 0.1f, 2, Float.POSITIVE_INFINITY, 1f, 5f, 1e-4f)));
  }

  @Test
  void constructor_ratingMinOutOfRange_throwsNamingField() {
    assertEquals(
        "rating_min must be finite and in [-1000000.0, 1000000.0]. Provided value: -2.0E7",
        messageOf(() -> new TrainingConfig(8, 10f, 10f, 0.1f, 2, 0.05f, -2e7f, 5f, 1e-4f)));
  }

  @Test
  void constructor_ratingMaxNaN_throwsNamingField() {
    assertEquals(
        "rating_max must be finite and in [-1000000.0, 1000000.0]. Provided value: NaN",
        messageOf(() -> new TrainingConfig(8, 10f, 10f, 0.1f, 2, 0.05f, 1f, Float.NaN, 0f)));
  }

  @Test
  void constructor_ratingMaxEqualsMin_throwsNamingBothValues() {
    assertEquals(
        "rating_max must be > rating_min. Provided values: rating_min=5.0, rating_max=5.0",
        messageOf(() -> new TrainingConfig(8, 10f, 10f, 0.1f, 2, 0.05f, 5f, 5f, 1e-4f)));
  }

  @Test
  void constructor_weightDecayAboveOne_throwsNamingField() {
    assertEquals(
        "item_weight_decay must be > 0 and <= 1 (it keeps every coordinate of an update non-zero)."
            + " Provided value: 2.0",
        messageOf(() -> new TrainingConfig(8, 10f, 10f, 0.1f, 2, 0.05f, 1f, 5f, 2f)));
  }

  @Test
  void constructor_zeroWeightDecay_refusedBecauseUpdatesWouldBeSparse() {
    assertEquals(
        "item_weight_decay must be > 0 and <= 1 (it keeps every coordinate of an update non-zero)."
            + " Provided value: 0.0",
        messageOf(() -> new TrainingConfig(8, 10f, 10f, 0.1f, 2, 0.05f, 1f, 5f, 0f)));
  }

  @Test
  void constructor_nineArguments_isExplicitWithZeroAlpha() {
    TrainingConfig c = new TrainingConfig(8, 10f, 10f, 0.1f, 2, 0.05f, 1f, 5f, 1e-4f);

    assertEquals(Feedback.EXPLICIT, c.feedback());
    assertEquals(0f, c.implicitAlpha());
  }

  @Test
  void constructor_implicitZeroAlpha_throwsNamingField() {
    assertEquals(
        "implicit_alpha must be > 0 and <= 10000.0 with feedback implicit. Provided value: 0.0",
        messageOf(() -> new TrainingConfig(
            8, 1f, 10f, 0f, 1, 0.01f, 1f, 5f, 1e-4f, Feedback.IMPLICIT, 0f)));
  }

  @Test
  void constructor_implicitNaNAlpha_throwsNamingField() {
    assertEquals(
        "implicit_alpha must be > 0 and <= 10000.0 with feedback implicit. Provided value: NaN",
        messageOf(() -> new TrainingConfig(
            8, 1f, 10f, 0f, 1, 0.01f, 1f, 5f, 1e-4f, Feedback.IMPLICIT, Float.NaN)));
  }

  @Test
  void constructor_explicitWithAlpha_throwsNamingField() {
    assertEquals(
        "implicit_alpha must be 0 with feedback explicit. Provided value: 3.0",
        messageOf(() -> new TrainingConfig(
            8, 1f, 10f, 0f, 1, 0.01f, 1f, 5f, 1e-4f, Feedback.EXPLICIT, 3f)));
  }

  @Test
  void defaults_implicit_isImplicitWithDefaultAlpha() {
    TrainingConfig c = TrainingConfig.defaults(32, Feedback.IMPLICIT);

    assertEquals(32, c.rank());
    assertEquals(Feedback.IMPLICIT, c.feedback());
    assertEquals(TrainingConfig.DEFAULT_IMPLICIT_ALPHA, c.implicitAlpha());
    assertEquals(TrainingConfig.defaults(32), TrainingConfig.defaults(32, Feedback.EXPLICIT));
  }

  @Test
  void withRank_implicit_keepsFeedbackAndAlpha() {
    TrainingConfig c = TrainingConfig.defaults(8, Feedback.IMPLICIT).withRank(4);

    assertEquals(TrainingConfig.defaults(4, Feedback.IMPLICIT), c);
  }

  @Test
  void parse_feedbackNames_caseInsensitiveAndRejectsOthers() {
    assertEquals(Feedback.IMPLICIT, Feedback.parse(" Implicit"));
    assertEquals(Feedback.EXPLICIT, Feedback.parse("explicit"));
    assertEquals("feedback must be one of explicit, implicit, bpr. Provided value: clicks",
        messageOf(() -> Feedback.parse("clicks")));
  }
}
