package io.fedrec.core.aggregate;

import static io.fedrec.core.aggregate.OptimizerFixtures.tiny;
import static io.fedrec.core.aggregate.OptimizerFixtures.update;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedrec.core.model.GlobalModel;
import org.junit.jupiter.api.Test;

class FedAdagradTest {

  /**
   * eta = 1, beta1 = 0.5, tau = 0.75, so v_{-1} = 0.5625 and theta_0 = [1, 0, -3]. The updates
   * follow the Pythagorean chain 0.75^2 + 1^2 = 1.25^2, 1.25^2 + 3^2 = 3.25^2, so sqrt(v) and
   * every quotient are dyadic and float32 is exact.
   *
   * <pre>
   * coordinate 0 (coordinate 1 is its mirror image; coordinate 2 gets 0 and never moves):
   * t  D  m = .5 m + .5 D   v = v + D^2          step = m / (sqrt v + .75)
   * 1  1  0.5               0.5625 + 1 = 1.5625   0.5 / 2    = 0.25
   * 2  3  1.75              1.5625 + 9 = 10.5625  1.75 / 4   = 0.4375
   * 3  0  0.875             10.5625               0.875 / 4  = 0.21875   (momentum alone)
   * </pre>
   */
  @Test
  void apply_threeRounds_matchesAlgorithm2ByHand() {
    FedAdagrad opt = FedAdagrad.builder().eta(1).beta1(0.5).tau(0.75).build();
    GlobalModel m0 = tiny(1f, 0f, -3f);

    GlobalModel m1 = opt.apply(m0, update(1f, -1f, 0f));
    assertArrayEquals(new float[] {0.5f, -0.5f, 0f}, opt.state().vector("m"));
    assertArrayEquals(new float[] {1.5625f, 1.5625f, 0.5625f}, opt.state().vector("v"));
    assertArrayEquals(new float[] {1.25f, -0.25f, -3f}, m1.parameters());

    GlobalModel m2 = opt.apply(m1, update(3f, -3f, 0f));
    assertArrayEquals(new float[] {1.75f, -1.75f, 0f}, opt.state().vector("m"));
    assertArrayEquals(new float[] {10.5625f, 10.5625f, 0.5625f}, opt.state().vector("v"));
    assertArrayEquals(new float[] {1.6875f, -0.6875f, -3f}, m2.parameters());

    GlobalModel m3 = opt.apply(m2, update(0f, 0f, 0f));
    assertArrayEquals(new float[] {0.875f, -0.875f, 0f}, opt.state().vector("m"));
    assertArrayEquals(new float[] {10.5625f, 10.5625f, 0.5625f}, opt.state().vector("v"));
    assertArrayEquals(new float[] {1.90625f, -0.90625f, -3f}, m3.parameters());
  }

  @Test
  void apply_tauSquaredNotAFloat_startsSecondMomentAtOrAboveTauSquared() {
    // Algorithm 2 requires v_{-1} >= tau^2; 0.1^2 is not a float32, so it is rounded up.
    FedAdagrad opt = FedAdagrad.builder().tau(0.1).build();
    opt.apply(tiny(0f, 0f, 0f), update(0f, 0f, 0f));
    float v = opt.state().vector("v")[0];
    assertTrue(v >= 0.1 * 0.1, "v_{-1} = " + v);
    assertTrue(Math.nextDown(v) < 0.1 * 0.1, "v_{-1} is the smallest such float: " + v);
  }

  @Test
  void builder_defaults_matchDocumentedValues() {
    FedAdagrad opt = FedAdagrad.builder().build();
    assertEquals(0.1, opt.eta());
    assertEquals(0.9, opt.beta1());
    assertEquals(1e-3, opt.tau());
    assertEquals("fedadagrad", opt.name());
  }
}
