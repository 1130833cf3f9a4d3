package io.fedrec.core.dp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PldAccountantTest {

  private static final double DELTA = 1e-5;

  /** Rounding slack for "never below the exact value": FFT and erfc rounding, about 1e-15. */
  private static final double ROUNDING = 1e-14;

  /** Balle and Wang 2018, Theorem 8: exact delta(eps) of the Gaussian mechanism, sensitivity 1. */
  private static double exactGaussianDelta(double z, double epsilon) {
    return GaussianTails.normalCdf(-epsilon * z + 1 / (2 * z))
        - Math.exp(epsilon) * GaussianTails.normalCdf(-epsilon * z - 1 / (2 * z));
  }

  /** Exact Gaussian epsilon for delta by bisection on the decreasing closed form. */
  private static double exactGaussianEpsilon(double z, double delta) {
    double lo = 0;
    double hi = 100;
    for (int i = 0; i < 200; i++) {
      double mid = 0.5 * (lo + hi);
      if (exactGaussianDelta(z, mid) > delta) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return hi;
  }

  // ---- Reference settings: dp_accounting 0.6 and the RDP values --------------------------------

  @Test
  void epsilon_tfPrivacyMnistSetting_matchesDpAccountingAndBeatsRdp() {
    PldAccountant pld = PldAccountant.create().compose(150.0 / 60000, 1.3, 6000);
    double eps = pld.epsilon(DELTA);
    // dp_accounting from_gaussian_mechanism(1.3, sampling_prob=0.0025,
    // value_discretization_interval=1e-4).self_compose(6000): 0.6401109264440167 (1e-5: 0.64000).
    assertEquals(0.6401109264440167, eps, 1e-6);
    double rdp = RdpAccountant.create().compose(150.0 / 60000, 1.3, 6000).epsilon(DELTA);
    assertTrue(eps < rdp, eps + " >= RDP " + rdp);
  }

  @Test
  void epsilon_opacusSetting_matchesDpAccountingAndBeatsRdp() {
    PldAccountant pld = PldAccountant.create().compose(0.04, 1.5, 2250);
    double eps = pld.epsilon(DELTA);
    // dp_accounting, same call as above with q = 0.04, z = 1.5, 2250 steps: 6.768787373893697.
    assertEquals(6.768787373893697, eps, 1e-6);
    double rdp =
        RdpAccountant.withOrders(RdpAccountant.opacusOrders())
            .compose(0.04, 1.5, 2250)
            .epsilon(DELTA);
    assertTrue(eps < rdp, eps + " >= RDP " + rdp);
  }

  @Test
  void epsilon_coarseInterval_isPessimisticAndCloseToDpAccounting() {
    double coarse = PldAccountant.create(1e-3).compose(150.0 / 60000, 1.3, 6000).epsilon(DELTA);
    // dp_accounting at 1e-3: 0.6505770762800158; converged value (1e-5): 0.6400047.
    assertEquals(0.6505770762800158, coarse, 1e-6);
    assertTrue(coarse >= 0.6400047);
  }

  @Test
  void delta_referenceSetting_matchesDpAccounting() {
    double delta = PldAccountant.create(1e-3).compose(0.01, 1.0, 1000).delta(1.0);
    // dp_accounting (q = 0.01, z = 1.0, 1000 steps, interval 1e-3): get_delta_for_epsilon(1.0).
    assertEquals(0.002620057610013075, delta, 1e-9);
  }

  // ---- Closed form: q = 1 is the Gaussian mechanism ---------------------------------------------

  @Test
  void delta_fullSamplingOneStep_isExactClosedFormWithinRounding() {
    PldAccountant pld = PldAccountant.create().compose(1.0, 2.0, 1);
    for (double eps = 0; eps <= 4; eps += 0.0137) {
      double exact = exactGaussianDelta(2.0, eps);
      double got = pld.delta(eps);
      assertTrue(got >= exact - ROUNDING, "eps=" + eps + ": " + got + " < exact " + exact);
      assertTrue(
          got - exact <= 1e-9 * exact + ROUNDING, "eps=" + eps + ": " + got + " vs " + exact);
    }
  }

  @Test
  void delta_fullSamplingComposed_isAboveClosedFormWithinDiscretisationError() {
    // 10 steps at z = 5 compose to one Gaussian with z / sqrt(10).
    PldAccountant pld = PldAccountant.create(1e-3).compose(1.0, 5.0, 10);
    double zEff = 5.0 / Math.sqrt(10);
    for (double eps = 0; eps <= 4; eps += 0.0137) {
      double exact = exactGaussianDelta(zEff, eps);
      double got = pld.delta(eps);
      assertTrue(got >= exact - ROUNDING, "eps=" + eps + ": " + got + " < exact " + exact);
      // Measured worst relative excess 1.1e-4 at h = 1e-3 (1.3e-5 at 1e-4).
      assertTrue(
          got - exact <= 2e-4 * exact + ROUNDING, "eps=" + eps + ": " + got + " vs " + exact);
    }
  }

  @Test
  void epsilon_fullSampling_isAtLeastExactAndWithinDiscretisation() {
    double exact = exactGaussianEpsilon(2.0, DELTA);
    double got = PldAccountant.create().compose(1.0, 2.0, 1).epsilon(DELTA);
    assertTrue(got >= exact - 1e-12, got + " < exact " + exact);
    assertTrue(got - exact < 1e-6, got + " vs exact " + exact);
  }

  @Test
  void epsilon_fullSampling_isBelowRdp() {
    double pld = PldAccountant.create().compose(1.0, 2.0, 1).epsilon(DELTA);
    double rdp = RdpAccountant.create().compose(1.0, 2.0, 1).epsilon(DELTA);
    assertTrue(pld < rdp, pld + " >= " + rdp);
  }

  // ---- Structure -------------------------------------------------------------------------------

  @Test
  void epsilon_variousSettings_neverAboveRdp() {
    double[][] settings = {{0.001, 0.8, 1000}, {0.1, 2.0, 50}, {0.5, 3.0, 20}, {0.02, 1.0, 300}};
    for (double[] s : settings) {
      double pld = PldAccountant.create(1e-3).compose(s[0], s[1], (long) s[2]).epsilon(DELTA);
      double rdp = RdpAccountant.create().compose(s[0], s[1], (long) s[2]).epsilon(DELTA);
      assertTrue(pld <= rdp, java.util.Arrays.toString(s) + ": PLD " + pld + " > RDP " + rdp);
    }
  }

  @Test
  void epsilon_moreSteps_isLarger() {
    double previous = -1;
    for (long steps : new long[] {1, 10, 100, 1000}) {
      double eps = PldAccountant.create(1e-3).compose(0.01, 1.0, steps).epsilon(DELTA);
      assertTrue(eps > previous, steps + " steps: " + eps + " <= " + previous);
      previous = eps;
    }
  }

  @Test
  void epsilon_moreNoise_isSmaller() {
    double previous = Double.POSITIVE_INFINITY;
    for (double z : new double[] {0.7, 1.0, 1.5, 3.0}) {
      double eps = PldAccountant.create(1e-3).compose(0.01, z, 200).epsilon(DELTA);
      assertTrue(eps < previous, "z=" + z + ": " + eps + " >= " + previous);
      previous = eps;
    }
  }

  @Test
  void compose_twice_matchesOnceWithDoubleSteps() {
    double twice =
        PldAccountant.create(1e-3).compose(0.02, 1.1, 250).compose(0.02, 1.1, 250).epsilon(DELTA);
    double once = PldAccountant.create(1e-3).compose(0.02, 1.1, 500).epsilon(DELTA);
    // Same discretised PMF composed in a different order; only truncation differs.
    assertEquals(once, twice, 1e-9);
  }

  @Test
  void compose_changingParameters_isBetweenItsParts() {
    double first = PldAccountant.create(1e-3).compose(0.01, 1.0, 300).epsilon(DELTA);
    double both =
        PldAccountant.create(1e-3).compose(0.01, 1.0, 300).compose(0.05, 2.0, 70).epsilon(DELTA);
    double rdp =
        RdpAccountant.create().compose(0.01, 1.0, 300).compose(0.05, 2.0, 70).epsilon(DELTA);
    assertTrue(both > first, both + " <= " + first);
    assertTrue(both < rdp, both + " >= RDP " + rdp);
  }

  @Test
  void compose_manySingleSteps_matchesOneBatch() {
    PldAccountant perRound = PldAccountant.create(1e-3);
    for (int round = 0; round < 50; round++) {
      perRound.compose(0.01, 1.0, 1);
    }
    double batch = PldAccountant.create(1e-3).compose(0.01, 1.0, 50).epsilon(DELTA);
    assertEquals(batch, perRound.epsilon(DELTA), 1e-8);
  }

  @Test
  void delta_atReportedEpsilon_isAtMostTarget() {
    PldAccountant pld = PldAccountant.create(1e-3).compose(0.04, 1.5, 500);
    double eps = pld.epsilon(DELTA);
    assertTrue(pld.delta(eps) <= DELTA * (1 + 1e-9), pld.delta(eps) + " > " + DELTA);
    assertTrue(pld.delta(eps - 0.01) > DELTA);
  }

  @Test
  void epsilon_zeroSamplingRate_isZero() {
    PldAccountant pld = PldAccountant.create().compose(0.0, 1.0, 100);
    assertEquals(0.0, pld.epsilon(DELTA));
    assertEquals(0.0, pld.delta(0.0));
  }

  @Test
  void epsilon_tinySamplingRate_isSmall() {
    double eps = PldAccountant.create().compose(1e-6, 1.0, 10).epsilon(DELTA);
    assertTrue(eps >= 0 && eps < 1e-3, "eps " + eps);
  }

  // ---- One-step PMF ----------------------------------------------------------------------------

  @Test
  void removePmf_connectTheDots_matchesExactDeltaAtGridPoints() {
    double h = 1e-3;
    PrivacyLossPmf pmf = PldAccountant.removePmf(0.05, 1.2, h);
    assertEquals(1.0, pmf.totalMass(), 1e-12);
    for (int k = 0; k < pmf.size(); k += 97) {
      double eps = pmf.loss(k);
      double exact = PldAccountant.removeDelta(0.05, 1.2, eps);
      assertEquals(exact, pmf.delta(eps), 1e-12 + 1e-9 * exact, "eps=" + eps);
    }
  }

  @Test
  void addPmf_connectTheDots_matchesExactDeltaAtGridPoints() {
    double h = 1e-3;
    PrivacyLossPmf pmf = PldAccountant.addPmf(0.05, 1.2, h);
    // Clamping rounding noise (about 1e-16 / h per point) in the far low tail adds up to ~1e-9.
    assertTrue(pmf.totalMass() >= 1 - 1e-12 && pmf.totalMass() <= 1 + 1e-8, "" + pmf.totalMass());
    for (int k = 0; k < pmf.size(); k += 97) {
      double eps = pmf.loss(k);
      double exact = PldAccountant.addDelta(0.05, 1.2, eps);
      assertEquals(exact, pmf.delta(eps), 1e-12 + 1e-9 * exact, "eps=" + eps);
    }
  }

  @Test
  void removeAndAddDelta_fullSampling_agreeWithBalleWang() {
    for (double eps = -1; eps <= 3; eps += 0.25) {
      double exact = eps < 0 ? Double.NaN : exactGaussianDelta(1.3, eps);
      double remove = PldAccountant.removeDelta(1.0, 1.3, eps);
      double add = PldAccountant.addDelta(1.0, 1.3, eps);
      assertEquals(remove, add, 1e-15 + 1e-12 * remove);
      if (eps >= 0) {
        assertEquals(exact, remove, 1e-15 + 1e-12 * exact);
      }
    }
  }

  // ---- Validation ------------------------------------------------------------------------------

  @Test
  void compose_nanNoiseMultiplier_throwsWithValue() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> PldAccountant.create().compose(0.01, Double.NaN, 10));
    assertEquals("noiseMultiplier must be > 0 and finite. Provided value: NaN", e.getMessage());
  }

  @Test
  void compose_negativeSamplingRate_throws() {
    assertThrows(
        IllegalArgumentException.class, () -> PldAccountant.create().compose(-0.1, 1.0, 10));
  }

  @Test
  void compose_zeroSteps_throws() {
    assertThrows(IllegalArgumentException.class, () -> PldAccountant.create().compose(0.1, 1.0, 0));
  }

  @Test
  void epsilon_deltaOne_throwsWithValue() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> PldAccountant.create().epsilon(1.0));
    assertEquals("delta must be in (0, 1). Provided value: 1.0", e.getMessage());
  }

  @Test
  void delta_negativeEpsilon_throws() {
    assertThrows(IllegalArgumentException.class, () -> PldAccountant.create().delta(-0.5));
  }

  @Test
  void create_intervalOutOfRange_throws() {
    assertThrows(IllegalArgumentException.class, () -> PldAccountant.create(0.0));
    assertThrows(IllegalArgumentException.class, () -> PldAccountant.create(Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> PldAccountant.create(1.0));
  }
}
