package io.fedrec.core.aggregate;

import static io.fedrec.core.aggregate.OptimizerFixtures.smallModel;
import static io.fedrec.core.aggregate.OptimizerFixtures.smallUpdates;
import static io.fedrec.core.aggregate.OptimizerFixtures.tiny;
import static io.fedrec.core.aggregate.OptimizerFixtures.update;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedrec.core.model.GlobalModel;
import org.junit.jupiter.api.Test;

class FedAvgMTest {

  /**
   * eta = 0.5, beta = 0.5, theta_0 = [1, 0, -3]. All values are dyadic, so float32 is exact.
   *
   * <pre>
   * Delta_1 = [1, -1, 0.25]   m_1 = [1, -1, 0.25]          theta_1 = [1.5, -0.5, -2.875]
   * Delta_2 = [-2, 2, 0.25]   m_2 = [-1.5, 1.5, 0.375]     theta_2 = [0.75, 0.25, -2.6875]
   * Delta_3 = [4, -4, 0.25]   m_3 = [3.25, -3.25, 0.4375]  theta_3 = [2.375, -1.375, -2.46875]
   * </pre>
   */
  @Test
  void apply_threeRounds_matchesHandComputedMomentum() {
    FedAvgM opt = FedAvgM.builder().eta(0.5).beta(0.5).build();
    GlobalModel m0 = tiny(1f, 0f, -3f);

    GlobalModel m1 = opt.apply(m0, update(1f, -1f, 0.25f));
    assertArrayEquals(new float[] {1f, -1f, 0.25f}, opt.state().vector("m"));
    assertArrayEquals(new float[] {1.5f, -0.5f, -2.875f}, m1.parameters());

    GlobalModel m2 = opt.apply(m1, update(-2f, 2f, 0.25f));
    assertArrayEquals(new float[] {-1.5f, 1.5f, 0.375f}, opt.state().vector("m"));
    assertArrayEquals(new float[] {0.75f, 0.25f, -2.6875f}, m2.parameters());

    GlobalModel m3 = opt.apply(m2, update(4f, -4f, 0.25f));
    assertArrayEquals(new float[] {3.25f, -3.25f, 0.4375f}, opt.state().vector("m"));
    assertArrayEquals(new float[] {2.375f, -1.375f, -2.46875f}, m3.parameters());
    assertEquals(3, m3.version());
    assertEquals(3, opt.state().step());
  }

  @Test
  void apply_betaZero_equalsFedAvgBitForBit() {
    FedAvgM momentum = FedAvgM.builder().eta(0.7).beta(0).build();
    FedAvg plain = new FedAvg(0.7);
    GlobalModel a = smallModel(11);
    GlobalModel b = a;
    for (AggregateResult u : smallUpdates(12, 6)) {
      a = momentum.apply(a, u);
      b = plain.apply(b, u);
      assertEquals(b, a);
    }
  }

  @Test
  void apply_betaZeroWithNegativeZeros_equalsFedAvgBitForBit() {
    // -0.0 + eta * -0.0 stays -0.0; a momentum of 0.0 * m + -0.0 would have made it +0.0.
    GlobalModel start = tiny(-0f, 1f, -0f);
    AggregateResult u = update(-0f, -0f, 0f);
    GlobalModel expected = new FedAvg(0.5).apply(start, u);
    assertEquals(expected, FedAvgM.builder().eta(0.5).beta(0).build().apply(start, u));
    assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(expected.parameters()[0]));
  }

  @Test
  void apply_positiveBeta_differsFromFedAvgFromSecondRound() {
    FedAvgM momentum = FedAvgM.builder().eta(0.7).beta(0.9).build();
    FedAvg plain = new FedAvg(0.7);
    AggregateResult[] us = smallUpdates(12, 2);
    GlobalModel start = smallModel(11);
    GlobalModel a1 = momentum.apply(start, us[0]);
    GlobalModel b1 = plain.apply(start, us[0]);
    assertEquals(b1, a1);
    assertNotEquals(plain.apply(b1, us[1]), momentum.apply(a1, us[1]));
  }

  @Test
  void apply_overflowingParameter_throwsIllegalStateAndKeepsState() {
    FedAvgM opt = FedAvgM.builder().eta(1).beta(0.5).build();
    GlobalModel m0 = tiny(3e38f, 0f, 0f);
    GlobalModel m1 = opt.apply(m0, update(0f, 1f, 0f));
    OptimizerState before = opt.state();

    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> opt.apply(m1, update(3e38f, 0f, 0f)));

    assertTrue(e.getMessage().contains("round not published"), e.getMessage());
    assertEquals(before, opt.state());
  }

  @Test
  void build_betaOne_throwsNamingRule() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> FedAvgM.builder().beta(1).build());
    assertEquals("beta must be in [0, 1). Provided value: 1.0", e.getMessage());
  }

  @Test
  void builder_defaults_matchDocumentedValues() {
    FedAvgM opt = FedAvgM.builder().build();
    assertEquals(1.0, opt.eta());
    assertEquals(0.9, opt.beta());
    assertEquals("fedavgm", opt.name());
  }
}
