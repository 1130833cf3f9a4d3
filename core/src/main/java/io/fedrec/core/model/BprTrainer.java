package io.fedrec.core.model;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The client's computation in one round of Federated Reconstruction (Singhal et al., NeurIPS
 * 2021, Algorithm 1) for Bayesian Personalised Ranking (Rendle, Freudenthaler, Gantner,
 * Schmidt-Thieme, "BPR: Bayesian Personalized Ranking from Implicit Feedback", UAI 2009). {@link
 * LocalTrainer} delegates here when {@link TrainingConfig#feedback()} is {@link Feedback#BPR}.
 *
 * <h2>Model and objective</h2>
 *
 * The score of item {@code i} for user {@code u} is {@code x_ui = b_i + p_u . q_i} (the layout of
 * {@link ModelShape}; {@code mu} and {@code b_u} do not change an order and stay untouched). The
 * user's interacted items {@code I_u} are positives (their strengths are ignored); a negative is
 * an item of the catalogue outside {@code I_u}, drawn uniformly <em>on the client</em>, so
 * neither the positives nor the negatives leave it. For a positive {@code i} and a negative
 * {@code j}, {@code x_uij = x_ui - x_uj}; BPR maximises {@code sum log sigma(x_uij) - lambda/2
 * |theta|^2}.
 *
 * <h2>1. Reconstruct {@code p_u}</h2>
 *
 * With the items fixed, one negative {@code j_i} is drawn per positive, and {@code p_u} maximises
 * the strongly concave {@code F(p) = (1/|I_u|) sum_i log sigma(x_uij_i) - lambda_p/2 |p|^2} by
 * {@value #RECONSTRUCTION_STEPS} full-batch gradient-ascent steps from {@code p = 0}, of size
 * {@code 1/L} with {@code L = lambda_p + (1/4)(1/|I_u|) sum_i |q_i - q_j_i|^2}, an upper bound on
 * the curvature (the second derivative of {@code log sigma} is at least {@code -1/4}), so every
 * step increases {@code F}; no learning rate to tune. {@code lambda_p} is {@code
 * user_regularization}.
 *
 * <h2>2. Local steps on the items</h2>
 *
 * With {@code p_u} fixed, {@code localSteps} epochs of the classic BPR stochastic step over the
 * user's positives in a shuffled order, each with a fresh negative:
 *
 * <pre>
 *   g   = sigma(-x_uij)
 *   q_i += eta (g p_u - lambda q_i)      b_i += eta (g - lambda b_i)
 *   q_j += eta (-g p_u - lambda q_j)     b_j += eta (-g - lambda b_j)
 * </pre>
 *
 * ({@code eta = local_learning_rate}, {@code lambda = item_regularization}).
 *
 * <h2>3. The update</h2>
 *
 * {@code local - global} on the rows touched (positives and the negatives drawn), zero on the
 * others and on {@code mu}; the prior's share ({@link LocalTrainer#addWeightDecay}) then makes
 * every row non-zero, as in the other modes, so the update's zero pattern reveals neither
 * positives nor negatives.
 *
 * <h2>Randomness</h2>
 *
 * Negatives come from a {@link SplittableRandom} seeded by the model version and the user's item
 * ids: the same user and model give the same reconstruction, so serving ({@link #reconstruct})
 * and training agree, a cold-start fold-in is reproducible, and simulations are deterministic.
 * Negative sampling is not a privacy mechanism (the update's privacy comes from clipping and
 * noise), so it needs no cryptographic randomness.
 *
 * <p>Not thread-safe: holds scratch buffers; one instance per thread.
 */
final class BprTrainer {
  /** Gradient-ascent steps of the reconstruction. */
  static final int RECONSTRUCTION_STEPS = 30;

  private final TrainingConfig config;
  private final int k;
  /** Per catalogue item: its slot in {@link #localQ}/{@link #localB}, or -1. */
  private int[] slotOf = new int[0];
  /** Per catalogue item: whether it is one of the current user's positives. */
  private boolean[] positive = new boolean[0];
  /** Items with a slot, in slot order. */
  private int[] touched = new int[16];
  private int numTouched;
  private float[] localQ = new float[0];
  private float[] localB = new float[0];
  /** Scratch: one negative per positive for the reconstruction. */
  private int[] negatives = new int[16];

  BprTrainer(TrainingConfig config) {
    this.config = config;
    this.k = config.rank();
  }

  /** The seed of a user's negatives: the model version and the user's item ids. */
  private static SplittableRandom random(GlobalModel model, UserRatings user) {
    long h = 0x9E3779B97F4A7C15L ^ model.version();
    for (int j = 0; j < user.size(); j++) {
      h = Long.rotateLeft(h * 0xBF58476D1CE4E5B9L + user.item(j), 31);
    }
    return new SplittableRandom(h);
  }

  /** Marks the user's positives; returns false if every catalogue item is one (no negatives). */
  private boolean markPositives(GlobalModel model, UserRatings user) {
    int n = model.numItems();
    if (positive.length != n) {
      positive = new boolean[n];
      slotOf = new int[n];
      Arrays.fill(slotOf, -1);
    }
    int distinct = 0;
    for (int j = 0; j < user.size(); j++) {
      int item = user.item(j);
      if (!positive[item]) {
        positive[item] = true;
        distinct++;
      }
    }
    return distinct < n;
  }

  private void clearPositives(UserRatings user) {
    for (int j = 0; j < user.size(); j++) {
      positive[user.item(j)] = false;
    }
  }

  /** A uniform item outside the user's positives (the caller made sure one exists). */
  private int negative(SplittableRandom rnd) {
    int n = positive.length;
    while (true) {
      int j = rnd.nextInt(n);
      if (!positive[j]) {
        return j;
      }
    }
  }

  /** Step 1, for serving and fold-in: {@code p_u} with {@code b_u = 0}. */
  UserState reconstruct(GlobalModel model, UserRatings user) {
    if (user.size() == 0) {
      return new UserState(new float[k], 0f);
    }
    boolean hasNegatives = markPositives(model, user);
    try {
      if (!hasNegatives) {
        return new UserState(new float[k], 0f); // nothing to rank against
      }
      float[] p = new float[k];
      solve(model, user, random(model, user), p);
      return new UserState(p, 0f);
    } finally {
      clearPositives(user);
    }
  }

  /**
   * Draws the reconstruction's negatives and maximises {@code F(p)} into {@code p}; returns the
   * BPR loss {@code -sum_i log sigma(x_uij_i)} at the solution.
   */
  private double solve(GlobalModel model, UserRatings user, SplittableRandom rnd, float[] p) {
    int m = user.size();
    if (negatives.length < m) {
      negatives = new int[Math.max(m, negatives.length * 2)];
    }
    // d_i = q_i - q_j and c_i = b_i - b_j, materialised once: the steps reuse them
    float[] d = new float[m * k];
    float[] c = new float[m];
    float[] qi = new float[k];
    float[] qj = new float[k];
    double spread = 0;
    for (int t = 0; t < m; t++) {
      int i = user.item(t);
      int j = negative(rnd);
      negatives[t] = j;
      model.copyFactors(i, qi, 0);
      model.copyFactors(j, qj, 0);
      for (int f = 0; f < k; f++) {
        float v = qi[f] - qj[f];
        d[t * k + f] = v;
        spread += (double) v * v;
      }
      c[t] = model.itemBias(i) - model.itemBias(j);
    }
    double lambda = config.userRegularization();
    double step = 1.0 / (lambda + 0.25 * spread / m);
    double[] grad = new double[k];
    for (int s = 0; s < RECONSTRUCTION_STEPS; s++) {
      Arrays.fill(grad, 0);
      for (int t = 0; t < m; t++) {
        double x = c[t];
        int base = t * k;
        for (int f = 0; f < k; f++) {
          x += (double) p[f] * d[base + f];
        }
        double g = sigmoid(-x);
        for (int f = 0; f < k; f++) {
          grad[f] += g * d[base + f];
        }
      }
      for (int f = 0; f < k; f++) {
        p[f] += (float) (step * (grad[f] / m - lambda * p[f]));
      }
    }
    double loss = 0;
    for (int t = 0; t < m; t++) {
      double x = c[t];
      for (int f = 0; f < k; f++) {
        x += (double) p[f] * d[t * k + f];
      }
      loss += softplus(-x);
    }
    return loss;
  }

  /** {@code 1 / (1 + e^-x)} without overflow. */
  static double sigmoid(double x) {
    return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
  }

  /** {@code log(1 + e^x) = -log sigma(-x)} without overflow. */
  static double softplus(double x) {
    return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
  }

  /** The slot of {@code item}, copying its global row in on first touch. */
  private int slot(GlobalModel model, int item) {
    int s = slotOf[item];
    if (s >= 0) {
      return s;
    }
    s = numTouched++;
    if (s == touched.length) {
      touched = Arrays.copyOf(touched, s * 2);
    }
    if ((s + 1) * k > localQ.length) {
      int rows = Math.max(s + 1, localB.length * 2);
      localQ = Arrays.copyOf(localQ, rows * k);
      localB = Arrays.copyOf(localB, rows);
    }
    touched[s] = item;
    slotOf[item] = s;
    model.copyFactors(item, localQ, s * k);
    localB[s] = model.itemBias(item);
    return s;
  }

  /**
   * Steps 1 and 2; leaves {@code local - global} of the touched rows in {@link #localQ}/{@link
   * #localB} (slot order, items in {@link #touched}). Returns the BPR loss after reconstruction.
   */
  private double localUpdate(GlobalModel model, UserRatings user) {
    numTouched = 0;
    int m = user.size();
    if (m == 0 || !markPositives(model, user)) {
      clearPositives(user);
      return 0;
    }
    try {
      SplittableRandom rnd = random(model, user);
      float[] p = new float[k];
      double loss = solve(model, user, rnd, p);
      float eta = config.localLearningRate();
      float lambda = config.itemRegularization();
      int[] order = new int[m];
      for (int t = 0; t < m; t++) {
        order[t] = t;
      }
      for (int epoch = 0; epoch < config.localSteps(); epoch++) {
        for (int t = m - 1; t > 0; t--) { // Fisher-Yates
          int r = rnd.nextInt(t + 1);
          int tmp = order[t];
          order[t] = order[r];
          order[r] = tmp;
        }
        for (int t = 0; t < m; t++) {
          int si = slot(model, user.item(order[t]));
          int sj = slot(model, negative(rnd));
          int bi = si * k;
          int bj = sj * k;
          double x = localB[si] - localB[sj];
          for (int f = 0; f < k; f++) {
            x += (double) p[f] * (localQ[bi + f] - localQ[bj + f]);
          }
          float g = (float) sigmoid(-x);
          for (int f = 0; f < k; f++) {
            float qif = localQ[bi + f];
            float qjf = localQ[bj + f];
            localQ[bi + f] = qif + eta * (g * p[f] - lambda * qif);
            localQ[bj + f] = qjf + eta * (-g * p[f] - lambda * qjf);
          }
          localB[si] += eta * (g - lambda * localB[si]);
          localB[sj] += eta * (-g - lambda * localB[sj]);
        }
      }
      for (int s = 0; s < numTouched; s++) {
        int item = touched[s];
        for (int f = 0; f < k; f++) {
          localQ[s * k + f] -= model.factor(item, f);
        }
        localB[s] -= model.itemBias(item);
      }
      return loss;
    } finally {
      clearPositives(user);
      for (int s = 0; s < numTouched; s++) {
        slotOf[touched[s]] = -1;
      }
    }
  }

  private void addDeltas(ModelShape shape, float[] acc, float scale) {
    for (int s = 0; s < numTouched; s++) {
      int off = shape.factorOffset(touched[s]);
      for (int f = 0; f < k; f++) {
        acc[off + f] += scale * localQ[s * k + f];
      }
      acc[shape.biasOffset(touched[s])] += scale * localB[s];
    }
  }

  /** See {@link LocalTrainer#accumulateUserUpdate}; the loss is the BPR loss. */
  double accumulateUserUpdate(GlobalModel model, UserRatings user, float[] acc) {
    double loss = localUpdate(model, user);
    addDeltas(model.shape(), acc, 1f);
    return loss;
  }

  /**
   * See {@link LocalTrainer#accumulateClippedUserUpdate}: the norm of the user's contribution
   * {@code d + c theta} is {@code c^2 |theta|^2} plus, on the touched rows, {@code (d + c
   * theta)^2 - (c theta)^2}.
   */
  LocalTrainer.ClippedUpdate accumulateClippedUserUpdate(GlobalModel model, UserRatings user,
      float[] acc, double clipNorm, double priorCoefficient, double thetaNorm2) {
    double loss = localUpdate(model, user);
    double c = priorCoefficient;
    double norm2 = c * c * thetaNorm2;
    for (int s = 0; s < numTouched; s++) {
      int item = touched[s];
      for (int f = 0; f < k; f++) {
        double pr = c * model.factor(item, f);
        double v = localQ[s * k + f] + pr;
        norm2 += v * v - pr * pr;
      }
      double pb = c * model.itemBias(item);
      double vb = localB[s] + pb;
      norm2 += vb * vb - pb * pb;
    }
    double norm = Math.sqrt(Math.max(0, norm2));
    float scale = norm <= clipNorm ? 1f : (float) (clipNorm / norm);
    addDeltas(model.shape(), acc, scale);
    return new LocalTrainer.ClippedUpdate(loss, scale, norm);
  }
}
