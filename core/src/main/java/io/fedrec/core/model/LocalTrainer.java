package io.fedrec.core.model;

import io.fedrec.core.math.Cholesky;

/**
 * The client's computation in one round of Federated Reconstruction (Singhal et al., NeurIPS
 * 2021, Algorithm 1) for biased MF.
 *
 * <ol>
 *   <li><b>Reconstruct</b> the private {@code p_u, b_u} with the global {@code Q, b, mu} fixed:
 *       ridge regression of {@code r - mu - b_i} on features {@code [q_i, 1]}, solved exactly as
 *       a (k+1) x (k+1) SPD system by Cholesky: {@code (X^T X + diag(lambda_p..., lambda_b)) w =
 *       X^T y}.
 *   <li><b>Update</b> the user's item rows {@code q_i, b_i} and {@code mu} by {@code localSteps}
 *       full-batch gradient steps on {@code 1/2 sum (r - r_hat)^2 + lambda/2 (|q_i|^2 + b_i^2)}
 *       with {@code p_u, b_u} fixed; the gradient of {@code mu} is averaged over the user's
 *       ratings so that heavy raters do not dominate it.
 *   <li>Add {@code local - global} for those rows to a dense accumulator.
 * </ol>
 *
 * <p>{@link #addWeightDecay} then adds the global prior's share to <em>every</em> row, once per
 * submission with the number of users summed, so that every coordinate of a submitted update is
 * non-zero and the update's shape and non-zero pattern are the same whatever was rated.
 *
 * <p>With {@link Feedback#IMPLICIT} every method computes weighted MF instead (Hu, Koren, Volinsky,
 * ICDM 2008): a closed-form solve of {@code p_u} over the whole catalogue by the Gram trick, then
 * gradient steps on every item row, so the update is dense before the prior is added; the
 * derivation is in {@link ImplicitTrainer}. The prior ({@link #addWeightDecay}) and the clipping
 * contract ({@link #accumulateClippedUserUpdate}) are the same in every mode. With {@link
 * Feedback#BPR} the user is reconstructed and the items stepped by Bayesian Personalised Ranking
 * with negatives drawn on the client ({@link BprTrainer}).
 *
 * <p>Not thread-safe: holds scratch buffers (and, for implicit feedback, {@code Q^T Q} of the
 * last model seen); use one instance per thread.
 */
public final class LocalTrainer {
  private final TrainingConfig config;
  private final int k;
  private final double[] a;
  private final double[] rhs;
  private float[] localQ = new float[0];
  private float[] localB = new float[0];
  private float muDelta;
  private GlobalModel normModel;
  private double cachedThetaNorm2;
  /** Non-null for implicit feedback fitted by weighted MF. */
  private final ImplicitTrainer implicit;
  /** Non-null for implicit feedback fitted by BPR. */
  private final BprTrainer bpr;

  public LocalTrainer(TrainingConfig config) {
    this.config = config;
    this.implicit = config.feedback() == Feedback.IMPLICIT ? new ImplicitTrainer(config) : null;
    this.bpr = config.feedback() == Feedback.BPR ? new BprTrainer(config) : null;
    this.k = config.rank();
    this.a = new double[(k + 1) * (k + 1)];
    this.rhs = new double[k + 1];
  }

  public TrainingConfig config() {
    return config;
  }

  /**
   * Solves the user's private parameters with the model fixed: for explicit feedback {@code p_u,
   * b_u} by ridge regression on the ratings, for implicit feedback {@code p_u} by the weighted
   * least-squares solve over the whole catalogue ({@link ImplicitTrainer}), with {@code b_u = 0}.
   * Either way {@link UserState#score} then ranks items by the model's own score.
   *
   * @throws IllegalArgumentException if the model's rank differs from the config's, or an item
   *     id is outside the catalogue, or (implicit) an interaction strength is negative
   */
  public UserState reconstruct(GlobalModel model, UserRatings user) {
    checkCompatible(model, user);
    if (implicit != null) {
      return implicit.reconstruct(model, user);
    }
    if (bpr != null) {
      return bpr.reconstruct(model, user);
    }
    int n = k + 1;
    java.util.Arrays.fill(a, 0);
    java.util.Arrays.fill(rhs, 0);
    float mu = model.mu();
    float[] q = new float[k];
    for (int j = 0; j < user.size(); j++) {
      int item = user.item(j);
      model.copyFactors(item, q, 0);
      double y = user.rating(j) - mu - model.itemBias(item);
      for (int r = 0; r < k; r++) {
        double qr = q[r];
        int row = r * n;
        for (int c = 0; c <= r; c++) {
          a[row + c] += qr * q[c];
        }
        a[row + k] += qr;
        rhs[r] += qr * y;
      }
      a[k * n + k] += 1;
      rhs[k] += y;
    }
    // mirror the lower triangle (the loop filled row r up to column r, plus column k)
    for (int r = 0; r < k; r++) {
      for (int c = 0; c < r; c++) {
        a[c * n + r] = a[r * n + c];
      }
      a[k * n + r] = a[r * n + k];
    }
    for (int r = 0; r < k; r++) {
      a[r * n + r] += config.userRegularization();
    }
    a[k * n + k] += config.userBiasRegularization();
    Cholesky.solveInPlace(a, rhs, n);
    float[] p = new float[k];
    for (int r = 0; r < k; r++) {
      p[r] = (float) rhs[r];
    }
    return new UserState(p, (float) rhs[k]);
  }

