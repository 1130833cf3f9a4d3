package io.fedrec.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Checks {@link LocalTrainer} against a reference written here from the class Javadoc, in double
 * precision and without {@link io.fedrec.core.math.Cholesky}: Gaussian elimination for the ridge
 * solve and a literal transcription of the full-batch local steps.
 */
class LocalTrainerTest {
  private static final int NUM_ITEMS = 12;
  private static final int RANK = 4;
  private static final ModelShape SHAPE = new ModelShape(NUM_ITEMS, RANK);

  /** Distinct regularisers and several local steps, so that a swapped term shows. */
  private static final TrainingConfig CONFIG =
      new TrainingConfig(RANK, 0.5f, 0.7f, 0.1f, 3, 0.05f, 1f, 5f, 1e-3f);

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

  /** A user who rated items 1, 3, 4, 7, 8, 11 with ratings on the 1..5 scale. */
  private static UserRatings sixRatings() {
    return UserRatings.of(new int[] {7, 1, 11, 4, 8, 3}, new float[] {4.5f, 2f, 5f, 3f, 1f, 4f});
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

  // ---------------------------------------------------------------- reference implementation

  /**
   * Ridge regression of {@code y_j = r_j - mu - b_{i_j}} on {@code x_j = [q_{i_j}, 1]}: solves
   * {@code (X^T X + diag(lambda_p, ..., lambda_p, lambda_b)) w = X^T y} by Gaussian elimination
   * with partial pivoting. Returns {@code w = [p_u, b_u]}.
   */
  private static double[] referenceRidge(GlobalModel m, UserRatings u, TrainingConfig c) {
    int k = m.rank();
    int n = k + 1;
    double[][] a = new double[n][n + 1]; // augmented [A | rhs]
    for (int j = 0; j < u.size(); j++) {
      int item = u.item(j);
      double[] x = new double[n];
      for (int f = 0; f < k; f++) {
        x[f] = m.factor(item, f);
      }
      x[k] = 1;
      double y = (double) u.rating(j) - m.mu() - m.itemBias(item);
      for (int r = 0; r < n; r++) {
        for (int s = 0; s < n; s++) {
          a[r][s] += x[r] * x[s];
        }
        a[r][n] += x[r] * y;
      }
    }
    for (int f = 0; f < k; f++) {
      a[f][f] += c.userRegularization();
    }
    a[k][k] += c.userBiasRegularization();
    for (int col = 0; col < n; col++) {
      int pivot = col;
      for (int r = col + 1; r < n; r++) {
        if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) {
          pivot = r;
        }
      }
      double[] t = a[col];
      a[col] = a[pivot];
      a[pivot] = t;
      for (int r = col + 1; r < n; r++) {
        double factor = a[r][col] / a[col][col];
        for (int s = col; s <= n; s++) {
          a[r][s] -= factor * a[col][s];
        }
      }
    }
    double[] w = new double[n];
    for (int r = n - 1; r >= 0; r--) {
      double s = a[r][n];
      for (int q = r + 1; q < n; q++) {
        s -= a[r][q] * w[q];
      }
      w[r] = s / a[r][r];
    }
    return w;
  }

  /** The reference update of one user (model layout) and its training loss. */
  private static final class Reference {
    final double[] update;
    final double loss;

    Reference(double[] update, double loss) {
      this.update = update;
      this.loss = loss;
    }
  }

