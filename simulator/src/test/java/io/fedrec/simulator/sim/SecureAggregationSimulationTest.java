package io.fedrec.simulator.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fedrec.coordinator.round.PrivacySettings;
import io.fedrec.coordinator.round.RoundRecord;
import io.fedrec.coordinator.round.SecAggSettings;
import io.fedrec.simulator.data.MovieLens;
import io.fedrec.simulator.data.Split;
import io.fedrec.simulator.data.SyntheticConfig;
import io.fedrec.simulator.data.SyntheticDataset;
import io.fedrec.simulator.data.TestDatasets;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Secure aggregation through the whole stack (SDK session, engine, SecAgg+ phases): the model
 * matches the plaintext run up to quantization, runs are reproducible across transports, and the
 * federation goes on when clients vanish at random phases.
 */
class SecureAggregationSimulationTest {
  private static final Split SMALL = SyntheticDataset.generate(
      SyntheticConfig.builder().numUsers(300).numItems(120).build());

  private static SimulationConfig.Builder small(int rounds) {
    return SimulationConfig.builder().rounds(rounds).clientsPerRound(40).evalEvery(rounds)
        .threads(2);
  }

  @Test
  void secureRun_matchesPlaintextUpToQuantization() {
    SimulationResult plain = new Simulation(small(15).build(), SMALL).run();
    SimulationResult secure =
        new Simulation(small(15).secagg(SecAggSettings.on()).build(), SMALL).run();
    assertEquals(15, secure.rounds());
    assertEquals(plain.finalMetrics().rmse(), secure.finalMetrics().rmse(), 0.002,
        "plain " + plain.finalMetrics().rmse() + " vs secure " + secure.finalMetrics().rmse());
    // not bit-identical: the secure sum is of quantized updates
    double maxDiff = ModelDifference.max(plain.finalModel(), secure.finalModel());
    assertTrue(maxDiff > 0, "a secure run that equals the plain one bit for bit encodes nothing");
    assertTrue(maxDiff < 1e-3, "max parameter difference " + maxDiff);
    SecAggReport report = secure.secagg();
    assertTrue(report.enabled());
    // n = 40, M = max(ceil(1.0 * 2^16), 1) = 65536: n * M = 2,621,440 < 2^22, so 23 bits
    assertEquals(23, report.bitsPerCoordinate());
    assertEquals(22, report.neighbours()); // 2 * ceil(4 * log2(40) / 2) = 22
    assertEquals(12, report.threshold()); // (22 + 1) / 2 + 1
    assertEquals(0, report.droppedClients());
    int vector = SMALL.numItems() * 17 + 2; // parameters + weight
    assertTrue(report.bytesUpPerClient() > 4.0 * vector, "bytes up " + report.bytesUpPerClient());
    for (RoundRecord r : secure.records()) {
      assertEquals(40, r.submitted());
    }
  }

  @Test
  void secureRun_isBitIdenticalAcrossRunsAndTransports() {
    SimulationConfig direct = small(4).secagg(SecAggSettings.on()).build();
    SimulationResult a = new Simulation(direct, SMALL).run();
    SimulationResult b = new Simulation(direct, SMALL).run();
    SimulationResult grpc = new Simulation(
        direct.toBuilder().transport(Transport.INPROCESS).build(), SMALL).run();
    assertArrayEquals(a.finalModel().sha256(), b.finalModel().sha256());
    assertArrayEquals(a.finalModel().sha256(), grpc.finalModel().sha256());
  }

  @Test
  void secureRun_withDropoutsAtEveryPhase_keepsPublishing() {
    SimulationResult r = new Simulation(
        small(6).secagg(SecAggSettings.on()).dropout(0.2).build(), SMALL).run();
    assertEquals(6, r.rounds());
    SecAggReport report = r.secagg();
    assertTrue(report.droppedClients() > 0, "no client dropped at 20%");
    long dropouts = 0;
    for (RoundRecord rec : r.records()) {
      dropouts += rec.dropouts();
      // those who vanished in the unmask phase had sent their input: it is in the sum
      assertTrue(rec.measurements().get("secagg_unmask_responses")
          <= rec.measurements().get("secagg_masked_inputs"));
      assertEquals(rec.submitted(), rec.measurements().get("secagg_masked_inputs").intValue());
    }
    assertEquals(dropouts, report.droppedClients());
    assertTrue(r.finalMetrics().rmse() < r.baseline().rmse() + 0.05,
        "RMSE " + r.finalMetrics().rmse());
  }

