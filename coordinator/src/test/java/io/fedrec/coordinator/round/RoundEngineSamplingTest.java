package io.fedrec.coordinator.round;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedrec.core.model.TrainingConfig;
import io.fedrec.proto.v1.CheckInRequest;
import io.fedrec.proto.v1.CheckInResponse;
import java.time.Duration;
import java.util.Properties;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Poisson sampling of the cohort ({@code selection_probability}). */
class RoundEngineSamplingTest {
  private final TestClock clock = new TestClock();

  private RoundEngine engine(double q, int cap) {
    FederationConfig config = FederationConfig.builder()
        .numItems(3)
        .training(TrainingConfig.defaults(2))
        .rounds(2)
        .clientsPerRound(cap)
        .minClients(1)
        .selectionTimeout(Duration.ofSeconds(10))
        .roundTimeout(Duration.ofSeconds(60))
        .selectionProbability(q)
        .build();
    return RoundEngine.builder(config).clock(clock).tokenRandom(new Random(5)).build();
  }

  private static CheckInResponse checkIn(RoundEngine e, String id) {
    return e.checkIn(CheckInRequest.newBuilder().setClientId(id).build());
  }

  /**
   * 2,000 clients at q = 0.3: the number selected is Binomial(2000, 0.3), mean 600, sd 20.5; the
   * test allows 5 sd (false-failure rate below 1e-6); each client gets the same answer when it
   * checks in again, and the window stays open until the selection timeout.
   */
  @Test
  void selectsEachClientIndependentlyWithTheProbability() {
    RoundEngine e = engine(0.3, 100_000);
    int selected = 0;
    for (int i = 0; i < 2000; i++) {
      CheckInResponse r = checkIn(e, "device-" + i);
      if (r.hasTask()) {
        selected++;
      } else {
        assertEquals("not_selected", r.getRetry().getReason());
      }
      assertEquals(r.hasTask(), checkIn(e, "device-" + i).hasTask(), "same answer twice");
    }
    assertTrue(Math.abs(selected - 600) < 5 * 20.5, "selected " + selected);
    assertEquals(EngineStatus.Phase.SELECTION, e.status().phase());
    clock.advance(Duration.ofSeconds(11));
    e.tick();
    assertEquals(EngineStatus.Phase.TRAINING, e.status().phase());
    assertEquals(selected, e.status().selected());
  }

  @Test
  void theCapClosesSelectionEarly() {
    RoundEngine e = engine(1.0, 5);
    for (int i = 0; i < 5; i++) {
      assertTrue(checkIn(e, "c" + i).hasTask());
    }
    assertEquals("cohort_full", checkIn(e, "c9").getRetry().getReason());
  }

  @Test
  void invalidProbabilityOrAnAccountantThatWouldUnderCount_areRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> engine(1.5, 10));
    assertTrue(e.getMessage().startsWith("selection_probability must be 0 (first come) or in"),
        e.getMessage());
    Properties p = new Properties();
    p.setProperty("num_items", "3");
    p.setProperty("clients_per_round", "100");
    p.setProperty("selection_probability", "0.2");
    p.setProperty("privacy_mode", "central");
    p.setProperty("privacy_clip_norm", "0.5");
    p.setProperty("privacy_epsilon", "8");
    p.setProperty("privacy_delta", "1e-5");
    p.setProperty("privacy_population", "1000");
    p.setProperty("privacy_users_per_round", "100");
    e = assertThrows(IllegalArgumentException.class, () -> FederationConfig.fromProperties(p));
    assertTrue(e.getMessage().contains("is below selection_probability 0.2"), e.getMessage());
    p.setProperty("privacy_users_per_round", "200");
    assertEquals(0.2, FederationConfig.fromProperties(p).selectionProbability());
  }
}