  /**
   * Reconstructs the user and runs the local steps, leaving {@code local - global} of the user's
   * rated rows in {@code localQ/localB} (row j for the user's j-th rating) and of {@code mu} in
   * {@code muDelta}. Returns the loss before the steps.
   */
  private double localUpdate(GlobalModel model, UserRatings user) {
    UserState state = reconstruct(model, user);
    int nu = user.size();
    muDelta = 0f;
    if (nu == 0) {
      return 0;
    }
    if (localB.length < nu) {
      localB = new float[Math.max(nu, localB.length * 2)];
      localQ = new float[localB.length * k];
    }
    for (int j = 0; j < nu; j++) {
      model.copyFactors(user.item(j), localQ, j * k);
      localB[j] = model.itemBias(user.item(j));
    }
    float[] p = state.factors();
    float bu = state.bias();
    float mu0 = model.mu();
    float mu = mu0;
    float eta = config.localLearningRate();
    float lambda = config.itemRegularization();
    double loss = 0;
    for (int step = 0; step < config.localSteps(); step++) {
      double gradMu = 0;
      for (int j = 0; j < nu; j++) {
        int base = j * k;
        float dot = 0f;
        for (int f = 0; f < k; f++) {
          dot += localQ[base + f] * p[f];
        }
        float e = user.rating(j) - (mu + bu + localB[j] + dot);
        if (step == 0) {
          loss += (double) e * e;
        }
        for (int f = 0; f < k; f++) {
          localQ[base + f] += eta * (e * p[f] - lambda * localQ[base + f]);
        }
        localB[j] += eta * (e - lambda * localB[j]);
        gradMu -= e;
      }
      mu -= (float) (eta * gradMu / nu);
    }
    for (int j = 0; j < nu; j++) {
      int item = user.item(j);
      int base = j * k;
      for (int f = 0; f < k; f++) {
        localQ[base + f] -= model.factor(item, f);
      }
      localB[j] -= model.itemBias(item);
    }
    muDelta = mu - mu0;
    return loss;
  }

  /**
   * Reconstructs the user, runs the local steps and adds the user's update to {@code acc}
   * (layout of {@link ModelShape}). Returns the user's training loss: the sum of squared errors
   * on its ratings after reconstruction, before the local steps (implicit feedback: the
   * confidence-weighted sum of squared errors over the whole catalogue, {@code sum_i c_ui (p_ui -
   * s_ui)^2}).
   */
  public double accumulateUserUpdate(GlobalModel model, UserRatings user, float[] acc) {
    checkAccumulator(model, acc);
    if (implicit != null) {
      checkCompatible(model, user);
      return implicit.accumulateUserUpdate(model, user, acc);
    }
    if (bpr != null) {
      checkCompatible(model, user);
      return bpr.accumulateUserUpdate(model, user, acc);
    }
    double loss = localUpdate(model, user);
    addDeltas(model.shape(), user, acc, 1f);
    return loss;
  }

