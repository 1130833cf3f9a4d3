package io.fedrec.client.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedrec.client.CoordinatorTransport;
import io.fedrec.client.FakeCoordinator;
import io.fedrec.client.InProcessCoordinator;
import io.fedrec.client.LocalDataSource;
import io.fedrec.client.MapDataSource;
import io.fedrec.client.RecordingListener;
import io.fedrec.core.model.GlobalModel;
import io.fedrec.core.model.LocalTrainer;
import io.fedrec.core.model.ModelShape;
import io.fedrec.core.model.TrainingConfig;
import io.fedrec.core.model.UserRatings;
import io.fedrec.proto.v1.PrivacyConfig;
import io.fedrec.proto.v1.ReportFailureRequest;
import io.fedrec.proto.v1.Task;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link ClientSession} under a task's {@code privacy} settings: with {@code clip_norm > 0} every
 * user's whole contribution is clipped ({@link LocalTrainer#accumulateClippedUserUpdate}) and the
 * prior is added once with the sum of the users' scales; a privacy mode other than {@code none}
 * without a clip norm fails closed. Expected submissions are recomputed here in the session's own
 * operation order (users in data-source order into one accumulator per partition, partitions
 * summed in order, then {@code addWeightDecay}), so they are compared float for float.
 */
class ClientSessionPrivacyTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final ModelShape SHAPE = new ModelShape(20, 3);
  private static final TrainingConfig CONFIG =
      new TrainingConfig(3, 10f, 10f, 0.1f, 2, 0.05f, 1f, 5f, 1e-3f);

  /**
   * Between the users' contribution norms on {@code model0} (alice ~0.232, carol ~0.286, dave
   * ~0.202), so that alice and carol are clipped and dave is not.
   */
  private static final double CLIP_NORM = 0.22;

  private final GlobalModel model0 = GlobalModel.initial(SHAPE, 3.5f, 0.1, 7);
  private final MapDataSource data = MapDataSource.builder()
      .user("alice", new int[] {0, 3, 7}, new float[] {4, 5, 2})
      .user("bob", new int[0], new float[0])
      .user("carol", new int[] {1, 3, 19, 12}, new float[] {3, 4, 1, 5})
      .user("dave", new int[] {5}, new float[] {2})
      .build();
  private final RecordingListener listener = new RecordingListener();

  private FakeCoordinator fake;
  private InProcessCoordinator server;
  private CoordinatorTransport transport;

  @BeforeEach
  void setUp() {
    fake = new FakeCoordinator();
    fake.model = model0;
    server = new InProcessCoordinator(fake);
    transport = CoordinatorTransport.grpc(server.channel());
  }

  @AfterEach
  void tearDown() {
    server.close();
  }

  private ClientSession session(LocalDataSource source) {
    return new ClientSession("client-1", transport, source, TIMEOUT, listener);
  }

  private static Task task(long round, GlobalModel model, String mode, double clipNorm) {
    return FakeCoordinator.task(round, model, CONFIG, 64).toBuilder()
        .setPrivacy(PrivacyConfig.newBuilder()
            .setMode(mode)
            .setClipNorm(clipNorm)
            .setNoiseMultiplier(1.0)
            .setSamplingRate(0.01))
        .build();
  }

  private List<UserRatings> usersWithRatings() {
    return List.of(data.ratings("alice"), data.ratings("carol"), data.ratings("dave"));
  }

  /** The unclipped submission: per-user updates summed in order, then the prior for n users. */
  private static float[] unclippedSum(GlobalModel model, List<UserRatings> users) {
    float[] acc = new float[model.shape().numParameters()];
    LocalTrainer trainer = new LocalTrainer(CONFIG);
    for (UserRatings u : users) {
      trainer.accumulateUserUpdate(model, u, acc);
    }
    trainer.addWeightDecay(model, acc, users.size());
    return acc;
  }

  /**
   * The clipped submission of a session training in {@code parts} contiguous partitions: each
   * partition clips its users in order into its own accumulator and sums their scales; the
   * partitions are added in order, then the prior with the summed scales.
   */
  private static float[] clippedSum(
      GlobalModel model, List<UserRatings> users, double clipNorm, int parts) {
    int n = users.size();
    float[] total = null;
    double shares = 0;
    for (int p = 0; p < parts; p++) {
      LocalTrainer trainer = new LocalTrainer(CONFIG);
      float[] acc = new float[model.shape().numParameters()];
      double share = 0;
      for (int u = (int) ((long) n * p / parts); u < (int) ((long) n * (p + 1) / parts); u++) {
        share += trainer.accumulateClippedUserUpdate(model, users.get(u), acc, clipNorm).scale();
      }
      if (total == null) {
        total = acc;
        shares = share;
      } else {
        for (int x = 0; x < total.length; x++) {
          total[x] += acc[x];
        }
        shares += share;
      }
    }
    new LocalTrainer(CONFIG).addWeightDecay(model, total, shares);
    return total;
  }

  private static List<Float> scales(GlobalModel model, List<UserRatings> users, double clipNorm) {
    List<Float> scales = new ArrayList<>();
    for (UserRatings u : users) {
      scales.add(new LocalTrainer(CONFIG)
          .accumulateClippedUserUpdate(model, u, new float[SHAPE.numParameters()], clipNorm)
          .scale());
    }
    return scales;
  }

  private static double norm(float[] v) {
    double s = 0;
    for (float x : v) {
      s += (double) x * x;
    }
    return Math.sqrt(s);
  }

  /** {@code manyUsers} users with 1 to 6 distinct items each, seeded. */
  private static MapDataSource manyUsers(int manyUsers) {
    MapDataSource.Builder b = MapDataSource.builder();
    SplittableRandom random = new SplittableRandom(5);
    for (int u = 0; u < manyUsers; u++) {
      int count = 1 + random.nextInt(6);
      int[] items = new int[count];
      float[] ratings = new float[count];
      int first = random.nextInt(SHAPE.numItems());
      for (int j = 0; j < count; j++) {
        items[j] = (first + 3 * j) % SHAPE.numItems(); // 20 and 3 coprime: distinct for j < 20
        ratings[j] = 1 + random.nextInt(5);
      }
      b.user("u" + u, items, ratings);
    }
    return b.build();
  }

  // ---------------------------------------------------------------- central mode

  @Test
  void step_centralPrivacy_submitsClippedSumOfUsersBitForBit() {
    List<Float> scales = scales(model0, usersWithRatings(), CLIP_NORM);
    assertTrue(scales.get(0) < 1f && scales.get(1) < 1f && scales.get(2) == 1f,
        "precondition: alice and carol clipped, dave not: " + scales);
    fake.thenTask(task(1, model0, "central", CLIP_NORM));

    StepResult result = session(data).step();

    assertInstanceOf(StepResult.Participated.class, result);
    assertEquals(1, fake.uploads.size());
    assertArrayEquals(clippedSum(model0, usersWithRatings(), CLIP_NORM, 1),
        fake.uploads.get(0).values());
  }

  @Test
  void step_centralPrivacy_clippingChangesTheSubmission() {
    fake.thenTask(task(1, model0, "central", CLIP_NORM));

    session(data).step();

    float[] submitted = fake.uploads.get(0).values();
    float[] unclipped = unclippedSum(model0, usersWithRatings());
    double difference = 0;
    for (int x = 0; x < submitted.length; x++) {
      difference += Math.abs(submitted[x] - unclipped[x]);
    }
    assertTrue(difference > 1e-3 * norm(unclipped), "difference " + difference);
  }

  /** Every user is within C, so the sum of n users is within n * C (the server's safety net). */
  @Test
  void step_centralPrivacy_submissionNormAtMostUsersTimesClipNorm() {
    double clipNorm = 0.05; // below every user's norm: all three clipped
    fake.thenTask(task(1, model0, "central", clipNorm));

    session(data).step();

    double submitted = norm(fake.uploads.get(0).values());
    assertTrue(submitted <= 3 * clipNorm * (1 + 1e-6), "norm " + submitted);
  }

  @Test
  void step_centralPrivacy_weightIsNumberOfUsersNotSumOfScales() {
    fake.thenTask(task(1, model0, "central", CLIP_NORM));

    StepResult.Participated p =
        assertInstanceOf(StepResult.Participated.class, session(data).step());

    assertEquals(3, fake.uploads.get(0).header().getWeight());
    assertEquals(3, p.users());
    assertEquals(8, p.ratings());
    assertEquals(List.of("checkIn client-1", "taskReceived 1", "modelUpdated 0",
        "updateSubmitted 1 3"), listener.events);
  }

  /** The reported loss is measured before the local steps and is not clipped. */
  @Test
  void step_centralPrivacy_lossSumIsSumOfUnclippedLosses() {
    double expected = 0;
    LocalTrainer trainer = new LocalTrainer(CONFIG);
    for (UserRatings u : usersWithRatings()) {
      expected += trainer.accumulateUserUpdate(model0, u, new float[SHAPE.numParameters()]);
    }
    fake.thenTask(task(1, model0, "central", CLIP_NORM));

    StepResult.Participated p = (StepResult.Participated) session(data).step();

    assertEquals(expected, p.lossSum(), 0);
  }

  @Test
  void step_centralPrivacyHugeClipNorm_submitsUnclippedSumBitForBit() {
    fake.thenTask(task(1, model0, "central", 1e300));

    session(data).step();

    assertArrayEquals(unclippedSum(model0, usersWithRatings()), fake.uploads.get(0).values());
  }

  /** Three partitions on a direct executor: partition sums added in order, float for float. */
  @Test
  void step_centralPrivacyThreePartitions_submitsPartitionOrderClippedSumBitForBit() {
    MapDataSource many = manyUsers(23);
    List<UserRatings> users = new ArrayList<>();
    for (String id : many.userIds()) {
      users.add(many.ratings(id));
    }
    fake.thenTask(task(1, model0, "central", CLIP_NORM));

    new ClientSession("c", transport, many, TIMEOUT, listener, Runnable::run, 3).step();

    assertArrayEquals(clippedSum(model0, users, CLIP_NORM, 3), fake.uploads.get(0).values());
    assertEquals(23, fake.uploads.get(0).header().getWeight());
  }

  @Test
  void step_centralPrivacyThreePartitions_matchesSequentialWithinRounding() {
    MapDataSource many = manyUsers(23);
    fake.thenTask(task(1, model0, "central", CLIP_NORM))
        .thenTask(task(2, model0, "central", CLIP_NORM));

    new ClientSession("c", transport, many, TIMEOUT, listener, Runnable::run, 3).step();
    new ClientSession("c", transport, many, TIMEOUT, listener).step();

    assertArrayEquals(fake.uploads.get(1).values(), fake.uploads.get(0).values(), 1e-6f);
  }

  // ---------------------------------------------------------------- fail closed

  @Test
  void step_centralPrivacyZeroClipNorm_reportsTrainingErrorAndSubmitsNothing() {
    fake.thenTask(task(4, model0, "central", 0.0));

    StepResult result = session(data).step();

    StepResult.Failed f = assertInstanceOf(StepResult.Failed.class, result);
    assertEquals(4, f.round());
    assertEquals(1, fake.failures.size());
    ReportFailureRequest report = fake.failures.get(0);
    assertEquals("training_error", report.getReason());
    assertEquals(4, report.getRound());
    assertEquals("token-4", report.getTaskToken().toStringUtf8());
    assertTrue(report.getDetail().contains("clip_norm"), report.getDetail());
    assertEquals(0, fake.submitCalls.get());
    assertTrue(fake.downloads.isEmpty(), "fails before downloading the model");
    assertTrue(listener.events.contains("taskFailed 4"), listener.events.toString());
  }

  @ParameterizedTest(name = "mode {0}, clip_norm {1}")
  @CsvSource({"central, -1.0", "central, NaN", "central, Infinity", "none, -1.0", "none, NaN",
      "'', -0.5"})
  void step_invalidClipNorm_reportsTrainingErrorAndSubmitsNothing(String mode, double clipNorm) {
    fake.thenTask(task(1, model0, mode, clipNorm));

    StepResult result = session(data).step();

    assertInstanceOf(StepResult.Failed.class, result);
    assertEquals("training_error", fake.failures.get(0).getReason());
    assertTrue(fake.failures.get(0).getDetail().contains(String.valueOf(clipNorm)),
        fake.failures.get(0).getDetail());
    assertEquals(0, fake.submitCalls.get());
  }

  // ---------------------------------------------------------------- no privacy

  @Test
  void step_taskWithoutPrivacy_submitsUnclippedSumBitForBit() {
    Task plain = FakeCoordinator.task(1, model0, CONFIG, 64);
    assertFalse(plain.hasPrivacy(), "precondition: no privacy field");
    fake.thenTask(plain);

    StepResult result = session(data).step();

    assertInstanceOf(StepResult.Participated.class, result);
    assertArrayEquals(unclippedSum(model0, usersWithRatings()), fake.uploads.get(0).values());
    assertEquals(3, fake.uploads.get(0).header().getWeight());
  }

  @Test
  void step_modeNoneZeroClipNorm_submitsUnclippedSumBitForBit() {
    fake.thenTask(task(1, model0, "none", 0.0));

    StepResult result = session(data).step();

    assertInstanceOf(StepResult.Participated.class, result);
    assertArrayEquals(unclippedSum(model0, usersWithRatings()), fake.uploads.get(0).values());
  }

  @Test
  void policy_refusesATaskBelowItsNoiseFloor_andTellsCoordinatorAndHost() {
    fake.thenTask(task(1, model0, "central", CLIP_NORM));
    ClientSession session = session(data);
    session.policy(new PolicyEnforcer(
        io.fedrec.client.PrivacyPolicy.builder().minNoiseMultiplier(1.5).build()));
    StepResult r = session.step();
    assertTrue(r instanceof StepResult.Failed, r.toString());
    assertEquals(1, fake.failures.size());
    assertEquals("policy_refused", fake.failures.get(0).getReason());
    assertEquals("noise multiplier 1.0 is below the policy's floor 1.5",
        fake.failures.get(0).getDetail());
    assertTrue(listener.events.contains(
        "policyRefusal 1 noise multiplier 1.0 is below the policy's floor 1.5"), listener.events.toString());
    assertTrue(fake.uploads.isEmpty(), "nothing may be uploaded");
    assertTrue(fake.downloads.isEmpty(), "refused before downloading");
  }

  @Test
  void policy_leavesOutUsersAtTheirCap_andRefusesWhenNoneRemain() {
    // one round at q = 1, z = 1 costs each user more than epsilon 1 at delta 1e-6
    io.fedrec.client.PrivacyPolicy capped =
        io.fedrec.client.PrivacyPolicy.builder().perUserEpsilonCap(1, 1e-6).build();
    fake.thenTask(task(1, model0, "central", CLIP_NORM));
    ClientSession session = session(data);
    session.policy(new PolicyEnforcer(capped));
    StepResult r = session.step();
    assertTrue(r instanceof StepResult.Failed, r.toString());
    assertEquals("policy_refused", fake.failures.get(0).getReason());
    assertTrue(listener.events.contains("usersExcluded 1 3"), listener.events.toString());
    assertTrue(fake.uploads.isEmpty());

    // a cap that allows exactly one round: the first task trains all three, the second none
    double one = io.fedrec.core.dp.RdpAccountant.create().compose(1.0, 1.0, 1).epsilon(1e-6);
    PolicyEnforcer enforcer = new PolicyEnforcer(
        io.fedrec.client.PrivacyPolicy.builder().perUserEpsilonCap(one * 1.01, 1e-6).build());
    ClientSession again = session(data);
    again.policy(enforcer);
    fake.thenTask(task(2, model0, "central", CLIP_NORM));
    StepResult ok = again.step();
    assertTrue(ok instanceof StepResult.Participated, ok.toString());
    assertEquals(3, ((StepResult.Participated) ok).users());
    assertEquals(one, enforcer.epsilonOf("alice").getAsDouble(), 1e-9);
    fake.thenTask(task(3, model0, "central", CLIP_NORM));
    StepResult refused = again.step();
    assertTrue(refused instanceof StepResult.Failed, refused.toString());
  }
}
