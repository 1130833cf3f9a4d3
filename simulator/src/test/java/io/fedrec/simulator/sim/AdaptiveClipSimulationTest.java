package io.fedrec.simulator.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedrec.coordinator.round.AdaptiveClipping;
import io.fedrec.coordinator.round.RoundRecord;
import io.fedrec.simulator.data.Split;
import io.fedrec.simulator.data.SyntheticConfig;
import io.fedrec.simulator.data.SyntheticDataset;
import org.junit.jupiter.api.Test;

/**
 * Adaptive clipping end to end: the SDK reports how many users it did not clip, the coordinator
 * noises the total and moves the clip toward the median norm, which is far below a clip of 1 on
 * the initial model (user contributions there have norms of about 0.2 to 0.35).
 */
class AdaptiveClipSimulationTest {
  @Test
  void theClipShrinksTowardTheMedianNorm() {
    Split split = SyntheticDataset.generate(
        SyntheticConfig.builder().numUsers(400).numItems(100).build());
    SimulationResult r = new Simulation(SimulationConfig.builder().rounds(8).clientsPerRound(40)
        .evalEvery(8).threads(2).privacy(new DpOptions(8, 1e-5, 1.0, 0, "central"))
        .adaptiveClipping(new AdaptiveClipping(true, 0.5, 0.2, 0)).build(), split).run();
    assertEquals(8, r.rounds());
    RoundRecord first = r.records().get(0);
    // every user unclipped at clip 1: the noisy fraction is 1 +- 2/40 (count noise 40 / 20)
    double f1 = first.measurements().get("unclipped_fraction");
    assertTrue(f1 > 0.75 && f1 < 1.25, "first round's unclipped fraction " + f1);
    double clip = 1.0;
    for (RoundRecord rec : r.records()) {
      assertEquals(clip, rec.measurements().get("clip_norm"), 1e-12, "round " + rec.round());
      clip = rec.measurements().get("next_clip_norm");
    }
    assertTrue(clip < 0.95, "the clip must shrink while most users are unclipped: " + clip);
  }
}
