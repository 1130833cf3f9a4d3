package io.fedrec.core.aggregate;

import static io.fedrec.core.aggregate.OptimizerFixtures.tiny;
import static io.fedrec.core.aggregate.OptimizerFixtures.update;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedrec.core.model.GlobalModel;
import org.junit.jupiter.api.Test;

class FedAdamTest {

  /**
   * eta = 3.75, beta1 = 0.5, beta2 = 0.75, tau = 2, so v_{-1} = 4 and theta_0 = [1, 0, -3].
   * Updates are chosen so that sqrt(v) and every quotient are dyadic: float32 is exact.
   *
   * <pre>
   * t  Delta (coord 0)  m = .5 m + .5 D   v = .75 v + .25 D^2        step = 3.75 m / (sqrt v + 2)
   * 1  2                1                 3 + 1 = 4                  3.75 * 1 / 4       = 0.9375
   * 2  0.5              0.75              3 + 0.0625 = 3.0625        3.75 * .75 / 3.75  = 0.75
   * 3  1.75             1.25              2.296875 + .765625 = 3.0625  3.75 * 1.25 / 3.75 = 1.25
   * </pre>
   *
   * Coordinate 1 gets the negated updates (negated m and step, same v); coordinate 2 gets 0, so
   * m and the step stay 0 while v decays as 4 * 0.75^t: 3, 2.25, 1.6875.
   */
  @Test
  void apply_threeRounds_matchesAlgorithm2ByHand() {
    FedAdam opt = FedAdam.builder().eta(3.75).beta1(0.5).beta2(0.75).tau(2).build();
    GlobalModel m0 = tiny(1f, 0f, -3f);

    GlobalModel m1 = opt.apply(m0, update(2f, -2f, 0f));
    assertArrayEquals(new float[] {1f, -1f, 0f}, opt.state().vector("m"));
    assertArrayEquals(new float[] {4f, 4f, 3f}, opt.state().vector("v"));
    assertArrayEquals(new float[] {1.9375f, -0.9375f, -3f}, m1.parameters());

    GlobalModel m2 = opt.apply(m1, update(0.5f, -0.5f, 0f));
    assertArrayEquals(new float[] {0.75f, -0.75f, 0f}, opt.state().vector("m"));
    assertArrayEquals(new float[] {3.0625f, 3.0625f, 2.25f}, opt.state().vector("v"));
    assertArrayEquals(new float[] {2.6875f, -1.6875f, -3f}, m2.parameters());

    GlobalModel m3 = opt.apply(m2, update(1.75f, -1.75f, 0f));
    assertArrayEquals(new float[] {1.25f, -1.25f, 0f}, opt.state().vector("m"));
    assertArrayEquals(new float[] {3.0625f, 3.0625f, 1.6875f}, opt.state().vector("v"));
    assertArrayEquals(new float[] {3.9375f, -2.9375f, -3f}, m3.parameters());
    assertEquals(3, opt.state().step());
  }

  @Test
  void apply_firstRound_startsSecondMomentAtTauSquared() {
    // With Delta = 0 the first v is beta2 * v_{-1} = 0.5 * tau^2 = 0.5 * 0.25.
    FedAdam opt = FedAdam.builder().beta2(0.5).tau(0.5).build();
    opt.apply(tiny(0f, 0f, 0f), update(0f, 0f, 0f));
    assertArrayEquals(new float[] {0.125f, 0.125f, 0.125f}, opt.state().vector("v"));
  }

  @Test
  void apply_secondMomentOverflow_throwsIllegalStateAndKeepsState() {
    FedAdam opt = FedAdam.builder().build();
    GlobalModel m1 = opt.apply(tiny(1f, 2f, 3f), update(0.1f, 0.2f, 0.3f));
    OptimizerState before = opt.state();

    // (1 - beta2) * (1e30)^2 = 1e58 does not fit in a float.
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> opt.apply(m1, update(0f, 1e30f, 0f)));

    assertTrue(e.getMessage().contains("v[1]"), e.getMessage());
    assertTrue(e.getMessage().contains("round not published"), e.getMessage());
    assertEquals(before, opt.state());
  }

  @Test
  void builder_defaults_matchDocumentedValues() {
    FedAdam opt = FedAdam.builder().build();
    assertEquals(0.01, opt.eta());
    assertEquals(0.9, opt.beta1());
    assertEquals(0.99, opt.beta2());
    assertEquals(1e-3, opt.tau());
    assertEquals("fedadam", opt.name());
  }
}
