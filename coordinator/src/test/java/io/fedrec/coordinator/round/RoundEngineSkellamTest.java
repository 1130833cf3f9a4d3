package io.fedrec.coordinator.round;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedrec.coordinator.store.LedgerAudit;
import io.fedrec.coordinator.store.LedgerSigner;
import io.fedrec.coordinator.store.StateStore;
import io.fedrec.core.dp.DistributedNoise;
import io.fedrec.core.dp.NoiseDistribution;
import io.fedrec.core.dp.RandomSource;
import io.fedrec.core.dp.SkellamAccountant;
import io.fedrec.core.model.TrainingConfig;
import io.fedrec.proto.v1.CheckInRequest;
import io.fedrec.proto.v1.CheckInResponse;
import io.fedrec.proto.v1.PrivacyConfig;
import io.fedrec.proto.v1.Task;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Skellam noise (Agarwal, Kairouz, Liu 2021) in the round engine: announced in every task,
 * accounted by the Skellam RDP bound for the budget stop and the ledger, audited independently.
 * Local mode, so that the clients' noise needs no secure aggregation in these unit tests (the
 * distributed mode with SecAgg runs end to end in the simulator's tests).
 */
class RoundEngineSkellamTest {
  private static final int ITEMS = 3;
  private static final int RANK = 2;
  private static final int PARAMS = ITEMS * (RANK + 1) + 1;
  private static final double DELTA = 1e-5;
  private static final double CLIP = 1.0;
  private static final double Z = 6.0;
  private static final double BUDGET = 2.0;

  private final TestClock clock = new TestClock();

  private static FederationConfig config(double noiseMultiplier, long rounds) {
    return FederationConfig.builder()
        .numItems(ITEMS)
        .training(TrainingConfig.defaults(RANK))
        .rounds(rounds)
        .clientsPerRound(2)
        .serverLearningRate(1.0)
        .privacy(new PrivacySettings(PrivacySettings.Mode.LOCAL, CLIP, noiseMultiplier, BUDGET,
            DELTA, 4, 2, NoiseDistribution.SKELLAM))
        .build();
  }

  /** The sensitivities the engine must use: local scale 2^16, PARAMS coordinates. */
  private static SkellamAccountant accountant() {
    return new DistributedNoise(CLIP, 1, DistributedNoise.LOCAL_SCALE, PARAMS, 1)
        .skellamAccountant();
  }

  private static double epsilon(long rounds) {
    return accountant().compose(1.0, Z, rounds).epsilon(DELTA);
  }

  private RoundEngine engine(FederationConfig config, StateStore store) {
    return RoundEngine.builder(config).store(store).clock(clock).tokenRandom(new Random(1))
        .noiseRandom(RandomSource.seeded(5)).build();
  }

  private static Task task(RoundEngine e, String id) {
    return RoundEnginePrivacyTest.task(e, id);
  }

  /** Clients a and b submit zero updates (the same model shape as the central-DP tests). */
  private static void runRound(RoundEngine e) {
    RoundEnginePrivacyTest.runRound(e);
  }

  @Test
  void checkIn_skellam_taskAnnouncesTheNoise() {
    RoundEngine e = engine(config(Z, 10), StateStore.inMemory());
    PrivacyConfig p = task(e, "a").getPrivacy();
    assertEquals("local", p.getMode());
    assertEquals("skellam", p.getNoise());
    assertEquals(Z, p.getNoiseMultiplier());
  }

  @Test
  void openNextRound_skellamBudget_stopsWhereTheSkellamAccountantSays() {
    long fit = 0;
    while (epsilon(fit + 1) <= BUDGET) {
      fit++;
    }
    assertTrue(fit >= 2 && fit < 10, "the test's budget allows a few rounds: " + fit);
    RoundEngine e = engine(config(Z, 10), StateStore.inMemory());
    for (int r = 0; r < fit; r++) {
      runRound(e);
    }
    assertEquals(fit, e.currentModel().version());
    CheckInResponse r = e.checkIn(CheckInRequest.newBuilder().setClientId("c").build());
    assertTrue(r.hasFinished(), r.toString());
    assertTrue(e.finishReason().startsWith("privacy budget: round " + (fit + 1)),
        e.finishReason());
  }

  @Test
  void ledger_skellam_recordsItsAccountingAndAuditsClean(@TempDir Path dir) throws Exception {
    List<RoundRecord> records = new ArrayList<>();
    try (StateStore disk = StateStore.directory(dir)) {
      RoundEngine e = engine(config(Z, 2), disk);
      e.addListener((record, model) -> records.add(record));
      runRound(e);
      runRound(e);
    }
    SkellamAccountant a = accountant();
    for (RoundRecord r : records) {
      Map<String, Double> m = r.measurements();
      assertEquals(PrivacySettings.SKELLAM_ACCOUNTANT_VERSION, r.accountant());
      assertEquals(a.l2Sensitivity(), m.get("skellam_l2_units"), 0.0);
      assertEquals(a.l1Sensitivity(), m.get("skellam_l1_units"), 0.0);
      assertEquals(DistributedNoise.LOCAL_SCALE, m.get("noise_scale"), 0.0);
      assertEquals(PARAMS, m.get("num_parameters"), 0.0);
      assertEquals(epsilon(r.round()), m.get("epsilon_rdp"), 0.0);
      assertFalse(m.containsKey("epsilon_pld"), "no PLD accountant for Skellam noise");
    }
    Path ledger = dir.resolve("ledger.jsonl");
    LedgerAudit audit = LedgerAudit.verify(ledger,
        LedgerSigner.readPublicKey(dir.resolve(LedgerSigner.PUBLIC_FILE)));
    assertTrue(audit.ok(), audit.problems().toString());
    assertEquals(epsilon(2), audit.epsilonRdp(), 1e-12);
    assertTrue(Double.isNaN(audit.epsilonPld()));
  }

  @Test
  void fromProperties_skellam_roundTripsAndRefusesItOutsideClientNoise() {
    FederationConfig c = config(Z, 10);
    assertEquals(c, FederationConfig.fromProperties(c.toProperties()));
    assertEquals("skellam", c.toProperties().getProperty("privacy_noise"));

    Properties bad = c.toProperties();
    bad.setProperty("privacy_noise", "laplace");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> FederationConfig.fromProperties(bad));
    assertEquals("privacy_noise must be discrete_gaussian or skellam. Provided value: laplace",
        e.getMessage());

    Properties central = c.toProperties();
    central.setProperty("privacy_mode", "central");
    e = assertThrows(IllegalArgumentException.class,
        () -> FederationConfig.fromProperties(central));
    assertTrue(e.getMessage().startsWith("privacy_noise skellam is for the clients' noise"),
        e.getMessage());
  }

  @Test
  void build_noNoiseMultiplier_solvesWithTheSkellamAccountant() {
    RoundEngine e = engine(config(0, 3), StateStore.inMemory());
    double z = e.privacy().noiseMultiplier();
    assertTrue(accountant().compose(1.0, z, 3).epsilon(DELTA) <= BUDGET);
    assertTrue(accountant().compose(1.0, z * 0.99, 3).epsilon(DELTA) > BUDGET * 0.999,
        "the smallest z, to the solver's tolerance: " + z);
  }
}