  @Test
  void plainRun_withDropouts_publishesWithTheSurvivors() {
    SimulationResult r = new Simulation(small(4).dropout(0.3).build(), SMALL).run();
    assertEquals(4, r.rounds());
    long dropouts = 0;
    for (RoundRecord rec : r.records()) {
      dropouts += rec.dropouts();
      assertEquals(40, rec.submitted() + rec.dropouts());
    }
    assertTrue(dropouts > 0);
    assertTrue(!r.secagg().enabled());
  }

  @Test
  void distributedPrivacy_noisesTheSumLikeCentralAndSpendsTheSameBudget() {
    SimulationConfig.Builder base = small(10).secagg(SecAggSettings.on());
    SimulationResult secure = new Simulation(base.build(), SMALL).run();
    SimulationResult distributed = new Simulation(
        base.privacy(new DpOptions(8, 1e-5, 0.5, 0, "distributed")).build(), SMALL).run();
    SimulationResult central = new Simulation(small(10)
        .privacy(new DpOptions(8, 1e-5, 0.5, 0, "central")).build(), SMALL).run();
    assertEquals("distributed", distributed.privacy().mode());
    assertEquals(central.privacy().noiseMultiplier(), distributed.privacy().noiseMultiplier());
    assertEquals(central.privacy().epsilon(), distributed.privacy().epsilon(), 1e-12);
    assertTrue(distributed.privacy().epsilon() <= 8);
    // the noise is really in the sum: far more than quantization apart from the noiseless run
    double maxDiff = ModelDifference.max(secure.finalModel(), distributed.finalModel());
    assertTrue(maxDiff > 1e-2, "max parameter difference " + maxDiff);
    // and of the same size as the coordinator's noise in central mode
    assertEquals(central.finalMetrics().rmse(), distributed.finalMetrics().rmse(), 0.03,
        "central " + central.finalMetrics().rmse() + " vs distributed "
            + distributed.finalMetrics().rmse());
    for (RoundRecord r : distributed.records()) {
      assertEquals("distributed_gaussian", r.aggregation());
      assertTrue(r.measurements().containsKey("secagg_noisy_weight"));
    }
  }

  @Test
  void distributedSkellam_noisesTheSumAndIsAccountedByTheSkellamBound() {
    SimulationConfig.Builder base = small(10).secagg(SecAggSettings.on());
    SimulationResult secure = new Simulation(base.build(), SMALL).run();
    SimulationResult gaussian = new Simulation(
        base.privacy(new DpOptions(8, 1e-5, 0.5, 0, "distributed")).build(), SMALL).run();
    SimulationResult skellam = new Simulation(base.privacy(
        new DpOptions(8, 1e-5, 0.5, 0, "distributed", "skellam")).build(), SMALL).run();
    assertEquals("skellam", skellam.privacy().noise());
    assertEquals(10, skellam.rounds());
    assertTrue(skellam.privacy().epsilon() <= 8, "epsilon " + skellam.privacy().epsilon());
    // the generic subsampling bound is looser than the Gaussian's: a little more noise is needed
    assertTrue(skellam.privacy().noiseMultiplier() >= gaussian.privacy().noiseMultiplier(),
        skellam.privacy().noiseMultiplier() + " vs " + gaussian.privacy().noiseMultiplier());
    double maxDiff = ModelDifference.max(secure.finalModel(), skellam.finalModel());
    assertTrue(maxDiff > 1e-2, "the noise is in the sum: max parameter difference " + maxDiff);
    assertEquals(gaussian.finalMetrics().rmse(), skellam.finalMetrics().rmse(), 0.03,
        "discrete Gaussian " + gaussian.finalMetrics().rmse() + " vs Skellam "
            + skellam.finalMetrics().rmse());
    for (RoundRecord r : skellam.records()) {
      assertEquals(PrivacySettings.SKELLAM_ACCOUNTANT_VERSION, r.accountant());
      assertEquals(65536.0, r.measurements().get("noise_scale"));
    }
  }

  @Test
  void movieLensU1_secureMatchesPlaintextWithin0002() throws Exception {
    Optional<Path> dir = TestDatasets.ml100k();
    assumeTrue(dir.isPresent(), "MovieLens-100K not found under fedrec.datasets");
    Split split = MovieLens.load100k(dir.get(), "u1", 0);
    SimulationConfig plainConfig = SimulationConfig.builder().dataset(MovieLens.ML_100K)
        .split("u1").rounds(40).evalEvery(40).build();
    SimulationResult plain = new Simulation(plainConfig, split).run();
    SimulationResult secure = new Simulation(
        plainConfig.toBuilder().secagg(SecAggSettings.on()).build(), split).run();
    assertEquals(plain.finalMetrics().rmse(), secure.finalMetrics().rmse(), 0.002,
        "plain " + plain.finalMetrics().rmse() + " vs secure " + secure.finalMetrics().rmse());
  }
}
