package io.fedrec.core.model;

import io.fedrec.core.math.Cholesky;

/**
 * The client's computation in one round of Federated Reconstruction (Singhal et al., NeurIPS
 * 2021, Algorithm 1) for weighted matrix factorisation of implicit feedback (Hu, Koren, Volinsky,
 * "Collaborative Filtering for Implicit Feedback Datasets", ICDM 2008). {@link LocalTrainer}
 * delegates here when {@link TrainingConfig#feedback()} is {@link Feedback#IMPLICIT}.
 *
 * <h2>Model</h2>
 *
 * The score of item {@code i} for user {@code u} is {@code s_ui = mu + b_i + p_u . q_i}, the same
 * parameters and layout as the explicit model ({@link ModelShape}) minus the user bias. A user's
 * interactions {@code I_u} carry strengths {@code r_ui} (the {@link UserRatings} values: 1 for a
 * binary interaction, or a count, a rating). Hu et al., Section 4: the preference is {@code p_ui =
 * 1} for {@code i in I_u} and {@code 0} for every other catalogue item, the confidence {@code
 * c_ui = 1 + alpha r_ui} on {@code I_u} and {@code 1} elsewhere. The user's loss is
 *
 * <pre>
 *   L_u = 1/2 sum_{all i} c_ui (p_ui - s_ui)^2 + lambda_p/2 |p_u|^2
 *         + lambda/2 sum_{i in I_u} (|q_i|^2 + b_i^2)
 * </pre>
 *
 * Hu et al. have no biases. Here {@code b_i} and {@code mu} are fitted as part of the model by
 * the same dense steps as {@code Q}: {@code b_i} learns the item's confidence-weighted
 * interaction rate, a popularity prior that ranks items for a user without interactions and that
 * {@link UserState#score} adds to {@code p_u . q_i} ({@code b_u} is 0, {@code mu} does not change
 * an order), so that ranking uses exactly the fitted score. {@code mu} starts at the federation's
 * {@code initial_mean}, which should be 0 for implicit feedback.
 *
 * <h2>1. Reconstruct {@code p_u} (closed form, Gram trick)</h2>
 *
 * Setting the gradient of {@code L_u} in {@code p_u} to zero, with {@code y_i = mu + b_i}:
 *
 * <pre>
 *   (sum_i c_ui q_i q_i^T + lambda_p I) p_u = sum_i c_ui (p_ui - y_i) q_i.
 * </pre>
 *
 * Both sides sum over the whole catalogue; Hu et al.'s trick splits {@code c_ui = 1 + (c_ui - 1)},
 * where {@code c_ui - 1 = alpha r_ui} vanishes off {@code I_u}:
 *
 * <pre>
 *   sum_i c_ui q_i q_i^T        = Q^T Q + sum_{i in I_u} alpha r_ui q_i q_i^T
 *   sum_i c_ui (p_ui - y_i) q_i = sum_{i in I_u} (c_ui - alpha r_ui y_i) q_i - Q^T y
 * </pre>
 *
 * (off {@code I_u} the right-hand summand is {@code -y_i q_i}; summing {@code -y_i q_i} over the
 * whole catalogue gives {@code -Q^T y}, and on {@code I_u} the difference is {@code c_ui (1 - y_i)
 * + y_i = c_ui - alpha r_ui y_i}). {@code G = Q^T Q} (k x k) and {@code h = Q^T y} (k) depend
 * on the model only: they are computed once per model instance and cached, so a user costs {@code
 * O(|I_u| k^2 + k^3)}, independent of the catalogue size. The system is SPD ({@code lambda_p > 0})
 * and solved by Cholesky.
 *
 * <h2>2. Local steps on every item</h2>
 *
 * With {@code p_u} fixed, {@code localSteps} full-batch gradient steps of size {@code eta} on
 * {@code L_u}, for <em>all</em> items (every non-interacted item is a negative with preference 0
 * and confidence 1), with the residual {@code e_ui = p_ui - s_ui} taken at the start of each step:
 *
 * <pre>
 *   q_i := q_i + eta (c_ui e_ui p_u - lambda [i in I_u] q_i)
 *   b_i := b_i + eta (c_ui e_ui     - lambda [i in I_u] b_i)
 *   mu  := mu  + eta (sum_i c_ui e_ui) / (sum_i c_ui)
 * </pre>
 *
 * The {@code mu} gradient is normalised by the user's total confidence, as the explicit trainer
 * normalises it by the number of ratings, so that the shared offset moves at the same rate
 * whatever the catalogue size. A step costs {@code O(numItems k)}.
 *
 * <h2>3. The update</h2>
 *
 * {@code local - global} over the whole parameter vector. It is dense by construction: every item
 * row moves (a negative's residual {@code -s_ui} is non-zero for generic parameters), before the
 * prior's share ({@link LocalTrainer#addWeightDecay}) is added on top as in explicit mode.
 *
 * <p>Not thread-safe: holds scratch buffers and the per-model cache; one instance per thread.
 */
