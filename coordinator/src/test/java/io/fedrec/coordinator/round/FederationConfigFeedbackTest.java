package io.fedrec.coordinator.round;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.fedrec.core.model.Feedback;
import io.fedrec.core.model.TrainingConfig;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The {@code feedback} and {@code implicit_alpha} keys of a federation's properties. */
class FederationConfigFeedbackTest {

  @Test
  void toProperties_implicitRoundTrip_preservesFeedbackAndAlpha() {
    FederationConfig c = FederationConfig.builder()
        .numItems(100)
        .training(new TrainingConfig(
            8, 2f, 4f, 0.2f, 3, 0.01f, 1f, 5f, 1e-3f, Feedback.IMPLICIT, 7.5f))
        .build();

    Properties p = c.toProperties();
    FederationConfig back = FederationConfig.fromProperties(p);

    assertEquals("implicit", p.getProperty("feedback"));
    assertEquals("7.5", p.getProperty("implicit_alpha"));
    assertEquals(c, back);
    assertEquals(Feedback.IMPLICIT, back.training().feedback());
  }

  @Test
  void fromProperties_withoutFeedbackKeys_isExplicit() {
    Properties p = new Properties();
    p.setProperty("num_items", "10");

    FederationConfig c = FederationConfig.fromProperties(p);

    assertEquals(TrainingConfig.defaults(16), c.training());
  }

  @Test
  void fromProperties_feedbackImplicitOnly_takesImplicitDefaults() {
    Properties p = new Properties();
    p.setProperty("num_items", "10");
    p.setProperty("rank", "8");
    p.setProperty("feedback", "implicit");

    FederationConfig c = FederationConfig.fromProperties(p);

    assertEquals(TrainingConfig.defaults(8, Feedback.IMPLICIT), c.training());
  }

  @Test
  void fromProperties_feedbackBpr_takesBprDefaultsAndRoundTrips() {
    Properties p = new Properties();
    p.setProperty("num_items", "10");
    p.setProperty("rank", "8");
    p.setProperty("feedback", "bpr");

    FederationConfig c = FederationConfig.fromProperties(p);

    assertEquals(TrainingConfig.defaults(8, Feedback.BPR), c.training());
    assertEquals(0f, c.training().implicitAlpha());
    assertEquals(c, FederationConfig.fromProperties(c.toProperties()));
  }

  @Test
  void fromProperties_unknownFeedback_namesKeyAndValue() {
    Properties p = new Properties();
    p.setProperty("num_items", "10");
    p.setProperty("feedback", "clicks");

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> FederationConfig.fromProperties(p));

    assertEquals("feedback must be one of explicit, implicit, bpr. Provided value: clicks",
        e.getMessage());
  }

  @Test
  void fromProperties_explicitWithAlpha_namesKeyAndValue() {
    Properties p = new Properties();
    p.setProperty("num_items", "10");
    p.setProperty("implicit_alpha", "3");

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> FederationConfig.fromProperties(p));

    assertEquals("implicit_alpha must be 0 with feedback explicit. Provided value: 3.0",
        e.getMessage());
  }
}
