package io.fedrec.coordinator.round;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedrec.coordinator.store.StateStore;
import io.fedrec.core.dp.RandomSource;
import io.fedrec.core.model.GlobalModel;
import io.fedrec.core.model.TrainingConfig;
import io.fedrec.proto.v1.CheckInRequest;
import io.fedrec.proto.v1.Task;
import io.fedrec.proto.v1.UpdateHeader;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Adaptive clipping in the round engine: the clip follows the noisy unclipped fraction. */
class RoundEngineAdaptiveClipTest {
  private static final int ITEMS = 3;
  private static final int PARAMS = ITEMS * 3 + 1;
  private final TestClock clock = new TestClock();
  private final StateStore store = StateStore.inMemory();

  private FederationConfig config() {
    return FederationConfig.builder().numItems(ITEMS).training(TrainingConfig.defaults(2))
        .rounds(5).clientsPerRound(4).minClients(4).serverLearningRate(1)
        .selectionTimeout(Duration.ofSeconds(10)).roundTimeout(Duration.ofSeconds(60))
        .privacy(new PrivacySettings(PrivacySettings.Mode.CENTRAL, 1.0, 0.8, 100, 1e-5,
            1000, 40))
        .adaptiveClipping(new AdaptiveClipping(true, 0.5, 0.2, 20))
        .build();
  }

  private RoundEngine engine(List<RoundRecord> published) {
    RoundEngine e = RoundEngine.builder(config()).store(store).clock(clock)
        .tokenRandom(new Random(1)).noiseRandom(RandomSource.seeded(9)).build();
    e.addListener(new RoundListener() {
      @Override
      public void onRoundPublished(RoundRecord record, GlobalModel model) {
        published.add(record);
      }

      @Override
      public void onRoundAbandoned(long round, String reason) {}
    });
    return e;
  }

  /** Four clients of 10 users each, {@code unclipped} of them unclipped per client. */
  private static Task round(RoundEngine e, long round, int unclipped) {
    Task last = null;
    for (int c = 0; c < 4; c++) {
      Task t = e.checkIn(CheckInRequest.newBuilder().setClientId("c" + c).build()).getTask();
      assertEquals(round, t.getRound());
      e.beginSubmission(UpdateHeader.newBuilder().setClientId("c" + c).setRound(round)
              .setTaskToken(t.getTaskToken()).setWeight(10).setUnclippedUsers(unclipped)
              .setNumParameters(PARAMS).build())
          .complete(new float[PARAMS]);
      last = t;
    }
    return last;
  }

  @Test
  void theClipFollowsTheNoisyUnclippedFraction_andIsAccountedAtTheFederationsZ() {
    List<RoundRecord> published = new ArrayList<>();
    RoundEngine e = engine(published);
    Task first = round(e, 1, 10); // every user unclipped: the clip must shrink
    assertEquals(1.0, first.getPrivacy().getClipNorm());
    RoundRecord r1 = published.get(0);
    double fraction = r1.measurements().get("unclipped_fraction");
    assertEquals(1.0 * Math.exp(-0.2 * (fraction - 0.5)), r1.measurements().get("next_clip_norm"),
        1e-12);
    assertTrue(fraction > 0.5, "40 of 40 unclipped, noise sd 20/40: fraction " + fraction);
    assertEquals(0.8, r1.measurements().get("noise_multiplier"));
    // z_update = (0.8^-2 - 40^-2)^-1/2
    assertEquals(1 / Math.sqrt(1 / 0.64 - 1 / 1600.0),
        r1.measurements().get("update_noise_multiplier"), 1e-12);
    Task second = round(e, 2, 0); // nobody unclipped: the clip must grow again
    assertEquals(r1.measurements().get("next_clip_norm"), second.getPrivacy().getClipNorm(),
        1e-12);
    RoundRecord r2 = published.get(1);
    assertEquals(second.getPrivacy().getClipNorm()
            * Math.exp(-0.2 * (r2.measurements().get("unclipped_fraction") - 0.5)),
        r2.measurements().get("next_clip_norm"), 1e-12);
    assertTrue(r2.measurements().get("unclipped_fraction") < fraction,
        "0 of 40 unclipped reads lower than 40 of 40");

    // a restarted coordinator announces the adapted clip
    List<RoundRecord> again = new ArrayList<>();
    RoundEngine restarted = engine(again);
    Task third = restarted.checkIn(CheckInRequest.newBuilder().setClientId("c0").build())
        .getTask();
    assertEquals(3, third.getRound());
    assertEquals(r2.measurements().get("next_clip_norm"), third.getPrivacy().getClipNorm(),
        1e-12);
  }

  @Test
  void anUnclippedCountAboveTheWeight_isRefused() {
    RoundEngine e = engine(new ArrayList<>());
    Task t = e.checkIn(CheckInRequest.newBuilder().setClientId("c0").build()).getTask();
    StatusRuntimeException ex = assertThrows(StatusRuntimeException.class,
        () -> e.beginSubmission(UpdateHeader.newBuilder().setClientId("c0").setRound(1)
            .setTaskToken(t.getTaskToken()).setWeight(10).setUnclippedUsers(11)
            .setNumParameters(PARAMS).build()));
    assertEquals(Status.Code.INVALID_ARGUMENT, ex.getStatus().getCode());
  }

  @Test
  void adaptiveClipping_failsClosedOutsideCentralModeOrWithTooLittleCountNoise() {
    Properties p = new Properties();
    p.setProperty("num_items", "3");
    p.setProperty("clients_per_round", "10");
    p.setProperty("privacy_mode", "distributed");
    p.setProperty("secagg", "true");
    p.setProperty("privacy_clip_norm", "1");
    p.setProperty("privacy_epsilon", "4");
    p.setProperty("privacy_delta", "1e-5");
    p.setProperty("privacy_population", "1000");
    p.setProperty("privacy_adaptive_clip", "true");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> FederationConfig.fromProperties(p));
    assertTrue(e.getMessage().startsWith("privacy_adaptive_clip needs privacy_mode central"),
        e.getMessage());
    FederationConfig tight = config().toBuilder()
        .adaptiveClipping(new AdaptiveClipping(true, 0.5, 0.2, 0.3)).build();
    IllegalStateException s = assertThrows(IllegalStateException.class,
        () -> RoundEngine.builder(tight).build());
    assertTrue(s.getMessage().startsWith("adaptive clipping needs 2 * privacy_count_noise >"),
        s.getMessage());
  }
}
