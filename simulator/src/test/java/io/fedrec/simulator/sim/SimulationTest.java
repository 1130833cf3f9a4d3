package io.fedrec.simulator.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedrec.coordinator.round.RoundRecord;
import io.fedrec.simulator.data.Split;
import io.fedrec.simulator.data.SyntheticConfig;
import io.fedrec.simulator.data.SyntheticDataset;
import io.fedrec.simulator.eval.Evaluator;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Whole simulated federations on a small synthetic set (300 users, 100 items, about 8,900
 * training ratings; the bias baseline scores 0.870 there and 30 rounds of 50 clients reach about
 * 0.83), each well under a second.
 */
class SimulationTest {
  private static final Split SMALL = SyntheticDataset.generate(
      SyntheticConfig.builder().numUsers(300).numItems(100).build());

  private static SimulationConfig.Builder small() {
    return SimulationConfig.builder().rounds(30).clientsPerRound(50).evalEvery(10).threads(2);
  }

  private static SimulationResult run(SimulationConfig config) {
    return new Simulation(config, SMALL).run();
  }

  @Test
  void run_smallSynthetic_testRmseDecreases() {
    SimulationResult r = run(small().build());
    List<RoundRow> evaluated = new ArrayList<>();
    for (RoundRow row : r.rows()) {
      if (row.evaluated()) {
        evaluated.add(row);
      }
    }
    assertEquals(List.of(10L, 20L, 30L), evaluated.stream().map(RoundRow::round).toList());
    assertTrue(evaluated.get(2).testRmse() < evaluated.get(0).testRmse() - 0.02,
        "RMSE at rounds 10, 20, 30: " + evaluated);
  }

  @Test
  void run_smallSynthetic_beatsBiasBaseline() {
    SimulationResult r = run(small().build());
    assertTrue(r.finalMetrics().rmse() < r.baseline().rmse() - 0.02,
        "final " + r.finalMetrics().rmse() + " vs baseline " + r.baseline().rmse());
  }

  @Test
  void run_finalMetrics_equalEvaluatorOnFinalModel() {
    SimulationConfig c = small().build();
    SimulationResult r = run(c);
    assertEquals(
        Evaluator.evaluate(r.finalModel(), c.training(), SMALL, null).rmse(),
        r.finalMetrics().rmse());
    assertEquals(30, r.finalModel().version());
  }

  @Test
  void run_sameSeedTwice_bitIdenticalFinalModel() {
    SimulationResult a = run(small().seed(7).build());
    SimulationResult b = run(small().seed(7).threads(1).build());
    assertArrayEquals(a.finalModel().parameters(), b.finalModel().parameters());
    assertEquals(a.finalMetrics(), b.finalMetrics());
    assertEquals(
        a.rows().stream().map(RoundRow::trainRmse).toList(),
        b.rows().stream().map(RoundRow::trainRmse).toList());
  }

  @Test
  void run_differentSeeds_differentModels() {
    SimulationResult a = run(small().rounds(3).seed(1).build());
    SimulationResult b = run(small().rounds(3).seed(2).build());
    assertNotEquals(a.finalModel(), b.finalModel());
  }

  @Test
  void run_inprocessTransport_bitIdenticalToDirect() {
    SimulationResult direct = run(small().rounds(8).build());
    SimulationResult grpc = run(small().rounds(8).transport(Transport.INPROCESS).build());
    assertArrayEquals(direct.finalModel().parameters(), grpc.finalModel().parameters());
    assertEquals(direct.finalMetrics(), grpc.finalMetrics());
  }

  @Test
  void run_sparseTransport_equalsDirectUpToRounding() {
    SimulationResult direct = run(small().rounds(8).build());
    SimulationResult sparse = run(small().rounds(8).transport(Transport.SPARSE).build());
    double maxDiff = ModelDifference.max(direct.finalModel(), sparse.finalModel());
    assertTrue(maxDiff > 0, "the prior is rounded once instead of per client: not bit-identical");
    assertTrue(maxDiff < 1e-5, "max parameter difference " + maxDiff);
    assertEquals(direct.finalMetrics().rmse(), sparse.finalMetrics().rmse(), 1e-5);
    // the engine saw sparse uploads: a fraction of the dense bytes
    assertTrue(sparse.records().get(0).bytesUp() < direct.records().get(0).bytesUp() / 2,
        sparse.records().get(0).bytesUp() + " vs " + direct.records().get(0).bytesUp());
  }

  @Test
  void run_sparseTransportWithPrivacy_staysDenseAndBitIdentical() {
    SimulationConfig.Builder dp = small().rounds(3)
        .privacy(new DpOptions(8, 1e-5, 1.0, 0, "central"));
    SimulationResult direct = run(dp.build());
    SimulationResult sparse = run(dp.transport(Transport.SPARSE).build());
    assertArrayEquals(direct.finalModel().parameters(), sparse.finalModel().parameters());
  }

  @Test
  void run_tcpTransport_bitIdenticalToDirect() {
    SimulationResult direct = run(small().rounds(3).build());
    SimulationResult tcp = run(small().rounds(3).transport(Transport.TCP).build());
    assertArrayEquals(direct.finalModel().parameters(), tcp.finalModel().parameters());
  }

  @Test
  void run_crossDevice_oneRecordPerRoundWithCohortWeights() {
    SimulationResult r = run(small().rounds(5).build());
    assertEquals(5, r.records().size());
    long expectedBytes = 4L * SMALL.numItems() * 17 + 4;
    for (int i = 0; i < 5; i++) {
      RoundRecord rec = r.records().get(i);
      assertEquals(i + 1, rec.round());
      assertEquals(50, rec.selected());
      assertEquals(50, rec.submitted());
      assertEquals(0, rec.dropouts());
      assertEquals(50, rec.totalWeight());
      assertEquals(50 * expectedBytes, rec.bytesUp());
      assertEquals(rec.totalWeight(), r.rows().get(i).users());
    }
  }

  @Test
  void run_silos_weightIsUsersOfSampledSilos() {
    // 300 users in silos of 60: 5 clients; a cohort of 2 holds 120 users every round
    SimulationResult r = run(small().rounds(4).usersPerClient(60).clientsPerRound(2).build());
    assertEquals(5, r.numClients());
    for (RoundRecord rec : r.records()) {
      assertEquals(2, rec.submitted());
      assertEquals(120, rec.totalWeight());
    }
  }

  @Test
  void run_cohortLargerThanClients_cappedAtClients() {
    Simulation s = new Simulation(small().usersPerClient(100).clientsPerRound(50).build(), SMALL);
    assertEquals(3, s.numClients());
    assertEquals(3, s.cohortSize());
    assertEquals(3, s.federationConfig().clientsPerRound());
    assertEquals(1, s.federationConfig().minClients());
  }

  @Test
  void federationConfig_defaults_takeCatalogueAndMeanFromData() {
    Simulation s = new Simulation(small().build(), SMALL);
    assertEquals(SMALL.numItems(), s.federationConfig().numItems());
    assertEquals((float) SMALL.train().meanRating(), s.federationConfig().initialMean());
    assertEquals(25, s.federationConfig().minClients());
  }

  @Test
  void run_progress_receivesEveryRoundInOrder() {
    List<Long> seen = new ArrayList<>();
    new Simulation(small().rounds(6).build(), SMALL).run((row, c) -> seen.add(row.round()));
    assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L), seen);
  }

  @Test
  void mix_differentRounds_differentSeeds() {
    assertNotEquals(Simulation.mix(0, 1), Simulation.mix(0, 2));
    assertNotEquals(Simulation.mix(0, 1), Simulation.mix(1, 1));
  }
}
