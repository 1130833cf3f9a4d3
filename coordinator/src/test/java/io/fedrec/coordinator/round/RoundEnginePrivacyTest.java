package io.fedrec.coordinator.round;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedrec.coordinator.store.LedgerAudit;
import io.fedrec.coordinator.store.LedgerSigner;
import io.fedrec.coordinator.store.StateStore;
import io.fedrec.core.aggregate.WeightedMeanFactory;
import io.fedrec.core.dp.PldAccountant;
import io.fedrec.core.dp.RandomSource;
import io.fedrec.core.dp.RdpAccountant;
import io.fedrec.core.model.GlobalModel;
import io.fedrec.core.model.TrainingConfig;
import io.fedrec.proto.v1.CheckInRequest;
import io.fedrec.proto.v1.CheckInResponse;
import io.fedrec.proto.v1.PrivacyConfig;
import io.fedrec.proto.v1.Task;
import io.fedrec.proto.v1.UpdateHeader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Central differential privacy in the round engine: noise, accounting, budget stop, restart. */
class RoundEnginePrivacyTest {
  private static final int ITEMS = 3;
  private static final int RANK = 2;
  private static final int PARAMS = ITEMS * (RANK + 1) + 1;
  private static final double DELTA = 1e-5;

  private final TestClock clock = new TestClock();
  private final StateStore store = StateStore.inMemory();

  /** q = 2/4 = 0.5, z = 2: by PLD, 4 rounds cost 2.5237 and 5 rounds 2.8078 at delta 1e-5. */
  private static FederationConfig config(double noiseMultiplier, long rounds) {
    return FederationConfig.builder()
        .numItems(ITEMS)
        .training(TrainingConfig.defaults(RANK))
        .rounds(rounds)
        .clientsPerRound(2)
        .serverLearningRate(1.0)
        .privacy(new PrivacySettings(
            PrivacySettings.Mode.CENTRAL, 1.0, noiseMultiplier, 2.6, DELTA, 4, 2))
        .build();
  }

  private RoundEngine engine(FederationConfig config, long noiseSeed) {
    return RoundEngine.builder(config).store(store).clock(clock).tokenRandom(new Random(1))
        .noiseRandom(RandomSource.seeded(noiseSeed)).build();
  }

  static Task task(RoundEngine e, String id) {
    CheckInResponse r = e.checkIn(CheckInRequest.newBuilder().setClientId(id).build());
    assertTrue(r.hasTask(), r.toString());
    return r.getTask();
  }

  static void runRound(RoundEngine e) {
    for (String id : List.of("a", "b")) {
      Task t = task(e, id);
      e.beginSubmission(UpdateHeader.newBuilder().setClientId(id).setRound(t.getRound())
              .setTaskToken(t.getTaskToken()).setWeight(1).setNumParameters(PARAMS).build())
          .complete(new float[PARAMS]);
    }
  }

  @Test
  void checkIn_centralPrivacy_taskAnnouncesParametersAndSpentBudget() {
    RoundEngine e = engine(config(2.0, 10), 5);
    PrivacyConfig first = task(e, "a").getPrivacy();
    assertEquals("central", first.getMode());
    assertEquals(1.0, first.getClipNorm());
    assertEquals(2.0, first.getNoiseMultiplier());
    assertEquals(0.5, first.getSamplingRate());
    assertEquals(DELTA, first.getDelta());
    assertEquals(2.6, first.getEpsilonBudget());
    assertEquals(0.0, first.getEpsilonSpent());
    Task b = task(e, "b");
    e.beginSubmission(UpdateHeader.newBuilder().setClientId("b").setRound(1)
        .setTaskToken(b.getTaskToken()).setWeight(1).setNumParameters(PARAMS).build())
        .complete(new float[PARAMS]);
    Task a = task(e, "a");
    e.beginSubmission(UpdateHeader.newBuilder().setClientId("a").setRound(1)
        .setTaskToken(a.getTaskToken()).setWeight(1).setNumParameters(PARAMS).build())
        .complete(new float[PARAMS]);
    double expected = RdpAccountant.create().compose(0.5, 2.0, 1).epsilon(DELTA);
    assertEquals(expected, task(e, "a").getPrivacy().getEpsilonSpent(), 1e-12);
  }