final class ImplicitTrainer {
  private final TrainingConfig config;
  private final int k;
  private final double[] a;
  private final double[] rhs;
  private final float[] q;

  /** The model the caches below belong to (identity: models are immutable). */
  private GlobalModel cachedModel;
  /** {@code Q^T Q}, k x k row-major. */
  private double[] gram;
  /** {@code Q^T (mu + b)}. */
  private double[] qty;
  /** The model's parameters, copied once per model. */
  private float[] global;
  /** The user's local parameters after the steps. */
  private float[] local;
  /** {@code c_ui - 1 = alpha r_ui} per catalogue item for the current user (0 off I_u). */
  private float[] extraConfidence;
  /** {@code p_ui} per catalogue item for the current user. */
  private boolean[] interactedItems;

  ImplicitTrainer(TrainingConfig config) {
    this.config = config;
    this.k = config.rank();
    this.a = new double[k * k];
    this.rhs = new double[k];
    this.q = new float[k];
  }

  /** Computes and caches {@code Q^T Q}, {@code Q^T y} and a copy of the parameters. */
  private void prepare(GlobalModel model) {
    if (model == cachedModel) {
      return;
    }
    ModelShape shape = model.shape();
    int n = shape.numItems();
    if (global == null || global.length != shape.numParameters()) {
      global = new float[shape.numParameters()];
      local = new float[shape.numParameters()];
      extraConfidence = new float[n];
      interactedItems = new boolean[n];
    }
    model.copyParameters(0, global, 0, global.length);
    double[] g = new double[k * k];
    double[] h = new double[k];
    int biasBase = shape.biasOffset(0);
    float mu = global[shape.muOffset()];
    for (int i = 0; i < n; i++) {
      int base = i * k;
      double y = mu + global[biasBase + i];
      for (int r = 0; r < k; r++) {
        double qr = global[base + r];
        int row = r * k;
        for (int c = 0; c <= r; c++) {
          g[row + c] += qr * global[base + c];
        }
        h[r] += qr * y;
      }
    }
    for (int r = 0; r < k; r++) {
      for (int c = 0; c < r; c++) {
        g[c * k + r] = g[r * k + c];
      }
    }
    gram = g;
    qty = h;
    cachedModel = model;
  }

  /** Step 1: {@code p_u} by the Gram-trick solve; {@code b_u = 0}. */
  UserState reconstruct(GlobalModel model, UserRatings user) {
    prepare(model);
    System.arraycopy(gram, 0, a, 0, k * k);
    for (int r = 0; r < k; r++) {
      rhs[r] = -qty[r];
    }
    float alpha = config.implicitAlpha();
    float mu = model.mu();
    for (int j = 0; j < user.size(); j++) {
      int item = user.item(j);
      model.copyFactors(item, q, 0);
      float strength = user.rating(j);
      if (!(strength >= 0)) {
        // c_ui = 1 + alpha r_ui must stay >= 1 for the system to stay positive definite
        throw new IllegalArgumentException(
            "implicit interaction strengths must be >= 0. Provided value: " + strength);
      }
      double extra = (double) alpha * strength;
      double c = 1 + extra;
      double y = mu + model.itemBias(item);
      double w = c - extra * y;
      for (int r = 0; r < k; r++) {
        double qr = q[r];
        double eqr = extra * qr;
        int row = r * k;
        for (int col = 0; col <= r; col++) {
          a[row + col] += eqr * q[col];
        }
        rhs[r] += w * qr;
      }
    }
    for (int r = 0; r < k; r++) {
      for (int col = 0; col < r; col++) {
        a[col * k + r] = a[r * k + col];
      }
      a[r * k + r] += config.userRegularization();
    }
    Cholesky.solveInPlace(a, rhs, k);
    float[] p = new float[k];
    for (int r = 0; r < k; r++) {
      p[r] = (float) rhs[r];
    }
    return new UserState(p, 0f);
  }

