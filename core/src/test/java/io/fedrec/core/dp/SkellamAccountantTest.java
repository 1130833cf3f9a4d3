package io.fedrec.core.dp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SkellamAccountantTest {
  /** So large that the Skellam's discreteness term is below 1e-15 of the Gaussian term. */
  private static final double HUGE_L2 = 1e9;

  private static final double HUGE_L1 = HUGE_L2 * 1e3;

  @Test
  void skellamRdp_handComputedValue() {
    // alpha 2, l1 4, l2 2, mu 4: 2*4/8 + min((3*4 + 24) / (4*16), 3*4/(2*4)) = 1 + 0.5625
    assertEquals(1.5625, SkellamAccountant.skellamRdp(2, 4, 2, 4), 1e-15);
    // the other branch of the min: mu 1, alpha 2: 4 + min(36/4, 6) = 10
    assertEquals(10.0, SkellamAccountant.skellamRdp(2, 4, 2, 1), 1e-15);
  }

  @ParameterizedTest(name = "z = {0}, steps = {1}")
  @CsvSource({"0.8, 1", "1.0, 10", "2.5, 1000"})
  void epsilon_unsampledLargeSensitivity_equalsGaussianClosedForm(double z, long steps) {
    double skellam = SkellamAccountant.create(HUGE_L2, HUGE_L1).compose(1.0, z, steps)
        .epsilon(1e-5);
    double gaussian = RdpAccountant.withOrders(SkellamAccountant.orders()).compose(1.0, z, steps)
        .epsilon(1e-5);
    assertEquals(gaussian, skellam, 1e-9 * gaussian);
  }

  @Test
  void epsilon_smallSensitivity_paysForDiscreteness() {
    double skellam = SkellamAccountant.create(4, 16).compose(1.0, 1.0, 10).epsilon(1e-5);
    double gaussian = RdpAccountant.withOrders(SkellamAccountant.orders()).compose(1.0, 1.0, 10)
        .epsilon(1e-5);
    assertTrue(skellam > gaussian * 1.001, skellam + " vs Gaussian " + gaussian);
  }

  @ParameterizedTest(name = "q = {0}, z = {1}")
  @CsvSource({"0.01, 0.8", "0.02, 1.0", "0.1, 2.0", "0.5, 1.2"})
  void stepRdp_orderTwo_equalsExactSampledGaussian(double q, double z) {
    // At alpha = 2 the bound of Zhu and Wang is exact: log(1 - q^2 + q^2 e^eps(2)) = MTZ's A_2.
    double zw = SkellamAccountant.stepRdp(new double[] {2}, q, z, HUGE_L2, HUGE_L1)[0];
    double mtz = RdpAccountant.withOrders(2).stepRdp(q, z)[0];
    assertEquals(mtz, zw, 1e-9 * mtz);
  }

  @ParameterizedTest(name = "q = {0}, z = {1}")
  @CsvSource({"0.01, 0.8", "0.02, 1.0", "0.1, 2.0"})
  void stepRdp_integerOrders_boundTheExactSampledGaussianFromAbove(double q, double z) {
    double[] orders = new double[63];
    for (int i = 0; i < orders.length; i++) {
      orders[i] = i + 2;
    }
    double[] zw = SkellamAccountant.stepRdp(orders, q, z, HUGE_L2, HUGE_L1);
    double[] mtz = RdpAccountant.withOrders(orders).stepRdp(q, z);
    for (int i = 0; i < orders.length; i++) {
      assertTrue(zw[i] >= mtz[i] * (1 - 1e-9), "order " + orders[i] + ": " + zw[i] + " < "
          + mtz[i]);
    }
  }

  @Test
  void epsilon_sampled_amplifiesAndStaysNearTheGaussian() {
    // the private default's shape: q = 0.02, 100 rounds, delta 1e-6, at an encoded sensitivity
    // of 0.5 * 2^16 + sqrt(55,500) + 1
    double l2 = 0.5 * 65536 + Math.sqrt(55_500) + 1;
    double l1 = SkellamAccountant.l1Bound(l2, 55_500);
    double skellam = SkellamAccountant.create(l2, l1).compose(0.02, 0.75, 100).epsilon(1e-6);
    double unsampled = SkellamAccountant.create(l2, l1).compose(1.0, 0.75, 100).epsilon(1e-6);
    double gaussian = RdpAccountant.withOrders(SkellamAccountant.orders())
        .compose(0.02, 0.75, 100).epsilon(1e-6);
    assertTrue(skellam < unsampled / 5, skellam + " vs unsampled " + unsampled);
    assertTrue(skellam >= gaussian, skellam + " vs Gaussian " + gaussian);
    assertTrue(skellam <= gaussian * 1.5, skellam + " vs Gaussian " + gaussian);
  }

  @Test
  void compose_isAdditiveOverSteps() {
    SkellamAccountant once = SkellamAccountant.create(1000, 5000).compose(0.05, 1.1, 3);
    SkellamAccountant thrice = SkellamAccountant.create(1000, 5000);
    for (int i = 0; i < 3; i++) {
      thrice.compose(0.05, 1.1, 1);
    }
    assertEquals(once.epsilon(1e-5), thrice.epsilon(1e-5), 1e-12);
  }

  @Test
  void noiseCalibration_solvesForTheSkellamAccountant() {
    double z = NoiseCalibration.solveNoiseMultiplier(4, 1e-6, 0.02, 100,
        () -> SkellamAccountant.create(1000, 5000));
    double eps = SkellamAccountant.create(1000, 5000).compose(0.02, z, 100).epsilon(1e-6);
    assertTrue(eps <= 4, "epsilon " + eps);
    double below = SkellamAccountant.create(1000, 5000).compose(0.02, z * 0.999, 100)
        .epsilon(1e-6);
    assertTrue(below > 4 * 0.99, "z is near the smallest: " + below);
  }

  @Test
  void create_l1BelowL2_rejected() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SkellamAccountant.create(10, 5));
    assertEquals("l1Sensitivity must be >= l2Sensitivity (10.0). Provided value: 5.0",
        e.getMessage());
  }

  @Test
  void create_l2BelowOne_rejected() {
    assertThrows(IllegalArgumentException.class, () -> SkellamAccountant.create(0.5, 5));
  }

  @Test
  void l1Bound_isTheSmallerOfCauchySchwarzAndTheSquare() {
    assertEquals(9.0, SkellamAccountant.l1Bound(3, 1000), 1e-12); // 3^2 < sqrt(1000) 3
    assertEquals(200.0, SkellamAccountant.l1Bound(100, 4), 1e-12); // sqrt(4) 100 < 100^2
  }
}