  /**
   * The user-level differentially private variant (DP-FedAvg, McMahan et al., ICLR 2018,
   * Algorithm 1, "flat clipping"): the user's whole contribution to the submission, its data
   * update <em>plus</em> its share of the prior that {@link #addWeightDecay} adds, is scaled by
   * {@code s = min(1, clipNorm / ||contribution||_2)}, so that adding or removing one user changes
   * a submission by at most {@code clipNorm} in L2 norm. The data part is added to {@code acc}
   * here; the caller adds the prior for all users at once with {@link #addWeightDecay(GlobalModel,
   * float[], double)} and the sum of the returned scales.
   *
   * <p>The norm is computed without materialising the dense contribution: with {@code p} the
   * per-user prior share ({@code c * theta} on every item row and bias) and {@code d} the data
   * update on the user's rated rows and {@code mu},
   * {@code ||d + p||^2 = ||p||^2 + sum over rated coordinates of ((d + p)^2 - p^2) + d_mu^2}.
   *
   * @return the user's loss (as {@link #accumulateUserUpdate}) and clipping scale
   */
  public ClippedUpdate accumulateClippedUserUpdate(
      GlobalModel model, UserRatings user, float[] acc, double clipNorm) {
    Checks.positiveFinite("clipNorm", clipNorm);
    checkAccumulator(model, acc);
    if (implicit != null) {
      checkCompatible(model, user);
      return implicit.accumulateClippedUserUpdate(model, user, acc, clipNorm, priorCoefficient(1));
    }
    if (bpr != null) {
      checkCompatible(model, user);
      return bpr.accumulateClippedUserUpdate(model, user, acc, clipNorm, priorCoefficient(1),
          thetaNorm2(model));
    }
    double loss = localUpdate(model, user);
    double c = priorCoefficient(1);
    double norm2 = c * c * thetaNorm2(model);
    ModelShape shape = model.shape();
    int nu = user.size();
    for (int j = 0; j < nu; j++) {
      int item = user.item(j);
      int base = j * k;
      for (int f = 0; f < k; f++) {
        double pr = c * model.factor(item, f);
        double v = localQ[base + f] + pr;
        norm2 += v * v - pr * pr;
      }
      double pb = c * model.itemBias(item);
      double vb = localB[j] + pb;
      norm2 += vb * vb - pb * pb;
    }
    norm2 += (double) muDelta * muDelta;
    double norm = Math.sqrt(Math.max(0, norm2));
    float scale = norm <= clipNorm ? 1f : (float) (clipNorm / norm);
    if (nu > 0) {
      addDeltas(shape, user, acc, scale);
    }
    return new ClippedUpdate(loss, scale, norm);
  }

  /**
   * A user's clipped contribution.
   *
   * @param loss sum of squared errors on the user's ratings before the local steps
   * @param scale the factor applied, in (0, 1]
   * @param norm the L2 norm of the contribution before clipping
   */
  public record ClippedUpdate(double loss, float scale, double norm) {}

  private void addDeltas(ModelShape shape, UserRatings user, float[] acc, float scale) {
    int nu = user.size();
    if (nu == 0) {
      return;
    }
    for (int j = 0; j < nu; j++) {
      int item = user.item(j);
      int off = shape.factorOffset(item);
      int base = j * k;
      for (int f = 0; f < k; f++) {
        acc[off + f] += scale * localQ[base + f];
      }
      acc[shape.biasOffset(item)] += scale * localB[j];
    }
    acc[shape.muOffset()] += scale * muDelta;
  }

  private void checkAccumulator(GlobalModel model, float[] acc) {
    ModelShape shape = model.shape();
    if (acc.length != shape.numParameters()) {
      throw new IllegalArgumentException(
          "accumulator length must be " + shape.numParameters() + ". Provided value: " + acc.length);
    }
  }

  /** Sum of squares of the item factors and biases (the prior's domain), cached per model. */
  private double thetaNorm2(GlobalModel model) {
    if (model != normModel) {
      int n = model.shape().muOffset();
      float[] buf = new float[Math.min(n, 1 << 16)];
      double s = 0;
      for (int from = 0; from < n; from += buf.length) {
        int len = Math.min(buf.length, n - from);
        model.copyParameters(from, buf, 0, len);
        for (int x = 0; x < len; x++) {
          s += (double) buf[x] * buf[x];
        }
      }
      normModel = model;
      cachedThetaNorm2 = s;
    }
    return cachedThetaNorm2;
  }

  private double priorCoefficient(double users) {
    return -users * config.localSteps() * (double) config.localLearningRate()
        * config.itemWeightDecay();
  }

  /**
   * Adds {@code users} shares of the global prior's gradient step to every item row and bias:
   * {@code acc[x] -= users * localSteps * eta * weightDecay * theta[x]}.
   */
  public void addWeightDecay(GlobalModel model, float[] acc, int users) {
    addWeightDecay(model, acc, (double) users);
  }

  /**
   * Adds {@code userShares} shares of the prior: the number of users, or with clipping the sum of
   * the users' clipping scales ({@link #accumulateClippedUserUpdate}).
   */
  public void addWeightDecay(GlobalModel model, float[] acc, double userShares) {
    float c = (float) priorCoefficient(userShares);
    if (c == 0f) {
      return;
    }
    int n = model.shape().muOffset();
    float[] theta = new float[Math.min(n, 1 << 16)];
    for (int from = 0; from < n; from += theta.length) {
      int len = Math.min(theta.length, n - from);
      model.copyParameters(from, theta, 0, len);
      for (int x = 0; x < len; x++) {
        acc[from + x] += c * theta[x];
      }
    }
  }

  private void checkCompatible(GlobalModel model, UserRatings user) {
    if (model.rank() != k) {
      throw new IllegalArgumentException(
          "model rank must equal training rank " + k + ". Provided value: " + model.rank());
    }
    int max = user.maxItem();
    if (max >= model.numItems()) {
      throw new IllegalArgumentException(
          "item ids must be < numItems " + model.numItems() + ". Provided value: " + max);
    }
  }
}