  @Test
  void openNextRound_budgetExhausted_finishesWithReasonAfterFourRounds() {
    RoundEngine e = engine(config(2.0, 10), 5);
    for (int r = 0; r < 4; r++) {
      runRound(e);
    }
    assertEquals(4, e.currentModel().version());
    CheckInResponse r = e.checkIn(CheckInRequest.newBuilder().setClientId("c").build());
    assertEquals(4, r.getFinished().getLastRound());
    assertTrue(r.getFinished().getReason().startsWith(
        "privacy budget: round 5 would bring epsilon above 2.6 at delta 1.0E-5"),
        r.getFinished().getReason());
    assertEquals(EngineStatus.Phase.FINISHED, e.status().phase());
    // The limit is where PLD says it is: 4 rounds fit, 5 do not.
    assertTrue(PldAccountant.create().compose(0.5, 2.0, 4).epsilon(DELTA) <= 2.6);
    assertTrue(PldAccountant.create().compose(0.5, 2.0, 5).epsilon(DELTA) > 2.6);
  }

  @Test
  void publish_centralPrivacy_recordsAccountingAndNoiseMeasurements() {
    RoundEngine e = engine(config(2.0, 10), 5);
    List<RoundRecord> records = new ArrayList<>();
    e.addListener((record, model) -> records.add(record));
    runRound(e);
    runRound(e);
    RoundRecord second = records.get(1);
    assertEquals("central_gaussian", second.aggregation());
    assertEquals(RdpAccountant.create().compose(0.5, 2.0, 2).epsilon(DELTA),
        second.measurements().get("epsilon_rdp"), 1e-12);
    assertEquals(2.0, second.measurements().get("noise_multiplier"));
    assertEquals(1.0, second.measurements().get("clip_norm"));
    assertEquals(1.0, second.measurements().get("noise_stddev"));
    assertEquals(0.5, second.measurements().get("sampling_rate"));
    assertEquals(DELTA, second.measurements().get("delta"));
  }

  @Test
  void ledger_writtenByTheEngine_auditsCleanWithBothEpsilonsAndTheModelChain(@TempDir Path dir)
      throws Exception {
    List<RoundRecord> records = new ArrayList<>();
    List<String> hashes = new ArrayList<>();
    try (StateStore disk = StateStore.directory(dir)) {
      RoundEngine e = RoundEngine.builder(config(2.0, 10)).store(disk).clock(clock)
          .tokenRandom(new Random(1)).noiseRandom(RandomSource.seeded(5)).build();
      hashes.add(HexFormat.of().formatHex(e.currentModel().sha256()));
      e.addListener((record, model) -> records.add(record));
      for (int r = 0; r < 4; r++) {
        runRound(e);
        hashes.add(HexFormat.of().formatHex(e.currentModel().sha256()));
      }
    }
    assertEquals(4, records.size(), "the budget allows four rounds");
    for (RoundRecord r : records) {
      int n = (int) r.round();
      assertEquals(hashes.get(n - 1), r.modelBeforeSha256Hex());
      assertEquals(hashes.get(n), r.modelSha256Hex());
      assertEquals("central", r.privacyMode());
      assertEquals(PrivacySettings.ACCOUNTANT_VERSION, r.accountant());
      double pld = PldAccountant.create(PrivacySettings.PLD_INTERVAL).compose(0.5, 2.0, n)
          .epsilon(DELTA);
      assertEquals(pld, r.measurements().get("epsilon_pld"), 0.0);
      assertEquals(PrivacySettings.PLD_INTERVAL, r.measurements().get("pld_interval"));
      assertEquals(2.6, r.measurements().get("epsilon_budget"));
      assertTrue(pld <= 2.6 && pld < r.measurements().get("epsilon_rdp"), r.toString());
    }
    LedgerAudit audit = LedgerAudit.verify(dir.resolve("ledger.jsonl"),
        LedgerSigner.readPublicKey(dir.resolve(LedgerSigner.PUBLIC_FILE)));
    assertTrue(audit.ok(), audit.problems().toString());
    assertEquals(4, audit.records().size());
    assertEquals(records.get(3).measurements().get("epsilon_pld"), audit.epsilonPld(), 0.0);
  }