  /**
   * The documented local steps, written out for distinct items. With {@code e_j = r_j - (mu + b_u +
   * b_j + q_j . p_u)} evaluated at the start of the step for every rating j (full batch):
   *
   * <pre>
   *   q_j  <- q_j + eta (e_j p_u - lambda q_j)       (gradient of 1/2 e_j^2 + lambda/2 |q_j|^2)
   *   b_j  <- b_j + eta (e_j - lambda b_j)
   *   mu   <- mu + eta (sum_j e_j) / n_u             (gradient averaged over the user's ratings)
   * </pre>
   *
   * The update is {@code local - global} on the rated rows and mu, zero elsewhere; the loss is
   * {@code sum_j e_j^2} at the start of the first step.
   */
  private static Reference referenceUpdate(GlobalModel m, UserRatings u, TrainingConfig c) {
    int k = m.rank();
    ModelShape shape = m.shape();
    double[] w = referenceRidge(m, u, c);
    double bu = w[k];
    int nu = u.size();
    double[][] q = new double[nu][k];
    double[] b = new double[nu];
    for (int j = 0; j < nu; j++) {
      for (int f = 0; f < k; f++) {
        q[j][f] = m.factor(u.item(j), f);
      }
      b[j] = m.itemBias(u.item(j));
    }
    double mu = m.mu();
    double eta = c.localLearningRate();
    double lambda = c.itemRegularization();
    double loss = 0;
    for (int step = 0; step < c.localSteps(); step++) {
      double[] e = new double[nu];
      for (int j = 0; j < nu; j++) {
        double dot = 0;
        for (int f = 0; f < k; f++) {
          dot += q[j][f] * w[f];
        }
        e[j] = u.rating(j) - (mu + bu + b[j] + dot);
      }
      if (step == 0) {
        for (int j = 0; j < nu; j++) {
          loss += e[j] * e[j];
        }
      }
      double sumE = 0;
      for (int j = 0; j < nu; j++) {
        for (int f = 0; f < k; f++) {
          q[j][f] += eta * (e[j] * w[f] - lambda * q[j][f]);
        }
        b[j] += eta * (e[j] - lambda * b[j]);
        sumE += e[j];
      }
      mu += eta * sumE / nu;
    }
    double[] update = new double[shape.numParameters()];
    for (int j = 0; j < nu; j++) {
      int item = u.item(j);
      for (int f = 0; f < k; f++) {
        update[shape.factorOffset(item) + f] = q[j][f] - m.factor(item, f);
      }
      update[shape.biasOffset(item)] = b[j] - m.itemBias(item);
    }
    update[shape.muOffset()] = mu - m.mu();
    return new Reference(update, loss);
  }

