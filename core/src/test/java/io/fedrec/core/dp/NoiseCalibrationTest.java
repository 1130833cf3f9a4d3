package io.fedrec.core.dp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class NoiseCalibrationTest {

  private static final double DELTA = 1e-5;

  private static double rdpEpsilon(double q, double z, long steps) {
    return RdpAccountant.create().compose(q, z, steps).epsilon(DELTA);
  }

  @Test
  void solveNoiseMultiplier_rdpTfPrivacySetting_recoversZ1_3() {
    // TF Privacy: z = 1.3 gives epsilon 0.7242 for this setting, so asking for 0.724223 returns
    // a multiplier within the tolerance of 1.3, never below the exact root.
    double z =
        NoiseCalibration.solveNoiseMultiplier(
            0.724223402610934, DELTA, 150.0 / 60000, 6000, AccountantKind.RDP);
    assertTrue(z >= 1.3 * (1 - 1e-9), "z " + z);
    assertTrue(z <= 1.3 * (1 + 2e-4), "z " + z);
  }

  @Test
  void solveNoiseMultiplier_rdp_meetsTargetAndIsMinimalWithinTolerance() {
    double target = 2.0;
    double z = NoiseCalibration.solveNoiseMultiplier(target, DELTA, 0.01, 1000, AccountantKind.RDP);
    assertTrue(rdpEpsilon(0.01, z, 1000) <= target);
    assertTrue(rdpEpsilon(0.01, z * (1 - 2 * NoiseCalibration.RELATIVE_TOLERANCE), 1000) > target);
  }

  @Test
  void solveNoiseMultiplier_pld_needsNoMoreNoiseThanRdp() {
    double target = 1.0;
    double zRdp =
        NoiseCalibration.solveNoiseMultiplier(target, DELTA, 0.01, 100, AccountantKind.RDP);
    double zPld =
        NoiseCalibration.solveNoiseMultiplier(
            target, DELTA, 0.01, 100, () -> PldAccountant.create(1e-3));
    assertTrue(zPld <= zRdp, zPld + " > " + zRdp);
    assertTrue(PldAccountant.create(1e-3).compose(0.01, zPld, 100).epsilon(DELTA) <= target);
    assertTrue(
        PldAccountant.create(1e-3)
                .compose(0.01, zPld * (1 - 2 * NoiseCalibration.RELATIVE_TOLERANCE), 100)
                .epsilon(DELTA)
            > target);
  }

  @Test
  void solveNoiseMultiplier_pldKind_meetsTargetAndIsMinimalWithinTolerance() {
    // A high-noise setting keeps the default-interval PLD grid small (a few thousand points).
    double z = NoiseCalibration.solveNoiseMultiplier(0.2, DELTA, 0.1, 10, AccountantKind.PLD);
    assertTrue(PldAccountant.create().compose(0.1, z, 10).epsilon(DELTA) <= 0.2);
    assertTrue(
        PldAccountant.create()
                .compose(0.1, z * (1 - 2 * NoiseCalibration.RELATIVE_TOLERANCE), 10)
                .epsilon(DELTA)
            > 0.2);
  }

  @Test
  void solveNoiseMultiplier_pldFullSampling_matchesExactGaussian() {
    // Exact Gaussian (Balle and Wang 2018): smallest z with delta(3) <= 1e-5 is 1.3905934566745
    // (SciPy bisection on the closed form). The PLD answer is never below it.
    double z =
        NoiseCalibration.solveNoiseMultiplier(3.0, DELTA, 1.0, 1, () -> PldAccountant.create(1e-3));
    assertTrue(z >= 1.3905934566745 * (1 - 1e-9), "z " + z);
    assertTrue(z <= 1.3905934566745 * (1 + 3e-4), "z " + z);
  }

  @Test
  void solveNoiseMultiplier_looseTarget_returnsFloor() {
    double z = NoiseCalibration.solveNoiseMultiplier(1000, DELTA, 1e-4, 1, AccountantKind.RDP);
    assertEquals(NoiseCalibration.MIN_NOISE_MULTIPLIER, z);
  }

  @Test
  void solveNoiseMultiplier_unreachableTarget_throws() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            NoiseCalibration.solveNoiseMultiplier(
                1e-9, 1e-10, 1.0, 1_000_000_000L, AccountantKind.RDP));
  }

  @Test
  void solveNoiseMultiplier_zeroTargetEpsilon_throwsWithValue() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> NoiseCalibration.solveNoiseMultiplier(0.0, DELTA, 0.01, 10, AccountantKind.RDP));
    assertEquals("targetEpsilon must be > 0 and finite. Provided value: 0.0", e.getMessage());
  }

  @Test
  void solveNoiseMultiplier_zeroSamplingRate_throwsWithValue() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> NoiseCalibration.solveNoiseMultiplier(1.0, DELTA, 0.0, 10, AccountantKind.RDP));
    assertEquals("samplingRate must be in (0, 1]. Provided value: 0.0", e.getMessage());
  }

  @Test
  void solveNoiseMultiplier_nullKind_throws() {
    assertThrows(
        IllegalArgumentException.class,
        () -> NoiseCalibration.solveNoiseMultiplier(1.0, DELTA, 0.01, 10, (AccountantKind) null));
  }
}
