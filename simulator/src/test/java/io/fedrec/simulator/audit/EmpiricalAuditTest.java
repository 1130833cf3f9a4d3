package io.fedrec.simulator.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedrec.simulator.sim.DpOptions;
import io.fedrec.simulator.sim.SimulationConfig;
import org.junit.jupiter.api.Test;

/**
 * The one-run audit: without noise it finds the canaries; with noise its lower bound stays below
 * the accounted epsilon. Small federations (a few seconds each).
 */
class EmpiricalAuditTest {
  private static SimulationConfig.Builder config() {
    return SimulationConfig.builder().rounds(60).clientsPerRound(100).evalEvery(60).threads(2)
        .seed(3);
  }

  @Test
  void binomialTail_andTheBound_matchHandComputedValues() {
    // P[Bin(4, 0.5) >= 3] = 5/16
    assertEquals(5.0 / 16, EmpiricalAudit.tail(4, 3, 0.5), 1e-12);
    assertEquals(1.0, EmpiricalAudit.tail(4, 0, 0.3), 1e-12);
    assertEquals(0.0, EmpiricalAudit.tail(4, 5, 0.3), 1e-12);
    // all r correct: the bound solves p^r = 0.05, eps = ln(p / (1 - p))
    double p = Math.pow(0.05, 1.0 / 100);
    assertEquals(Math.log(p / (1 - p)), EmpiricalAudit.lowerBound(100, 100, 0.05), 1e-6);
    // chance level: no bound
    assertEquals(0.0, EmpiricalAudit.lowerBound(100, 55, 0.05));
  }

  @Test
  void withoutNoise_theCanariesAreFound() {
    EmpiricalAudit.Result r = EmpiricalAudit.run(config().build(), 300, 200, 80);
    assertEquals(40, r.guesses());
    assertTrue(r.correct() >= 36, "correct " + r.correct() + " of " + r.guesses());
    assertTrue(r.epsilonLowerBound() > 1.0, "lower bound " + r.epsilonLowerBound());
    assertTrue(Double.isNaN(r.epsilonAccounted()));
  }

  @Test
  void withNoise_theBoundStaysBelowTheAccountedEpsilon() {
    EmpiricalAudit.Result r = EmpiricalAudit.run(
        config().privacy(new DpOptions(2, 1e-5, 1.0, 0, "central")).serverLearningRate(30)
            .build(), 300, 200, 80);
    assertTrue(r.epsilonAccounted() <= 2.0 + 1e-9, "accounted " + r.epsilonAccounted());
    assertTrue(r.epsilonLowerBound() <= r.epsilonAccounted(),
        "lower bound " + r.epsilonLowerBound() + " above accounted " + r.epsilonAccounted());
  }

  @Test
  void canaryCount_mustBeAMultipleOfFour() {
    assertThrows(IllegalArgumentException.class,
        () -> EmpiricalAudit.run(config().build(), 300, 200, 10));
  }
}
