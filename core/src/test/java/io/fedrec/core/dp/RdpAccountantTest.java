package io.fedrec.core.dp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RdpAccountantTest {

  /** TF Privacy MNIST tutorial: batch 150 of 60000, z = 1.3, 15 epochs = 6000 steps. */
  private static final double TF_Q = 150.0 / 60000;

  private static final double TF_Z = 1.3;
  private static final long TF_STEPS = 6000;

  /** Opacus' published example: q = 0.04, z = 1.5, 2250 steps. */
  private static final double OPACUS_Q = 0.04;

  private static final double OPACUS_Z = 1.5;
  private static final long OPACUS_STEPS = 2250;

  private static final double DELTA = 1e-5;

  @Test
  void epsilon_tfPrivacyMnistSettingDefaultOrders_is0_7242() {
    RdpAccountant acc = RdpAccountant.create().compose(TF_Q, TF_Z, TF_STEPS);
    assertEquals(0.7242, acc.epsilon(DELTA), 5e-5);
    // Independent SciPy port of TF Privacy's rdp_accountant.py: 0.724223402610934 at order 19.
    assertEquals(0.724223402610934, acc.epsilon(DELTA), 1e-9);
    assertEquals(19.0, acc.bestOrder(DELTA));
  }

  @Test
  void epsilon_tfPrivacyMnistSettingOpacusOrders_is0_7242() {
    RdpAccountant acc =
        RdpAccountant.withOrders(RdpAccountant.opacusOrders()).compose(TF_Q, TF_Z, TF_STEPS);
    assertEquals(0.7242, acc.epsilon(DELTA), 5e-5);
  }

  @Test
  void epsilon_opacusSettingOpacusOrders_is7_3291() {
    RdpAccountant acc =
        RdpAccountant.withOrders(RdpAccountant.opacusOrders())
            .compose(OPACUS_Q, OPACUS_Z, OPACUS_STEPS);
    assertEquals(7.3291, acc.epsilon(DELTA), 5e-5);
    assertEquals(7.3291111714386545, acc.epsilon(DELTA), 1e-9);
    assertEquals(3.9, acc.bestOrder(DELTA), 1e-12);
  }

  @Test
  void epsilon_opacusSettingDefaultOrders_is7_3291() {
    RdpAccountant acc = RdpAccountant.create().compose(OPACUS_Q, OPACUS_Z, OPACUS_STEPS);
    assertEquals(7.3291, acc.epsilon(DELTA), 5e-5);
  }

  /** Golden per-step RDP from the SciPy port of TF Privacy (integer and fractional orders). */
  @Test
  void sampledGaussianRdp_goldenValues_matchTfPrivacyToRelative1e10OrAbsolute1e13() {
    double[][] golden = {
      {0.01, 1.1, 1.5, 9.554528557684942e-05},
      {0.01, 1.1, 2.5, 0.00016207740933199663},
      {0.01, 1.1, 32, 8.469416433675926},
      {0.04, 1.5, 3.9, 0.0018332021995636277},
      {0.0025, 1.3, 19, 5.0377266148685057e-05},
      {0.3, 0.8, 7.7, 4.632031009167876},
      {0.3, 0.8, 200, 155.03997708107943},
      {0.001, 5.0, 1.1, 2.244511465935002e-08},
      {0.5, 2.0, 63.5, 7.233262630908841},
    };
    for (double[] g : golden) {
      double got = RdpAccountant.sampledGaussianRdp(g[0], g[1], g[2]);
      assertEquals(
          g[3], got, Math.max(1e-10 * g[3], 1e-13), "q=" + g[0] + " z=" + g[1] + " alpha=" + g[2]);
    }
  }

  @Test
  void sampledGaussianRdp_fullSampling_isAlphaOverTwoZSquared() {
    assertEquals(7.5 / (2 * 0.9 * 0.9), RdpAccountant.sampledGaussianRdp(1.0, 0.9, 7.5), 1e-15);
  }

  @Test
  void sampledGaussianRdp_integerOrderNearFractional_isContinuous() {
    double atInteger = RdpAccountant.sampledGaussianRdp(0.02, 1.2, 8.0);
    double nearby = RdpAccountant.sampledGaussianRdp(0.02, 1.2, 8.0 + 1e-9);
    assertEquals(atInteger, nearby, 1e-6 * atInteger);
  }

  @Test
  void epsilon_fullSampling_equalsDirectMinimisationOfClosedForm() {
    double z = 2.0;
    long steps = 10;
    double delta = 1e-6;
    double[] orders = RdpAccountant.defaultOrders();
    double expected = Double.POSITIVE_INFINITY;
    for (double a : orders) {
      double rdp = steps * a / (2 * z * z);
      expected =
          Math.min(
              expected, rdp - (Math.log(delta) + Math.log(a)) / (a - 1) + Math.log((a - 1) / a));
    }
    double got = RdpAccountant.create().compose(1.0, z, steps).epsilon(delta);
    assertEquals(expected, got, 1e-12);
    // The continuous minimum over alpha can only be lower, and the default grid is close to it.
    double continuous = Double.POSITIVE_INFINITY;
    for (double a = 1.001; a < 600; a += 0.001) {
      double rdp = steps * a / (2 * z * z);
      continuous =
          Math.min(
              continuous, rdp - (Math.log(delta) + Math.log(a)) / (a - 1) + Math.log1p(-1 / a));
    }
    assertTrue(continuous <= got + 1e-12);
    assertTrue(got - continuous < 0.01 * got, "grid " + got + " vs continuous " + continuous);
  }

  @Test
  void epsilon_zeroSamplingRate_isZero() {
    RdpAccountant acc = RdpAccountant.create().compose(0.0, 1.0, 1000);
    assertEquals(0.0, acc.epsilon(DELTA));
    assertArrayEquals(new double[acc.orders().length], acc.rdp());
  }

  @Test
  void epsilon_nothingComposed_isZero() {
    assertEquals(0.0, RdpAccountant.create().epsilon(DELTA));
  }

  @Test
  void epsilon_moreSteps_isLarger() {
    double previous = 0;
    for (long steps : new long[] {1, 10, 100, 1000, 10000}) {
      double eps = RdpAccountant.create().compose(0.01, 1.1, steps).epsilon(DELTA);
      assertTrue(eps > previous, steps + " steps: " + eps + " <= " + previous);
      previous = eps;
    }
  }

  @Test
  void epsilon_moreNoise_isSmaller() {
    double previous = Double.POSITIVE_INFINITY;
    for (double z : new double[] {0.5, 0.8, 1.0, 1.5, 3.0, 10.0}) {
      double eps = RdpAccountant.create().compose(0.01, z, 1000).epsilon(DELTA);
      assertTrue(eps < previous, "z=" + z + ": " + eps + " >= " + previous);
      previous = eps;
    }
  }

  @Test
  void epsilon_largerSamplingRate_isLarger() {
    double previous = 0;
    for (double q : new double[] {1e-4, 1e-3, 0.01, 0.1, 0.5, 1.0}) {
      double eps = RdpAccountant.create().compose(q, 1.0, 100).epsilon(DELTA);
      assertTrue(eps > previous, "q=" + q + ": " + eps + " <= " + previous);
      previous = eps;
    }
  }

  @Test
  void compose_twice_equalsOnceWithDoubleSteps() {
    RdpAccountant twice = RdpAccountant.create().compose(0.02, 1.1, 500).compose(0.02, 1.1, 500);
    RdpAccountant once = RdpAccountant.create().compose(0.02, 1.1, 1000);
    double[] a = twice.rdp();
    double[] b = once.rdp();
    for (int k = 0; k < a.length; k++) {
      assertEquals(b[k], a[k], 1e-12 * Math.max(1, b[k]));
    }
    assertEquals(once.epsilon(DELTA), twice.epsilon(DELTA), 1e-12);
  }

  @Test
  void compose_changingParameters_addsPerOrder() {
    RdpAccountant mixed = RdpAccountant.create().compose(0.01, 1.0, 300).compose(0.05, 2.0, 70);
    double[] orders = mixed.orders();
    double[] rdp = mixed.rdp();
    for (int k = 0; k < orders.length; k++) {
      double expected =
          300 * RdpAccountant.sampledGaussianRdp(0.01, 1.0, orders[k])
              + 70 * RdpAccountant.sampledGaussianRdp(0.05, 2.0, orders[k]);
      assertEquals(expected, rdp[k], 1e-12 * Math.max(1, expected));
    }
  }

  @Test
  void delta_atReportedEpsilon_isAtMostTargetDelta() {
    RdpAccountant acc = RdpAccountant.create().compose(OPACUS_Q, OPACUS_Z, OPACUS_STEPS);
    double eps = acc.epsilon(DELTA);
    assertEquals(DELTA, acc.delta(eps), 1e-9 * DELTA);
    assertTrue(acc.delta(eps + 0.1) < DELTA);
    assertTrue(acc.delta(eps - 0.1) > DELTA);
  }

  @Test
  void delta_nothingComposedZeroEpsilon_isZero() {
    assertEquals(0.0, RdpAccountant.create().delta(0.0));
  }

  @Test
  void defaultOrders_haveTfPrivacyShape() {
    double[] orders = RdpAccountant.defaultOrders();
    assertEquals(99 + 53 + 3, orders.length);
    assertEquals(1.1, orders[0], 1e-15);
    assertEquals(10.9, orders[98], 1e-12);
    assertEquals(11.0, orders[99]);
    assertEquals(512.0, orders[orders.length - 1]);
    double[] opacus = RdpAccountant.opacusOrders();
    assertEquals(99 + 52, opacus.length);
    assertEquals(12.0, opacus[99]);
    assertEquals(63.0, opacus[opacus.length - 1]);
  }

  @Test
  void compose_nanNoiseMultiplier_throwsWithValue() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> RdpAccountant.create().compose(0.01, Double.NaN, 10));
    assertEquals("noiseMultiplier must be > 0 and finite. Provided value: NaN", e.getMessage());
  }

  @Test
  void compose_zeroNoiseMultiplier_throws() {
    assertThrows(
        IllegalArgumentException.class, () -> RdpAccountant.create().compose(0.01, 0.0, 10));
  }

  @Test
  void compose_samplingRateAboveOne_throwsWithValue() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> RdpAccountant.create().compose(1.5, 1.0, 10));
    assertTrue(e.getMessage().startsWith("samplingRate must be"), e.getMessage());
    assertTrue(e.getMessage().endsWith("Provided value: 1.5"), e.getMessage());
  }

  @Test
  void compose_zeroSteps_throwsWithValue() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> RdpAccountant.create().compose(0.1, 1.0, 0));
    assertEquals("steps must be >= 1. Provided value: 0", e.getMessage());
  }

  @Test
  void compose_invalidArgument_leavesStateUnchanged() {
    RdpAccountant acc = RdpAccountant.create().compose(0.01, 1.0, 10);
    double before = acc.epsilon(DELTA);
    assertThrows(IllegalArgumentException.class, () -> acc.compose(0.01, -1.0, 10));
    assertEquals(before, acc.epsilon(DELTA));
  }

  @Test
  void epsilon_deltaOutOfRange_throwsWithValue() {
    RdpAccountant acc = RdpAccountant.create();
    for (double bad : new double[] {0.0, 1.0, -1e-5, Double.NaN}) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> acc.epsilon(bad));
      assertEquals("delta must be in (0, 1). Provided value: " + bad, e.getMessage());
    }
  }

  @Test
  void withOrders_orderAtMostOne_throws() {
    assertThrows(IllegalArgumentException.class, () -> RdpAccountant.withOrders(1.0, 2.0));
    assertThrows(IllegalArgumentException.class, () -> RdpAccountant.withOrders());
  }
}
