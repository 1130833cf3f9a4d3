package io.fedrec.simulator.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Diurnal availability and stragglers: the documented curve and rates, reproducibly. */
class ClientBehaviourTest {
  private static final int CLIENTS = 20_000;

  @Test
  void diurnal_curvePeaksInTheEveningAndBottomsOutInTheMorning() {
    assertEquals(0.9, ClientBehaviour.diurnal(20), 1e-12);
    assertEquals(0.1, ClientBehaviour.diurnal(8), 1e-12);
    assertEquals(0.5, ClientBehaviour.diurnal(14), 1e-12);
  }

  @Test
  void diurnal_everyoneAvailableHalfTheTimeOnAverage_andTheMixChangesWithTheClock() {
    ClientBehaviour b = new ClientBehaviour(ClientBehaviour.Availability.DIURNAL, 60, 0, 1,
        CLIENTS, 7);
    // time zones are uniform, so at any hour the expected available share is the curve's mean,
    // 0.5; the standard error over 20,000 clients is 0.0035
    for (long round = 1; round <= 48; round += 6) {
      int n = 0;
      for (int c = 0; c < CLIENTS; c++) {
        if (b.available(c, round)) {
          n++;
        }
      }
      assertEquals(0.5, (double) n / CLIENTS, 0.02, "round " + round);
    }
    // one client over a simulated day: available about as often as its curve says
    int hits = 0;
    int days = 400;
    for (long round = 1; round <= 24 * days; round++) {
      if (b.available(5, round)) {
        hits++;
      }
    }
    assertEquals(0.5, (double) hits / (24 * days), 0.02);
    ClientBehaviour always = new ClientBehaviour(ClientBehaviour.Availability.ALWAYS, 10, 0, 1,
        CLIENTS, 7);
    assertTrue(always.available(123, 99));
  }

  @Test
  void stragglers_rateAsConfigured_andTheSameSlowDevicesStraggleAgain() {
    ClientBehaviour b = new ClientBehaviour(ClientBehaviour.Availability.ALWAYS, 10, 0.2, 1,
        CLIENTS, 3);
    int[] perClient = new int[CLIENTS];
    int total = 0;
    int rounds = 20;
    for (long round = 1; round <= rounds; round++) {
      for (int c = 0; c < CLIENTS; c++) {
        if (b.straggles(c, round)) {
          perClient[c]++;
          total++;
        }
      }
    }
    assertEquals(0.2, (double) total / (CLIENTS * rounds), 0.01);
    // persistent speed: a fifth of the rounds on average, but concentrated on slow devices
    int chronic = 0;
    int never = 0;
    for (int n : perClient) {
      if (n >= rounds / 2) {
        chronic++;
      }
      if (n == 0) {
        never++;
      }
    }
    assertTrue(chronic > CLIENTS / 20, "chronic " + chronic);
    assertTrue(never > CLIENTS / 2, "never " + never);
    ClientBehaviour none = new ClientBehaviour(ClientBehaviour.Availability.ALWAYS, 10, 0, 1,
        CLIENTS, 3);
    assertTrue(!none.straggles(1, 1));
  }

  @Test
  void inverseNormal_matchesKnownQuantiles() {
    assertEquals(0, ClientBehaviour.inverseNormal(0.5), 1e-9);
    assertEquals(1.6448536269514722, ClientBehaviour.inverseNormal(0.95), 1e-8);
    assertEquals(-2.3263478740408408, ClientBehaviour.inverseNormal(0.01), 1e-8);
    assertEquals(4.753424308822899, ClientBehaviour.inverseNormal(1 - 1e-6), 1e-6);
    assertThrows(IllegalArgumentException.class, () -> ClientBehaviour.inverseNormal(1));
  }
}
