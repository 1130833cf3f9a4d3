package io.fedrec.core.aggregate;

import static io.fedrec.core.aggregate.OptimizerFixtures.smallModel;
import static io.fedrec.core.aggregate.OptimizerFixtures.smallUpdates;
import static io.fedrec.core.aggregate.OptimizerFixtures.tiny;
import static io.fedrec.core.aggregate.OptimizerFixtures.update;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.fedrec.core.model.GlobalModel;
import org.junit.jupiter.api.Test;

class FedAvgTest {

  /** theta = [1, 0, -3], lr = 0.5, mean = [2, -1, 0.25]: all dyadic, so float32 is exact. */
  @Test
  void apply_dyadicValues_thetaPlusLearningRateTimesMean() {
    GlobalModel next = new FedAvg(0.5).apply(tiny(1f, 0f, -3f), update(2f, -1f, 0.25f));

    assertArrayEquals(new float[] {2f, -0.5f, -2.875f}, next.parameters());
  }

  @Test
  void apply_anyUpdate_incrementsVersion() {
    GlobalModel next = new FedAvg(1).apply(tiny(1f, 0f, -3f), update(0f, 0f, 0f));

    assertEquals(1, next.version());
  }

  @Test
  void apply_randomModelAndUpdate_matchesPerCoordinateFloatFormula() {
    GlobalModel theta = smallModel(3);
    AggregateResult u = smallUpdates(4, 1)[0];
    float lr = 0.7f;

    float[] actual = new FedAvg(lr).apply(theta, u).parameters();

    float[] p = theta.parameters();
    for (int i = 0; i < p.length; i++) {
      assertEquals(p[i] + lr * u.meanUpdate()[i], actual[i], "coordinate " + i);
    }
  }

  @Test
  void apply_rateOne_isPlainModelAveraging() {
    GlobalModel next = new FedAvg(1).apply(tiny(1f, 2f, 3f), update(-1f, 0.5f, 4f));

    assertArrayEquals(new float[] {0f, 2.5f, 7f}, next.parameters());
  }

  @Test
  void apply_stepOverflows_throwsIllegalStateAndPublishesNothing() {
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> new FedAvg(1).apply(tiny(3e38f, 0f, 0f), update(3e38f, 0f, 0f)));

    assertEquals(
        "server step produced a non-finite parameter at index 0; round not published",
        e.getMessage());
  }

  @Test
  void constructor_zeroRate_throwsNamingRule() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new FedAvg(0));

    assertEquals(
        "serverLearningRate must be finite and in [1.0E-6, 1000000.0]. Provided value: 0.0",
        e.getMessage());
  }

  @Test
  void constructor_nanRate_throws() {
    assertThrows(IllegalArgumentException.class, () -> new FedAvg(Double.NaN));
  }

  @Test
  void serverLearningRate_returnsConfiguredRate() {
    assertEquals(0.25f, new FedAvg(0.25).serverLearningRate());
  }

  @Test
  void name_isFedavg() {
    assertEquals("fedavg", new FedAvg(1).name());
  }
}
