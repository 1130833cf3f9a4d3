package io.fedrec.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * User-level clipping in {@link LocalTrainer#accumulateClippedUserUpdate}: the user's whole
 * contribution (data update on the rated rows and mu, plus the user's share {@code c * theta} of
 * the prior on every item row and bias) is scaled to L2 norm at most {@code clipNorm}.
 *
 * <p>The reference contribution is materialised densely with the unclipped API: {@link
 * LocalTrainer#accumulateUserUpdate} into a zero buffer, then {@link
 * LocalTrainer#addWeightDecay(GlobalModel, float[], int)} with one user; its norm is summed here
 * in double precision.
 */
class LocalTrainerClippingTest {
  private static final int NUM_ITEMS = 12;
  private static final int RANK = 4;
  private static final ModelShape SHAPE = new ModelShape(NUM_ITEMS, RANK);

  /**
   * A strong prior, so that a norm that forgot the prior share would be visibly wrong: the
   * per-user prior coefficient is {@code c = -localSteps * eta * weightDecay = -3 * 0.05 * 0.5 =
   * -0.075}, about 0.15 in norm against data updates of order 0.1 to 1.
   */
  private static final TrainingConfig CONFIG =
      new TrainingConfig(RANK, 0.5f, 0.7f, 0.1f, 3, 0.05f, 1f, 5f, 0.5f);

  private static final double PRIOR_COEFFICIENT = -3 * (double) 0.05f * 0.5;

  /** Relative tolerance of float accumulation against double reference norms. */
  private static final double RELATIVE = 1e-4;

  private static final double HUGE_CLIP_NORM = 1e300;

  /** Every parameter drawn non-zero: Q ~ N(0, 0.3^2), b ~ N(0, 0.2^2), mu = 3.5. */
  private static GlobalModel randomModel(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] p = new float[SHAPE.numParameters()];
    for (int i = 0; i < SHAPE.muOffset(); i++) {
      double scale = i < NUM_ITEMS * RANK ? 0.3 : 0.2;
      p[i] = (float) (gaussian(random) * scale);
    }
    p[SHAPE.muOffset()] = 3.5f;
    return GlobalModel.of(3, SHAPE, p);
  }

  private static double gaussian(SplittableRandom random) {
    double u1 = random.nextDouble();
    double u2 = random.nextDouble();
    return Math.sqrt(-2 * Math.log1p(-u1)) * Math.cos(2 * Math.PI * u2);
  }

  /** Random distinct items (a prefix of a seeded permutation) with ratings in [1, 5]. */
  private static UserRatings randomUser(long seed, int count) {
    SplittableRandom random = new SplittableRandom(seed);
    int[] perm = new int[NUM_ITEMS];
    for (int i = 0; i < NUM_ITEMS; i++) {
      perm[i] = i;
    }
    for (int i = NUM_ITEMS - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = perm[i];
      perm[i] = perm[j];
      perm[j] = t;
    }
    int[] items = new int[count];
    float[] ratings = new float[count];
    for (int j = 0; j < count; j++) {
      items[j] = perm[j];
      ratings[j] = 1 + random.nextInt(9) * 0.5f;
    }
    return UserRatings.of(items, ratings);
  }

  private static UserRatings noRatings() {
    return UserRatings.of(new int[0], new float[0]);
  }

  /** The user's dense contribution through the unclipped API: data update plus one prior share. */
  private static float[] materialisedContribution(GlobalModel m, UserRatings u) {
    LocalTrainer trainer = new LocalTrainer(CONFIG);
    float[] buf = new float[SHAPE.numParameters()];
    trainer.accumulateUserUpdate(m, u, buf);
    trainer.addWeightDecay(m, buf, 1);
    return buf;
  }

  /** What the clipped path submits for one user: clipped data part plus {@code scale} priors. */
  private static float[] clippedContribution(GlobalModel m, UserRatings u, double clipNorm) {
    LocalTrainer trainer = new LocalTrainer(CONFIG);
    float[] acc = new float[SHAPE.numParameters()];
    LocalTrainer.ClippedUpdate c = trainer.accumulateClippedUserUpdate(m, u, acc, clipNorm);
    trainer.addWeightDecay(m, acc, (double) c.scale());
    return acc;
  }

  private static double norm(float[] v) {
    double s = 0;
    for (float x : v) {
      s += (double) x * x;
    }
    return Math.sqrt(s);
  }

  /** {@code |c| * ||theta||} with theta the item factors and biases (everything but mu). */
  private static double priorShareNorm(GlobalModel m) {
    float[] p = m.parameters();
    double s = 0;
    for (int x = 0; x < SHAPE.muOffset(); x++) {
      s += (double) p[x] * p[x];
    }
    return Math.abs(PRIOR_COEFFICIENT) * Math.sqrt(s);
  }

  // ---------------------------------------------------------------- (a) no clipping

  @Test
  void accumulateClippedUserUpdate_hugeClipNorm_bitIdenticalToUnclippedPath() {
    GlobalModel m = randomModel(1);
    UserRatings[] users = {randomUser(2, 6), randomUser(3, 1), randomUser(4, NUM_ITEMS)};
    LocalTrainer unclippedTrainer = new LocalTrainer(CONFIG);
    LocalTrainer clippedTrainer = new LocalTrainer(CONFIG);
    float[] unclipped = new float[SHAPE.numParameters()];
    float[] clipped = new float[SHAPE.numParameters()];
    double shares = 0;

    for (UserRatings u : users) {
      double loss = unclippedTrainer.accumulateUserUpdate(m, u, unclipped);
      LocalTrainer.ClippedUpdate c =
          clippedTrainer.accumulateClippedUserUpdate(m, u, clipped, HUGE_CLIP_NORM);
      assertEquals(loss, c.loss(), "loss");
      assertEquals(1f, c.scale(), "scale");
      shares += c.scale();
    }
    unclippedTrainer.addWeightDecay(m, unclipped, users.length);
    clippedTrainer.addWeightDecay(m, clipped, shares);

    assertArrayEquals(unclipped, clipped);
  }

  // ---------------------------------------------------------------- (b) norm and clipped norm

  @ParameterizedTest(name = "user seed {0}")
  @ValueSource(longs = {11, 12, 13, 14})
  void accumulateClippedUserUpdate_anyUser_normEqualsMaterialisedContributionNorm(long seed) {
    GlobalModel m = randomModel(seed);
    UserRatings u = randomUser(seed + 100, 1 + (int) (seed % NUM_ITEMS));
    double expected = norm(materialisedContribution(m, u));

    LocalTrainer.ClippedUpdate c = new LocalTrainer(CONFIG)
        .accumulateClippedUserUpdate(m, u, new float[SHAPE.numParameters()], 1e-3);

    assertEquals(expected, c.norm(), RELATIVE * expected);
  }

  /** The prior share is a real part of the norm: dropping it would change the norm by > 1%. */
  @Test
  void accumulateClippedUserUpdate_strongPrior_normIncludesPriorShare() {
    GlobalModel m = randomModel(21);
    UserRatings u = randomUser(22, 3);
    float[] dataOnly = new float[SHAPE.numParameters()];
    new LocalTrainer(CONFIG).accumulateUserUpdate(m, u, dataOnly);

    LocalTrainer.ClippedUpdate c = new LocalTrainer(CONFIG)
        .accumulateClippedUserUpdate(m, u, new float[SHAPE.numParameters()], 1e-3);

    assertTrue(Math.abs(c.norm() - norm(dataOnly)) > 0.01 * c.norm(),
        "norm " + c.norm() + " vs data-only norm " + norm(dataOnly));
    assertEquals(norm(materialisedContribution(m, u)), c.norm(), RELATIVE * c.norm());
  }

  @ParameterizedTest(name = "user seed {0}")
  @ValueSource(longs = {11, 12, 13, 14})
  void accumulateClippedUserUpdate_smallClipNorm_contributionHasNormClipNorm(long seed) {
    GlobalModel m = randomModel(seed);
    UserRatings u = randomUser(seed + 100, 1 + (int) (seed % NUM_ITEMS));
    double clipNorm = 0.25 * norm(materialisedContribution(m, u));

    float[] contribution = clippedContribution(m, u, clipNorm);

    assertEquals(clipNorm, norm(contribution), RELATIVE * clipNorm);
  }

  /** Clipping scales the whole contribution: the data part and the prior part alike. */
  @Test
  void accumulateClippedUserUpdate_smallClipNorm_contributionIsScaleTimesMaterialised() {
    GlobalModel m = randomModel(31);
    UserRatings u = randomUser(32, 5);
    float[] full = materialisedContribution(m, u);
    double clipNorm = 0.1 * norm(full);
    LocalTrainer trainer = new LocalTrainer(CONFIG);
    float[] acc = new float[SHAPE.numParameters()];

    LocalTrainer.ClippedUpdate c = trainer.accumulateClippedUserUpdate(m, u, acc, clipNorm);
    trainer.addWeightDecay(m, acc, (double) c.scale());

    // Float rounding of each part is ~6e-8 of that part, and no coordinate exceeds the norm.
    double tolerance = 1e-6 * c.scale() * norm(full);
    for (int x = 0; x < full.length; x++) {
      assertEquals(c.scale() * (double) full[x], acc[x], tolerance, "coordinate " + x);
    }
  }

  /** The data part alone is exactly {@code scale} times the unclipped data update (float-exact). */
  @Test
  void accumulateClippedUserUpdate_smallClipNorm_dataPartIsScaleTimesUnclippedBitForBit() {
    GlobalModel m = randomModel(33);
    UserRatings u = randomUser(34, 7);
    float[] unclipped = new float[SHAPE.numParameters()];
    new LocalTrainer(CONFIG).accumulateUserUpdate(m, u, unclipped);
    float[] clipped = new float[SHAPE.numParameters()];

    LocalTrainer.ClippedUpdate c =
        new LocalTrainer(CONFIG).accumulateClippedUserUpdate(m, u, clipped, 0.01);

    float[] expected = new float[unclipped.length];
    for (int x = 0; x < unclipped.length; x++) {
      expected[x] = c.scale() * unclipped[x];
    }
    assertArrayEquals(expected, clipped);
  }

  @Test
  void accumulateClippedUserUpdate_nonEmptyAccumulator_addsWithoutOverwriting() {
    GlobalModel m = randomModel(35);
    UserRatings u = randomUser(36, 4);
    float[] fromZero = new float[SHAPE.numParameters()];
    new LocalTrainer(CONFIG).accumulateClippedUserUpdate(m, u, fromZero, 0.05);
    float[] acc = new float[SHAPE.numParameters()];
    java.util.Arrays.fill(acc, 0.5f);

    new LocalTrainer(CONFIG).accumulateClippedUserUpdate(m, u, acc, 0.05);

    for (int x = 0; x < acc.length; x++) {
      assertEquals(0.5f + fromZero[x], acc[x], "coordinate " + x);
    }
  }

  // ---------------------------------------------------------------- (c) scale

  @Test
  void accumulateClippedUserUpdate_clipNormBelowNorm_scaleIsClipNormOverNorm() {
    GlobalModel m = randomModel(41);
    UserRatings u = randomUser(42, 6);
    double norm = norm(materialisedContribution(m, u));
    double clipNorm = 0.3 * norm;

    LocalTrainer.ClippedUpdate c = new LocalTrainer(CONFIG)
        .accumulateClippedUserUpdate(m, u, new float[SHAPE.numParameters()], clipNorm);

    assertEquals(clipNorm / c.norm(), c.scale(), 1e-7 * (clipNorm / c.norm()));
    assertEquals(0.3, c.scale(), RELATIVE);
  }

  @Test
  void accumulateClippedUserUpdate_clipNormAboveNorm_scaleIsOne() {
    GlobalModel m = randomModel(43);
    UserRatings u = randomUser(44, 6);
    double clipNorm = 1.01 * norm(materialisedContribution(m, u));

    LocalTrainer.ClippedUpdate c = new LocalTrainer(CONFIG)
        .accumulateClippedUserUpdate(m, u, new float[SHAPE.numParameters()], clipNorm);

    assertEquals(1f, c.scale());
  }

  /** {@code min(1, C / norm)} at the boundary: a norm equal to the clip norm is not scaled. */
  @Test
  void accumulateClippedUserUpdate_clipNormEqualToNorm_scaleIsOne() {
    GlobalModel m = randomModel(45);
    UserRatings u = randomUser(46, 6);
    double norm = new LocalTrainer(CONFIG)
        .accumulateClippedUserUpdate(m, u, new float[SHAPE.numParameters()], HUGE_CLIP_NORM)
        .norm();

    LocalTrainer.ClippedUpdate c = new LocalTrainer(CONFIG)
        .accumulateClippedUserUpdate(m, u, new float[SHAPE.numParameters()], norm);

    assertEquals(1f, c.scale());
    assertEquals(norm, c.norm());
  }

  /** The norm reported is the one before clipping, whatever the clip norm. */
  @Test
  void accumulateClippedUserUpdate_differentClipNorms_sameReportedNormAndLoss() {
    GlobalModel m = randomModel(47);
    UserRatings u = randomUser(48, 5);
    LocalTrainer trainer = new LocalTrainer(CONFIG);

    LocalTrainer.ClippedUpdate small =
        trainer.accumulateClippedUserUpdate(m, u, new float[SHAPE.numParameters()], 1e-4);
    LocalTrainer.ClippedUpdate large =
        trainer.accumulateClippedUserUpdate(m, u, new float[SHAPE.numParameters()], 1e4);

    assertEquals(large.norm(), small.norm());
    assertEquals(large.loss(), small.loss());
  }

  // ---------------------------------------------------------------- (d) validation

  @ParameterizedTest(name = "clipNorm = {0}")
  @ValueSource(doubles = {0.0, -1.0, Double.NaN, Double.POSITIVE_INFINITY, -0.0})
  void accumulateClippedUserUpdate_invalidClipNorm_throwsEchoingValueAndLeavesAccumulator(
      double clipNorm) {
    float[] acc = new float[SHAPE.numParameters()];

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new LocalTrainer(CONFIG)
            .accumulateClippedUserUpdate(randomModel(1), randomUser(2, 3), acc, clipNorm));

    assertEquals("clipNorm must be > 0 and finite. Provided value: " + clipNorm, e.getMessage());
    assertArrayEquals(new float[SHAPE.numParameters()], acc);
  }

  @Test
  void accumulateClippedUserUpdate_wrongAccumulatorLength_throwsNamingExpectedLength() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new LocalTrainer(CONFIG)
            .accumulateClippedUserUpdate(randomModel(1), randomUser(2, 3), new float[10], 1.0));

    assertEquals("accumulator length must be 61. Provided value: 10", e.getMessage());
  }

  @Test
  void accumulateClippedUserUpdate_itemOutsideCatalogue_throwsAndLeavesAccumulator() {
    float[] acc = new float[SHAPE.numParameters()];
    UserRatings u = UserRatings.of(new int[] {3, 40}, new float[] {3f, 4f});

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new LocalTrainer(CONFIG).accumulateClippedUserUpdate(randomModel(1), u, acc, 1.0));

    assertEquals("item ids must be < numItems 12. Provided value: 40", e.getMessage());
    assertArrayEquals(new float[SHAPE.numParameters()], acc);
  }

  // ---------------------------------------------------------------- (e) user without ratings

  /**
   * A user without ratings still owns one share of the prior, so its contribution is exactly
   * {@code c * theta}: the norm is the prior share's, no data is added and the loss is zero.
   */
  @Test
  void accumulateClippedUserUpdate_noRatings_normIsPriorShareAndAccumulatorUnchanged() {
    GlobalModel m = randomModel(51);
    float[] acc = new float[SHAPE.numParameters()];
    acc[5] = 0.25f;

    LocalTrainer.ClippedUpdate c =
        new LocalTrainer(CONFIG).accumulateClippedUserUpdate(m, noRatings(), acc, HUGE_CLIP_NORM);

    double expected = priorShareNorm(m);
    assertTrue(expected > 0.05, "precondition: the prior share is not negligible: " + expected);
    assertEquals(expected, c.norm(), 1e-9 * expected);
    assertEquals(norm(materialisedContribution(m, noRatings())), c.norm(), RELATIVE * expected);
    assertEquals(1f, c.scale());
    assertEquals(0.0, c.loss());
    float[] unchanged = new float[SHAPE.numParameters()];
    unchanged[5] = 0.25f;
    assertArrayEquals(unchanged, acc);
  }

  @Test
  void accumulateClippedUserUpdate_noRatingsSmallClipNorm_priorShareClippedToClipNorm() {
    GlobalModel m = randomModel(52);
    double clipNorm = 0.5 * priorShareNorm(m);
    LocalTrainer trainer = new LocalTrainer(CONFIG);
    float[] acc = new float[SHAPE.numParameters()];

    LocalTrainer.ClippedUpdate c =
        trainer.accumulateClippedUserUpdate(m, noRatings(), acc, clipNorm);
    trainer.addWeightDecay(m, acc, (double) c.scale());

    assertEquals(0.5, c.scale(), 1e-6);
    assertEquals(clipNorm, norm(acc), RELATIVE * clipNorm);
    assertEquals(0f, acc[SHAPE.muOffset()], "mu gets no prior and no data");
  }

  // ---------------------------------------------------------------- duplicate item ids

  /**
   * {@link UserRatings} accepts an item rated twice, and {@link LocalTrainer#accumulateUserUpdate}
   * then adds both rows' deltas to the same coordinates. The norm formula of {@link
   * LocalTrainer#accumulateClippedUserUpdate} sums {@code (d_j + p)^2 - p^2} per <em>rating</em>
   * j, which for two ratings of one item misses the cross term {@code 2 d_1 . d_2}; the deltas of
   * two ratings of one item start from the same row and see the same {@code p_u}, so they are
   * aligned and the norm is underestimated: the "clipped" contribution exceeds {@code clipNorm}
   * and the per-user sensitivity bound that the central DP guarantee rests on does not hold.
   */
  /**
   * The norm is computed per rating, which equals the per-row norm only because a user rates an
   * item at most once; {@link UserRatings#of} guarantees it.
   */
  @Test
  void userRatingsOf_itemRatedTwice_refusedSoClippingNormIsPerRow() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> UserRatings.of(new int[] {3, 3, 7}, new float[] {5f, 5f, 1f}));
    assertEquals("item ids must be distinct (one rating per item). Duplicate item id: 3",
        e.getMessage());
  }
}