  private static void assertClose(double[] expected, float[] actual, double tolerance) {
    assertEquals(expected.length, actual.length, "length");
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual[i], tolerance, "coordinate " + i);
    }
  }

  // ---------------------------------------------------------------- reconstruct

  @Test
  void reconstruct_sixRatings_equalsIndependentRidgeSolve() {
    GlobalModel m = randomModel(1);
    UserRatings u = sixRatings();

    UserState s = new LocalTrainer(CONFIG).reconstruct(m, u);

    double[] w = referenceRidge(m, u, CONFIG);
    assertEquals(RANK, s.factors().length);
    for (int f = 0; f < RANK; f++) {
      assertEquals(w[f], s.factors()[f], 1e-4, "p_u[" + f + "]");
    }
    assertEquals(w[RANK], s.bias(), 1e-4, "b_u");
  }

  /** More ratings than parameters and weak penalties: the solve is far from the prior. */
  @Test
  void reconstruct_manyRatingsWeakPenalty_equalsIndependentRidgeSolve() {
    TrainingConfig config = new TrainingConfig(RANK, 1e-3f, 2e-3f, 0.1f, 1, 0.05f, 1f, 5f, 1e-4f);
    GlobalModel m = randomModel(2);
    UserRatings u = randomUser(3, NUM_ITEMS);

    UserState s = new LocalTrainer(config).reconstruct(m, u);

    double[] w = referenceRidge(m, u, config);
    for (int f = 0; f < RANK; f++) {
      assertEquals(w[f], s.factors()[f], 1e-4, "p_u[" + f + "]");
    }
    assertEquals(w[RANK], s.bias(), 1e-4, "b_u");
  }

  @Test
  void reconstruct_noRatings_returnsZeroVectorAndBias() {
    UserState s =
        new LocalTrainer(CONFIG)
            .reconstruct(randomModel(1), UserRatings.of(new int[0], new float[0]));

    assertArrayEquals(new float[RANK], s.factors());
    assertEquals(0f, s.bias());
  }

  @Test
  void reconstruct_itemOutsideCatalogue_throwsNamingLimitAndItem() {
    UserRatings u = UserRatings.of(new int[] {2, NUM_ITEMS}, new float[] {3f, 4f});

    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new LocalTrainer(CONFIG).reconstruct(randomModel(1), u));

    assertEquals("item ids must be < numItems 12. Provided value: 12", e.getMessage());
  }

  @Test
  void reconstruct_modelRankDiffersFromConfig_throwsNamingBothRanks() {
    LocalTrainer trainer = new LocalTrainer(CONFIG.withRank(3));

    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> trainer.reconstruct(randomModel(1), sixRatings()));

    assertEquals("model rank must equal training rank 3. Provided value: 4", e.getMessage());
  }

  // ---------------------------------------------------------------- accumulateUserUpdate

  @Test
  void accumulateUserUpdate_sixRatings_equalsReferenceLocalSteps() {
    GlobalModel m = randomModel(1);
    UserRatings u = sixRatings();
    float[] acc = new float[SHAPE.numParameters()];

    new LocalTrainer(CONFIG).accumulateUserUpdate(m, u, acc);

    assertClose(referenceUpdate(m, u, CONFIG).update, acc, 1e-5);
  }

  @Test
  void accumulateUserUpdate_sixRatings_returnsSumOfSquaredErrorsAfterReconstruction() {
    GlobalModel m = randomModel(1);
    UserRatings u = sixRatings();

    double loss =
        new LocalTrainer(CONFIG).accumulateUserUpdate(m, u, new float[SHAPE.numParameters()]);

    double expected = referenceUpdate(m, u, CONFIG).loss;
    assertEquals(expected, loss, 1e-5 * expected);
  }

  /** The loss is measured before the local steps, so it does not depend on how many there are. */
  @Test
  void accumulateUserUpdate_moreLocalSteps_sameLoss() {
    GlobalModel m = randomModel(1);
    UserRatings u = sixRatings();
    TrainingConfig tenSteps = new TrainingConfig(RANK, 0.5f, 0.7f, 0.1f, 10, 0.05f, 1f, 5f, 1e-3f);

    double three =
        new LocalTrainer(CONFIG).accumulateUserUpdate(m, u, new float[SHAPE.numParameters()]);
    double ten =
        new LocalTrainer(tenSteps).accumulateUserUpdate(m, u, new float[SHAPE.numParameters()]);

    assertEquals(three, ten);
  }

  @Test
  void accumulateUserUpdate_unratedItems_leftAtZero() {
    GlobalModel m = randomModel(1);
    UserRatings u = sixRatings();
    float[] acc = new float[SHAPE.numParameters()];

    new LocalTrainer(CONFIG).accumulateUserUpdate(m, u, acc);

    for (int item : new int[] {0, 2, 5, 6, 9, 10}) {
      for (int f = 0; f < RANK; f++) {
        assertEquals(0f, acc[SHAPE.factorOffset(item) + f], "Q[" + item + "][" + f + "]");
      }
      assertEquals(0f, acc[SHAPE.biasOffset(item)], "b[" + item + "]");
    }
  }

  @Test
  void accumulateUserUpdate_twoUsersIntoOneAccumulator_sumsTheirUpdates() {
    GlobalModel m = randomModel(4);
    UserRatings first = randomUser(5, 7);
    UserRatings second = randomUser(6, 5);
    LocalTrainer trainer = new LocalTrainer(CONFIG);
    float[] acc = new float[SHAPE.numParameters()];

    trainer.accumulateUserUpdate(m, first, acc);
    trainer.accumulateUserUpdate(m, second, acc);

    double[] expected = referenceUpdate(m, first, CONFIG).update;
    double[] other = referenceUpdate(m, second, CONFIG).update;
    for (int i = 0; i < expected.length; i++) {
      expected[i] += other[i];
    }
    assertClose(expected, acc, 2e-5);
  }

  /** The trainer keeps scratch buffers; growing and reusing them must not leak state. */
  @Test
  void accumulateUserUpdate_reusedTrainerAcrossSizes_matchesFreshTrainerBitForBit() {
    GlobalModel m = randomModel(7);
    UserRatings[] users = {randomUser(8, 6), randomUser(9, 2), randomUser(10, NUM_ITEMS)};
    LocalTrainer reused = new LocalTrainer(CONFIG);

    for (UserRatings u : users) {
      float[] a = new float[SHAPE.numParameters()];
      float[] b = new float[SHAPE.numParameters()];
      double lossReused = reused.accumulateUserUpdate(m, u, a);
      double lossFresh = new LocalTrainer(CONFIG).accumulateUserUpdate(m, u, b);
      assertArrayEquals(b, a);
      assertEquals(lossFresh, lossReused);
    }
  }

  @Test
  void accumulateUserUpdate_noRatings_contributesNothingAndZeroLoss() {
    float[] acc = new float[SHAPE.numParameters()];
    acc[5] = 0.25f;

    double loss =
        new LocalTrainer(CONFIG)
            .accumulateUserUpdate(randomModel(1), UserRatings.of(new int[0], new float[0]), acc);

    float[] expected = new float[SHAPE.numParameters()];
    expected[5] = 0.25f;
    assertArrayEquals(expected, acc);
    assertEquals(0.0, loss);
  }

  @Test
  void accumulateUserUpdate_itemOutsideCatalogue_throwsAndLeavesAccumulatorUntouched() {
    UserRatings u = UserRatings.of(new int[] {3, 40}, new float[] {3f, 4f});
    float[] acc = new float[SHAPE.numParameters()];

    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new LocalTrainer(CONFIG).accumulateUserUpdate(randomModel(1), u, acc));

    assertEquals("item ids must be < numItems 12. Provided value: 40", e.getMessage());
    assertArrayEquals(new float[SHAPE.numParameters()], acc);
  }

  @Test
  void accumulateUserUpdate_wrongAccumulatorLength_throwsNamingExpectedLength() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new LocalTrainer(CONFIG)
                    .accumulateUserUpdate(randomModel(1), sixRatings(), new float[10]));

    assertEquals("accumulator length must be 61. Provided value: 10", e.getMessage());
  }

  // ---------------------------------------------------------------- addWeightDecay

  @Test
  void addWeightDecay_threeUsers_subtractsScaledThetaFromItemRowsOnly() {
    GlobalModel m = randomModel(1);
    float[] acc = new float[SHAPE.numParameters()];

    new LocalTrainer(CONFIG).addWeightDecay(m, acc, 3);

    // users * localSteps * eta * weightDecay = 3 * 3 * 0.05 * 1e-3
    double c = 3 * 3 * 0.05 * 1e-3;
    float[] theta = m.parameters();
    for (int x = 0; x < SHAPE.muOffset(); x++) {
      assertEquals(-c * theta[x], acc[x], 1e-6 * c * Math.abs(theta[x]), "coordinate " + x);
    }
    assertEquals(0f, acc[SHAPE.muOffset()], "mu is not decayed");
  }

  /**
   * Privacy property: after the weight decay every Q and b coordinate is non-zero, whichever items
   * the user rated, so the update's non-zero pattern does not reveal them. The length is the
   * model's whatever the data.
   */
  @Test
  void addWeightDecay_afterUserUpdate_everyItemCoordinateNonZero() {
    GlobalModel m = randomModel(11);
    LocalTrainer trainer = new LocalTrainer(CONFIG);
    float[] acc = new float[SHAPE.numParameters()];
    trainer.accumulateUserUpdate(m, UserRatings.of(new int[] {5}, new float[] {4f}), acc);

    trainer.addWeightDecay(m, acc, 1);

    assertEquals(SHAPE.numParameters(), acc.length);
    for (int x = 0; x < SHAPE.muOffset(); x++) {
      assertNotEquals(0f, acc[x], "coordinate " + x);
    }
  }

  @Test
  void addWeightDecay_usersWithDisjointItems_sameNonZeroPattern() {
    GlobalModel m = randomModel(12);
    LocalTrainer trainer = new LocalTrainer(CONFIG);
    float[] a = new float[SHAPE.numParameters()];
    float[] b = new float[SHAPE.numParameters()];
    trainer.accumulateUserUpdate(m, UserRatings.of(new int[] {0, 1}, new float[] {5f, 1f}), a);
    trainer.accumulateUserUpdate(m, UserRatings.of(new int[] {10, 11}, new float[] {2f, 3f}), b);

    trainer.addWeightDecay(m, a, 1);
    trainer.addWeightDecay(m, b, 1);

    for (int x = 0; x < a.length; x++) {
      assertEquals(a[x] != 0f, b[x] != 0f, "non-zero pattern at coordinate " + x);
    }
  }

  @Test
  void addWeightDecay_zeroUsers_leavesAccumulatorUnchanged() {
    float[] acc = new float[SHAPE.numParameters()];
    acc[0] = 1f;

    new LocalTrainer(CONFIG).addWeightDecay(randomModel(1), acc, 0);

    float[] expected = new float[SHAPE.numParameters()];
    expected[0] = 1f;
    assertArrayEquals(expected, acc);
  }

  @Test
  void config_returnsConstructorArgument() {
    assertEquals(CONFIG, new LocalTrainer(CONFIG).config());
  }
}
