package io.fedrec.core.aggregate;

import static io.fedrec.core.aggregate.OptimizerFixtures.tiny;
import static io.fedrec.core.aggregate.OptimizerFixtures.update;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fedrec.core.model.GlobalModel;
import org.junit.jupiter.api.Test;

class FedYogiTest {

  /**
   * eta = 1, beta1 = 0.75, beta2 = 0.5, tau = 0.5, so v_{-1} = 0.25 and theta_0 = [1, 0, -3].
   * v_t = v - 0.5 * D^2 * sign(v - D^2); all values dyadic, so float32 is exact.
   *
   * <pre>
   * coordinate 0 (coordinate 1 is its mirror image):
   * t  D  m = .75 m + .25 D   v                                   step = m / (sqrt v + .5)
   * 1  2  0.5                 .25 < 4, grows:  .25 + 2   = 2.25     0.5 / 2      = 0.25
   * 2  6  1.875               2.25 < 36, grows: 2.25 + 18 = 20.25   1.875 / 5    = 0.375
   * 3  4  2.40625             20.25 > 16, shrinks: 20.25 - 8 = 12.25  2.40625 / 4 = 0.6015625
   *
   * coordinate 2, D = 0.5 = sqrt(v_{-1}) every round: v - D^2 = 0, sign 0, v stays 0.25
   * t  m                          step = m / 1
   * 1  0.125                      0.125
   * 2  0.21875                    0.21875
   * 3  0.2890625                  0.2890625
   * </pre>
   */
  @Test
  void apply_threeRounds_matchesAlgorithm2ByHand() {
    FedYogi opt = FedYogi.builder().eta(1).beta1(0.75).beta2(0.5).tau(0.5).build();
    GlobalModel m0 = tiny(1f, 0f, -3f);

    GlobalModel m1 = opt.apply(m0, update(2f, -2f, 0.5f));
    assertArrayEquals(new float[] {0.5f, -0.5f, 0.125f}, opt.state().vector("m"));
    assertArrayEquals(new float[] {2.25f, 2.25f, 0.25f}, opt.state().vector("v"));
    assertArrayEquals(new float[] {1.25f, -0.25f, -2.875f}, m1.parameters());

    GlobalModel m2 = opt.apply(m1, update(6f, -6f, 0.5f));
    assertArrayEquals(new float[] {1.875f, -1.875f, 0.21875f}, opt.state().vector("m"));
    assertArrayEquals(new float[] {20.25f, 20.25f, 0.25f}, opt.state().vector("v"));
    assertArrayEquals(new float[] {1.625f, -0.625f, -2.65625f}, m2.parameters());

    GlobalModel m3 = opt.apply(m2, update(4f, -4f, 0.5f));
    assertArrayEquals(new float[] {2.40625f, -2.40625f, 0.2890625f}, opt.state().vector("m"));
    assertArrayEquals(new float[] {12.25f, 12.25f, 0.25f}, opt.state().vector("v"));
    assertArrayEquals(new float[] {2.2265625f, -1.2265625f, -2.3671875f}, m3.parameters());
  }

  @Test
  void apply_zeroUpdate_keepsSecondMomentWhereAdamDecaysIt() {
    FedYogi yogi = FedYogi.builder().beta2(0.5).tau(0.5).build();
    FedAdam adam = FedAdam.builder().beta2(0.5).tau(0.5).build();
    GlobalModel m0 = tiny(0f, 0f, 0f);

    yogi.apply(m0, update(0f, 0f, 0f));
    adam.apply(m0, update(0f, 0f, 0f));

    // Yogi: v - 0.5 * 0 * sign(v) = v.  Adam: 0.5 * v.
    assertArrayEquals(new float[] {0.25f, 0.25f, 0.25f}, yogi.state().vector("v"));
    assertArrayEquals(new float[] {0.125f, 0.125f, 0.125f}, adam.state().vector("v"));
  }

  @Test
  void builder_defaults_matchDocumentedValues() {
    FedYogi opt = FedYogi.builder().build();
    assertEquals(0.01, opt.eta());
    assertEquals(0.9, opt.beta1());
    assertEquals(0.99, opt.beta2());
    assertEquals(1e-3, opt.tau());
    assertEquals("fedyogi", opt.name());
  }
}
