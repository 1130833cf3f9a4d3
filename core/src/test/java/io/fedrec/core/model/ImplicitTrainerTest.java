package io.fedrec.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Checks the implicit-feedback path of {@link LocalTrainer} ({@link ImplicitTrainer}) against a
 * reference written here from the class Javadoc, in double precision and without the Gram trick:
 * the confidence matrix {@code C_u} is built over the whole catalogue explicitly, the user solve
 * is a dense weighted least squares by Gaussian elimination, and the local steps are a literal
 * transcription of the documented updates.
 */
class ImplicitTrainerTest {
  private static final int NUM_ITEMS = 15;
  private static final int RANK = 4;
  private static final ModelShape SHAPE = new ModelShape(NUM_ITEMS, RANK);

  /** Distinct values and several local steps, so that a swapped term shows. */
  private static final TrainingConfig CONFIG =
      new TrainingConfig(RANK, 0.5f, 10f, 0.1f, 3, 0.02f, 1f, 5f, 1e-3f, Feedback.IMPLICIT, 4f);

  /** Every parameter drawn non-zero: Q ~ N(0, 0.3^2), b ~ N(0, 0.2^2), mu = 0.05. */
  private static GlobalModel randomModel(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] p = new float[SHAPE.numParameters()];
    for (int i = 0; i < SHAPE.muOffset(); i++) {
      double scale = i < NUM_ITEMS * RANK ? 0.3 : 0.2;
      p[i] = (float) (gaussian(random) * scale);
    }
    p[SHAPE.muOffset()] = 0.05f;
    return GlobalModel.of(2, SHAPE, p);
  }

  private static double gaussian(SplittableRandom random) {
    double u1 = random.nextDouble();
    double u2 = random.nextDouble();
    return Math.sqrt(-2 * Math.log1p(-u1)) * Math.cos(2 * Math.PI * u2);
  }

  /** Interactions with items 2, 5, 6, 11 of strengths 1, 3, 0.5, 2. */
  private static UserRatings fourInteractions() {
    return UserRatings.of(new int[] {11, 2, 6, 5}, new float[] {2f, 1f, 0.5f, 3f});
  }

  // ---------------------------------------------------------------- reference implementation

  /** {@code c_ui} over the whole catalogue: 1 + alpha r on the interactions, 1 elsewhere. */
  private static double[] confidence(UserRatings u, TrainingConfig c) {
    double[] conf = new double[NUM_ITEMS];
    java.util.Arrays.fill(conf, 1);
    for (int j = 0; j < u.size(); j++) {
      conf[u.item(j)] = 1 + (double) c.implicitAlpha() * u.rating(j);
    }
    return conf;
  }

  private static double[] preference(UserRatings u) {
    double[] pref = new double[NUM_ITEMS];
    for (int j = 0; j < u.size(); j++) {
      pref[u.item(j)] = 1;
    }
    return pref;
  }

  /**
   * {@code (Q^T C_u Q + lambda_p I) p = Q^T C_u (p(u) - mu - b)} with {@code C_u} dense, solved by
   * Gaussian elimination with partial pivoting.
   */
  private static double[] referenceSolve(GlobalModel m, UserRatings u, TrainingConfig c) {
    int k = m.rank();
    double[] conf = confidence(u, c);
    double[] pref = preference(u);
    double[][] a = new double[k][k + 1];
    for (int i = 0; i < NUM_ITEMS; i++) {
      double y = pref[i] - m.mu() - m.itemBias(i);
      for (int r = 0; r < k; r++) {
        for (int col = 0; col < k; col++) {
          a[r][col] += conf[i] * m.factor(i, r) * m.factor(i, col);
        }
        a[r][k] += conf[i] * y * m.factor(i, r);
      }
    }
    for (int r = 0; r < k; r++) {
      a[r][r] += c.userRegularization();
    }
    for (int col = 0; col < k; col++) {
      int pivot = col;
      for (int r = col + 1; r < k; r++) {
        if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) {
          pivot = r;
        }
      }
      double[] t = a[col];
      a[col] = a[pivot];
      a[pivot] = t;
      for (int r = 0; r < k; r++) {
        if (r != col) {
          double f = a[r][col] / a[col][col];
          for (int x = col; x <= k; x++) {
            a[r][x] -= f * a[col][x];
          }
        }
      }
    }
    double[] p = new double[k];
    for (int r = 0; r < k; r++) {
      p[r] = a[r][k] / a[r][r];
    }
    return p;
  }

  /**
   * The documented local steps on every item, from the reference {@code p_u}; returns {@code
   * local - global} in the model's layout.
   */
  private static double[] referenceUpdate(GlobalModel m, UserRatings u, TrainingConfig c) {
    int k = m.rank();
    double[] p = referenceSolve(m, u, c);
    double[] conf = confidence(u, c);
    double[] pref = preference(u);
    double[] theta = new double[SHAPE.numParameters()];
    for (int x = 0; x < theta.length; x++) {
      theta[x] = m.parameters()[x];
    }
    double eta = c.localLearningRate();
    double lambda = c.itemRegularization();
    for (int step = 0; step < c.localSteps(); step++) {
      double[] next = theta.clone();
      double mu = theta[SHAPE.muOffset()];
      double sumCe = 0;
      double sumC = 0;
      for (int i = 0; i < NUM_ITEMS; i++) {
        double dot = 0;
        for (int f = 0; f < k; f++) {
          dot += theta[SHAPE.factorOffset(i) + f] * p[f];
        }
        double e = pref[i] - (mu + theta[SHAPE.biasOffset(i)] + dot);
        double reg = pref[i] == 1 ? lambda : 0;
        for (int f = 0; f < k; f++) {
          int x = SHAPE.factorOffset(i) + f;
          next[x] = theta[x] + eta * (conf[i] * e * p[f] - reg * theta[x]);
        }
        int bx = SHAPE.biasOffset(i);
        next[bx] = theta[bx] + eta * (conf[i] * e - reg * theta[bx]);
        sumCe += conf[i] * e;
        sumC += conf[i];
      }
      next[SHAPE.muOffset()] = mu + eta * sumCe / sumC;
      theta = next;
    }
    float[] global = m.parameters();
    double[] delta = new double[theta.length];
    for (int x = 0; x < theta.length; x++) {
      delta[x] = theta[x] - global[x];
    }
    return delta;
  }

  // ---------------------------------------------------------------- tests

  @Test
  void reconstruct_implicit_equalsDenseWeightedSolveOverWholeCatalogue() {
    GlobalModel model = randomModel(1);
    UserRatings user = fourInteractions();

    UserState state = new LocalTrainer(CONFIG).reconstruct(model, user);

    double[] expected = referenceSolve(model, user, CONFIG);
    for (int f = 0; f < RANK; f++) {
      assertEquals(expected[f], state.factors()[f], 1e-5, "p_u[" + f + "]");
    }
    assertEquals(0f, state.bias());
  }

  @Test
  void reconstruct_secondModel_doesNotReuseTheFirstModelsGram() {
    GlobalModel first = randomModel(1);
    GlobalModel second = randomModel(2);
    UserRatings user = fourInteractions();
    LocalTrainer trainer = new LocalTrainer(CONFIG);

    trainer.reconstruct(first, user);
    UserState state = trainer.reconstruct(second, user);

    double[] expected = referenceSolve(second, user, CONFIG);
    for (int f = 0; f < RANK; f++) {
      assertEquals(expected[f], state.factors()[f], 1e-5, "p_u[" + f + "]");
    }
  }

  @Test
  void reconstruct_noInteractions_solvesAgainstAllNegatives() {
    GlobalModel model = randomModel(3);
    UserRatings none = UserRatings.of(new int[0], new float[0]);

    UserState state = new LocalTrainer(CONFIG).reconstruct(model, none);

    double[] expected = referenceSolve(model, none, CONFIG);
    for (int f = 0; f < RANK; f++) {
      assertEquals(expected[f], state.factors()[f], 1e-5);
    }
  }

  @Test
  void accumulateUserUpdate_implicit_matchesReferenceStepsOnEveryItem() {
    GlobalModel model = randomModel(4);
    UserRatings user = fourInteractions();
    float[] acc = new float[SHAPE.numParameters()];

    new LocalTrainer(CONFIG).accumulateUserUpdate(model, user, acc);

    double[] expected = referenceUpdate(model, user, CONFIG);
    for (int x = 0; x < acc.length; x++) {
      assertEquals(expected[x], acc[x], 2e-6, "coordinate " + x);
    }
  }

  @Test
  void accumulateUserUpdate_implicit_returnsConfidenceWeightedLossBeforeSteps() {
    GlobalModel model = randomModel(5);
    UserRatings user = fourInteractions();
    double[] p = referenceSolve(model, user, CONFIG);
    double[] conf = confidence(user, CONFIG);
    double[] pref = preference(user);
    double expected = 0;
    for (int i = 0; i < NUM_ITEMS; i++) {
      double dot = 0;
      for (int f = 0; f < RANK; f++) {
        dot += model.factor(i, f) * p[f];
      }
      double e = pref[i] - (model.mu() + model.itemBias(i) + dot);
      expected += conf[i] * e * e;
    }

    double loss = new LocalTrainer(CONFIG)
        .accumulateUserUpdate(model, user, new float[SHAPE.numParameters()]);

    assertEquals(expected, loss, 1e-4 * expected);
  }

  @Test
  void accumulateUserUpdate_oneInteraction_everyCoordinateNonZero() {
    GlobalModel model = randomModel(6);
    UserRatings user = UserRatings.of(new int[] {9}, new float[] {1f});
    float[] acc = new float[SHAPE.numParameters()];

    new LocalTrainer(CONFIG).accumulateUserUpdate(model, user, acc);

    // the data update alone already covers every item row and bias, and mu
    for (int x = 0; x < acc.length; x++) {
      assertNotEquals(0f, acc[x], "coordinate " + x);
    }
  }

  @Test
  void accumulateUserUpdate_twoUsers_sumsTheirUpdates() {
    GlobalModel model = randomModel(7);
    UserRatings a = fourInteractions();
    UserRatings b = UserRatings.of(new int[] {0, 14}, new float[] {1f, 1f});
    LocalTrainer trainer = new LocalTrainer(CONFIG);
    float[] both = new float[SHAPE.numParameters()];

    trainer.accumulateUserUpdate(model, a, both);
    trainer.accumulateUserUpdate(model, b, both);

    double[] ea = referenceUpdate(model, a, CONFIG);
    double[] eb = referenceUpdate(model, b, CONFIG);
    for (int x = 0; x < both.length; x++) {
      assertEquals(ea[x] + eb[x], both[x], 4e-6, "coordinate " + x);
    }
  }

  @Test
  void accumulateClippedUserUpdate_implicit_normIsThatOfDataPlusPriorShare() {
    GlobalModel model = randomModel(8);
    UserRatings user = fourInteractions();
    LocalTrainer trainer = new LocalTrainer(CONFIG);
    float[] whole = new float[SHAPE.numParameters()];
    trainer.accumulateUserUpdate(model, user, whole);
    trainer.addWeightDecay(model, whole, 1);
    double norm2 = 0;
    for (float v : whole) {
      norm2 += (double) v * v;
    }
    double norm = Math.sqrt(norm2);

    LocalTrainer.ClippedUpdate c = trainer.accumulateClippedUserUpdate(
        model, user, new float[SHAPE.numParameters()], norm / 4);

    assertEquals(norm, c.norm(), 1e-5 * norm);
    assertEquals(0.25f, c.scale(), 1e-5f);
  }

  @Test
  void accumulateClippedUserUpdate_clipped_contributionNormIsClipNorm() {
    GlobalModel model = randomModel(9);
    UserRatings user = fourInteractions();
    LocalTrainer trainer = new LocalTrainer(CONFIG);
    float[] acc = new float[SHAPE.numParameters()];
    double clip = 0.01;

    LocalTrainer.ClippedUpdate c = trainer.accumulateClippedUserUpdate(model, user, acc, clip);
    trainer.addWeightDecay(model, acc, (double) c.scale());

    assertTrue(c.scale() < 1f, "scale " + c.scale());
    double norm2 = 0;
    for (float v : acc) {
      norm2 += (double) v * v;
    }
    assertEquals(clip, Math.sqrt(norm2), 1e-6);
  }

  @Test
  void accumulateUserUpdate_negativeStrength_throwsNamingTheRule() {
    GlobalModel model = randomModel(10);
    UserRatings user = UserRatings.of(new int[] {1}, new float[] {-1f});

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new LocalTrainer(CONFIG)
            .accumulateUserUpdate(model, user, new float[SHAPE.numParameters()]));

    assertEquals("implicit interaction strengths must be >= 0. Provided value: -1.0",
        e.getMessage());
  }

  @Test
  void score_implicitUser_isBiasPlusDotWithoutUserBias() {
    GlobalModel model = randomModel(11);
    UserState state = new LocalTrainer(CONFIG).reconstruct(model, fourInteractions());

    float expected = model.itemBias(3) + model.dot(3, state.factors());

    assertEquals(expected, state.score(model, 3));
  }
}