  @Test
  void publish_zeroUpdates_modelMovesByNoiseOnlyAndIsReproducibleWithSeed() {
    RoundEngine e = engine(config(2.0, 10), 5);
    GlobalModel before = e.currentModel();
    runRound(e);
    float[] moved = e.currentModel().parameters();
    float[] initial = before.parameters();
    int changed = 0;
    for (int i = 0; i < PARAMS; i++) {
      if (moved[i] != initial[i]) {
        changed++;
      }
    }
    // Noise has standard deviation 1 per coordinate of the mean: all but a negligible fraction
    // of coordinates move (P(a discrete Gaussian of sigma 2^25 is 0) ~ 1e-8).
    assertEquals(PARAMS, changed);
    StateStore other = StateStore.inMemory();
    RoundEngine twin = RoundEngine.builder(config(2.0, 10)).store(other).clock(clock)
        .tokenRandom(new Random(1)).noiseRandom(RandomSource.seeded(5)).build();
    runRound(twin);
    assertArrayEquals(moved, twin.currentModel().parameters());
  }

  @Test
  void build_restartAfterTwoRounds_keepsSpentBudgetAndStopsAtSameRound() {
    RoundEngine first = engine(config(2.0, 10), 5);
    runRound(first);
    runRound(first);
    RoundEngine second = engine(config(2.0, 10), 6);
    assertEquals(RdpAccountant.create().compose(0.5, 2.0, 2).epsilon(DELTA),
        task(second, "a").getPrivacy().getEpsilonSpent(), 1e-12);
    // finish round 3 (a already has its task), then round 4
    Task a = task(second, "a");
    Task b = task(second, "b");
    for (var t : List.of(a, b)) {
      String id = t == a ? "a" : "b";
      second.beginSubmission(UpdateHeader.newBuilder().setClientId(id).setRound(3)
          .setTaskToken(t.getTaskToken()).setWeight(1).setNumParameters(PARAMS).build())
          .complete(new float[PARAMS]);
    }
    runRound(second);
    assertEquals(4, second.currentModel().version());
    assertTrue(second.checkIn(CheckInRequest.newBuilder().setClientId("c").build()).hasFinished());
    assertTrue(second.finishReason().startsWith("privacy budget"), second.finishReason());
  }

  @Test
  void build_noNoiseMultiplier_solvesOneThatFitsAllRounds() {
    RoundEngine e = engine(config(0, 3), 5);
    double z = e.privacy().noiseMultiplier();
    assertTrue(z > 0 && z < 2.0, "solved z " + z);
    assertTrue(PldAccountant.create().compose(0.5, z, 3).epsilon(DELTA) <= 2.6);
    for (int r = 0; r < 3; r++) {
      runRound(e);
    }
    assertEquals("all 3 rounds published", e.finishReason());
  }

  @Test
  void build_customAggregationWithCentralPrivacy_refused() {
    IllegalStateException x = assertThrows(IllegalStateException.class,
        () -> RoundEngine.builder(config(2.0, 10)).aggregation(new WeightedMeanFactory()).build());
    assertTrue(x.getMessage().startsWith("privacy_mode central brings its own aggregation"));
  }

  @Test
  void fromProperties_centralPrivacy_roundTripsAndFailsClosed() {
    FederationConfig c = config(2.0, 10);
    assertEquals(c, FederationConfig.fromProperties(c.toProperties()));

    Properties missing = c.toProperties();
    missing.remove("privacy_delta");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> FederationConfig.fromProperties(missing));
    assertEquals("privacy_delta is required when privacy_mode is central", e.getMessage());

    Properties stray = FederationConfig.builder().numItems(3).build().toProperties();
    stray.setProperty("privacy_epsilon", "1");
    e = assertThrows(IllegalArgumentException.class, () -> FederationConfig.fromProperties(stray));
    assertEquals("privacy_epsilon is set but privacy_mode is none; set privacy_mode=central",
        e.getMessage());

    Properties badDelta = c.toProperties();
    badDelta.setProperty("privacy_delta", "1.5");
    e = assertThrows(IllegalArgumentException.class, () -> FederationConfig.fromProperties(badDelta));
    assertEquals("privacy_delta must be in (0, 1). Provided value: 1.5", e.getMessage());

    Properties badMode = c.toProperties();
    badMode.setProperty("privacy_mode", "shuffle");
    e = assertThrows(IllegalArgumentException.class, () -> FederationConfig.fromProperties(badMode));
    assertEquals("privacy_mode must be one of none, central, distributed, local. Provided value:"
        + " shuffle", e.getMessage());
  }

  @Test
  void privacySettings_cohortLargerThanPopulation_refused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new PrivacySettings(PrivacySettings.Mode.CENTRAL, 1.0, 1.0, 1.0, DELTA, 4, 5));
    assertEquals("privacy_users_per_round must be in [1, 4]. Provided value: 5", e.getMessage());
    assertFalse(PrivacySettings.NONE.samplingRate() > 0);
  }
}
