package io.fedrec.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedrec.core.codec.TrainingConfigs;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The BPR path of {@link LocalTrainer} ({@link BprTrainer}) against its documented behaviour. */
class BprTrainerTest {
  private static final int NUM_ITEMS = 40;
  private static final int RANK = 4;
  private static final ModelShape SHAPE = new ModelShape(NUM_ITEMS, RANK);
  private static final TrainingConfig CONFIG = TrainingConfig.defaults(RANK, Feedback.BPR);

  /** Q ~ N(0, 0.3^2), b ~ N(0, 0.1^2), mu = 0. */
  private static GlobalModel randomModel(long version, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] p = new float[SHAPE.numParameters()];
    for (int i = 0; i < SHAPE.muOffset(); i++) {
      double scale = i < NUM_ITEMS * RANK ? 0.3 : 0.1;
      p[i] = (float) (gaussian(random) * scale);
    }
    return GlobalModel.of(version, SHAPE, p);
  }

  private static double gaussian(SplittableRandom random) {
    double u1 = random.nextDouble();
    double u2 = random.nextDouble();
    return Math.sqrt(-2 * Math.log1p(-u1)) * Math.cos(2 * Math.PI * u2);
  }

  private static UserRatings user(int... items) {
    float[] ones = new float[items.length];
    java.util.Arrays.fill(ones, 1f);
    return UserRatings.of(items, ones);
  }

  private static double score(GlobalModel m, float[] p, int item) {
    return m.itemBias(item) + m.dot(item, p);
  }

  /** {@code F(p)}: the reconstruction's objective, here over every (positive, negative) pair. */
  private static double meanLogSigmoid(GlobalModel m, float[] p, UserRatings u) {
    boolean[] pos = new boolean[NUM_ITEMS];
    for (int j = 0; j < u.size(); j++) {
      pos[u.item(j)] = true;
    }
    double s = 0;
    int pairs = 0;
    for (int j = 0; j < u.size(); j++) {
      for (int neg = 0; neg < NUM_ITEMS; neg++) {
        if (!pos[neg]) {
          s += -BprTrainer.softplus(-(score(m, p, u.item(j)) - score(m, p, neg)));
          pairs++;
        }
      }
    }
    return s / pairs;
  }

  /**
   * Items with an even id lie around {@code +v}, odd ones around {@code -v} ({@code v = (0.5, 0.5,
   * 0.5, 0.5)}, noise 0.1): a user who picked even items has an obvious taste.
   */
  private static GlobalModel twoGroupModel(long version) {
    SplittableRandom random = new SplittableRandom(11);
    float[] p = new float[SHAPE.numParameters()];
    for (int i = 0; i < NUM_ITEMS; i++) {
      for (int f = 0; f < RANK; f++) {
        p[i * RANK + f] = (float) ((i % 2 == 0 ? 0.5 : -0.5) + 0.1 * gaussian(random));
      }
    }
    return GlobalModel.of(version, SHAPE, p);
  }

  @Test
  void reconstruct_isDeterministicPerModelAndUser_andLearnsTheUsersTaste() {
    GlobalModel m = twoGroupModel(3);
    UserRatings u = user(2, 6, 10, 14, 18, 22);
    float[] p1 = new LocalTrainer(CONFIG).reconstruct(m, u).factors();
    float[] p2 = new LocalTrainer(CONFIG).reconstruct(m, u).factors();
    assertArrayEquals(p1, p2, "the same user and model fold in to the same vector");
    assertEquals(0f, new LocalTrainer(CONFIG).reconstruct(m, u).bias());
    // the folded-in vector points at the even items: it ranks every even item above every odd
    for (int f = 0; f < RANK; f++) {
      assertTrue(p1[f] > 0, "p[" + f + "] = " + p1[f]);
    }
    double atZero = meanLogSigmoid(m, new float[RANK], u);
    double atP = meanLogSigmoid(m, p1, u);
    assertTrue(atP > atZero + 0.3, atP + " vs " + atZero);
    // another model version draws other negatives: a different vector, the same taste
    float[] other = new LocalTrainer(CONFIG).reconstruct(twoGroupModel(4), u).factors();
    assertFalse(java.util.Arrays.equals(p1, other));
    assertTrue(other[0] > 0);
  }

  @Test
  void reconstruct_noInteractions_zeroVectorSoItemBiasesRank() {
    float[] p = new LocalTrainer(CONFIG).reconstruct(randomModel(1, 2), user()).factors();
    assertArrayEquals(new float[RANK], p);
  }

  @Test
  void update_raisesThePositivesAboveTheRest_andTouchesOnlyPositivesAndNegatives() {
    GlobalModel m = randomModel(1, 3);
    UserRatings u = user(0, 4, 8, 12);
    LocalTrainer t = new LocalTrainer(CONFIG);
    float[] p = t.reconstruct(m, u).factors();
    float[] acc = new float[SHAPE.numParameters()];
    double loss = t.accumulateUserUpdate(m, u, acc);
    assertTrue(loss > 0 && Double.isFinite(loss));
    assertEquals(0f, acc[SHAPE.muOffset()], "BPR does not move mu");
    int touched = 0;
    for (int i = 0; i < NUM_ITEMS; i++) {
      if (acc[SHAPE.biasOffset(i)] != 0f) {
        touched++;
      }
    }
    // every positive is stepped; negatives are at most one per positive per epoch
    for (int i : new int[] {0, 4, 8, 12}) {
      assertTrue(acc[SHAPE.biasOffset(i)] > 0, "a positive's bias rises: item " + i);
    }
    assertTrue(touched > 4 && touched <= 4 + 4 * CONFIG.localSteps(), "touched " + touched);
    // the user's pairwise objective improves under the locally updated model
    float[] moved = m.parameters();
    for (int x = 0; x < moved.length; x++) {
      moved[x] += acc[x];
    }
    GlobalModel after = GlobalModel.of(1, SHAPE, moved);
    assertTrue(meanLogSigmoid(after, p, u) > meanLogSigmoid(m, p, u));
  }

  @Test
  void update_allButOneItemInteracted_theOnlyNegativeFalls() {
    GlobalModel m = randomModel(1, 4);
    int[] items = new int[NUM_ITEMS - 1];
    for (int i = 0; i < items.length; i++) {
      items[i] = i + 1; // item 0 is the only negative
    }
    float[] acc = new float[SHAPE.numParameters()];
    new LocalTrainer(CONFIG).accumulateUserUpdate(m, user(items), acc);
    assertTrue(acc[SHAPE.biasOffset(0)] < 0, "the negative's bias falls");
  }

  @Test
  void update_everyItemInteracted_nothingToRankAgainst_zeroUpdate() {
    int[] items = new int[NUM_ITEMS];
    for (int i = 0; i < NUM_ITEMS; i++) {
      items[i] = i;
    }
    float[] acc = new float[SHAPE.numParameters()];
    assertEquals(0.0, new LocalTrainer(CONFIG).accumulateUserUpdate(randomModel(1, 5),
        user(items), acc));
    assertArrayEquals(new float[SHAPE.numParameters()], acc);
  }

  @Test
  void clippedUpdate_normOfTheWholeContributionIsExact_andClippedToTheBound() {
    GlobalModel m = randomModel(2, 6);
    UserRatings u = user(3, 7, 11, 19, 23);
    LocalTrainer t = new LocalTrainer(CONFIG);
    // the dense contribution, built by hand: data update plus one user's share of the prior
    float[] data = new float[SHAPE.numParameters()];
    new LocalTrainer(CONFIG).accumulateUserUpdate(m, u, data);
    float[] whole = data.clone();
    t.addWeightDecay(m, whole, 1);
    double norm2 = 0;
    for (float v : whole) {
      norm2 += (double) v * v;
    }
    double expected = Math.sqrt(norm2);

    float[] unclipped = new float[SHAPE.numParameters()];
    LocalTrainer.ClippedUpdate big = t.accumulateClippedUserUpdate(m, u, unclipped, 1e6);
    assertEquals(expected, big.norm(), 1e-5 * expected);
    assertEquals(1f, big.scale());
    assertArrayEquals(data, unclipped, 0f);

    double bound = expected / 4;
    float[] clipped = new float[SHAPE.numParameters()];
    LocalTrainer.ClippedUpdate small = t.accumulateClippedUserUpdate(m, u, clipped, bound);
    assertEquals(0.25, small.scale(), 1e-6);
    for (int x = 0; x < clipped.length; x++) {
      assertEquals(data[x] * small.scale(), clipped[x], 1e-7);
    }
  }

  @Test
  void config_bprRejectsAConfidenceSlope_andSurvivesTheWire() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new TrainingConfig(RANK, 0.01f, 10f, 0.01f, 5, 0.05f, 1f, 5f, 1e-4f,
            Feedback.BPR, 10f));
    assertTrue(e.getMessage().startsWith("implicit_alpha is a weighted-MF confidence slope"),
        e.getMessage());
    assertEquals(CONFIG, TrainingConfigs.fromProto(TrainingConfigs.toProto(CONFIG)));
    assertTrue(CONFIG.implicit());
    assertEquals(Feedback.BPR, Feedback.parse("BPR"));
  }
}