  /**
   * Steps 1 and 2: leaves the user's local parameters in {@link #local}; returns the weighted
   * loss {@code sum_i c_ui e_ui^2} before the steps.
   */
  private double localUpdate(GlobalModel model, UserRatings user) {
    UserState state = reconstruct(model, user);
    ModelShape shape = model.shape();
    int n = shape.numItems();
    float alpha = config.implicitAlpha();
    for (int j = 0; j < user.size(); j++) {
      extraConfidence[user.item(j)] = alpha * user.rating(j);
      interactedItems[user.item(j)] = true;
    }
    System.arraycopy(global, 0, local, 0, global.length);
    float[] p = state.factors();
    int biasBase = shape.biasOffset(0);
    int muOff = shape.muOffset();
    float eta = config.localLearningRate();
    float lambda = config.itemRegularization();
    double loss = 0;
    for (int step = 0; step < config.localSteps(); step++) {
      float mu = local[muOff];
      double weightedResidual = 0;
      double totalConfidence = 0;
      for (int i = 0; i < n; i++) {
        int base = i * k;
        float dot = 0f;
        for (int f = 0; f < k; f++) {
          dot += local[base + f] * p[f];
        }
        float extra = extraConfidence[i];
        float c = 1f + extra;
        boolean interacted = interactedItems[i];
        float e = (interacted ? 1f : 0f) - (mu + local[biasBase + i] + dot);
        if (step == 0) {
          loss += (double) c * e * e;
        }
        float ce = c * e;
        weightedResidual += ce;
        totalConfidence += c;
        if (interacted) {
          for (int f = 0; f < k; f++) {
            local[base + f] += eta * (ce * p[f] - lambda * local[base + f]);
          }
          local[biasBase + i] += eta * (ce - lambda * local[biasBase + i]);
        } else {
          float ece = eta * ce;
          for (int f = 0; f < k; f++) {
            local[base + f] += ece * p[f];
          }
          local[biasBase + i] += ece;
        }
      }
      local[muOff] = mu + (float) (eta * weightedResidual / totalConfidence);
    }
    for (int j = 0; j < user.size(); j++) {
      extraConfidence[user.item(j)] = 0f;
      interactedItems[user.item(j)] = false;
    }
    return loss;
  }

  /** Adds {@code scale * (local - global)} to every coordinate of {@code acc}. */
  private void addDelta(float[] acc, float scale) {
    for (int x = 0; x < acc.length; x++) {
      acc[x] += scale * (local[x] - global[x]);
    }
  }

  /** See {@link LocalTrainer#accumulateUserUpdate}; the loss is {@code sum_i c_ui e_ui^2}. */
  double accumulateUserUpdate(GlobalModel model, UserRatings user, float[] acc) {
    double loss = localUpdate(model, user);
    addDelta(acc, 1f);
    return loss;
  }

  /**
   * See {@link LocalTrainer#accumulateClippedUserUpdate}. The data update {@code d} is dense, so
   * the norm of the user's whole contribution {@code d + c theta} ({@code c theta} the prior's
   * share on every item row and bias, none on {@code mu}) is summed directly over every
   * coordinate.
   */
  LocalTrainer.ClippedUpdate accumulateClippedUserUpdate(
      GlobalModel model, UserRatings user, float[] acc, double clipNorm, double priorCoefficient) {
    double loss = localUpdate(model, user);
    int muOff = model.shape().muOffset();
    double norm2 = 0;
    for (int x = 0; x < muOff; x++) {
      double v = (double) (local[x] - global[x]) + priorCoefficient * global[x];
      norm2 += v * v;
    }
    double dMu = local[muOff] - global[muOff];
    norm2 += dMu * dMu;
    double norm = Math.sqrt(norm2);
    float scale = norm <= clipNorm ? 1f : (float) (clipNorm / norm);
    addDelta(acc, scale);
    return new LocalTrainer.ClippedUpdate(loss, scale, norm);
  }
}
