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
 * <p>Not thread-safe: holds scratch buffers; use one instance per thread.
 */
public final class LocalTrainer {
  private final TrainingConfig config;
  private final int k;
  private final double[] a;
  private final double[] rhs;
  private float[] localQ = new float[0];
  private float[] localB = new float[0];

  public LocalTrainer(TrainingConfig config) {
    this.config = config;
    this.k = config.rank();
    this.a = new double[(k + 1) * (k + 1)];
    this.rhs = new double[k + 1];
  }

  public TrainingConfig config() {
    return config;
  }

  /**
   * Solves the user's private parameters with the model fixed.
   *
   * @throws IllegalArgumentException if the model's rank differs from the config's, or an item
   *     id is outside the catalogue
   */
  public UserState reconstruct(GlobalModel model, UserRatings user) {
    checkCompatible(model, user);
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
   * Reconstructs the user, runs the local steps and adds the user's update to {@code acc}
   * (layout of {@link ModelShape}). Returns the user's training loss: the sum of squared errors
   * on its ratings after reconstruction, before the local steps.
   */
  public double accumulateUserUpdate(GlobalModel model, UserRatings user, float[] acc) {
    ModelShape shape = model.shape();
    if (acc.length != shape.numParameters()) {
      throw new IllegalArgumentException(
          "accumulator length must be " + shape.numParameters() + ". Provided value: " + acc.length);
    }
    UserState state = reconstruct(model, user);
    int nu = user.size();
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
      int off = shape.factorOffset(item);
      int base = j * k;
      for (int f = 0; f < k; f++) {
        acc[off + f] += localQ[base + f] - model.factor(item, f);
      }
      acc[shape.biasOffset(item)] += localB[j] - model.itemBias(item);
    }
    acc[shape.muOffset()] += mu - mu0;
    return loss;
  }

  /**
   * Adds {@code users} shares of the global prior's gradient step to every item row and bias:
   * {@code acc[x] -= users * localSteps * eta * weightDecay * theta[x]}.
   */
  public void addWeightDecay(GlobalModel model, float[] acc, int users) {
    float c = -users * config.localSteps() * config.localLearningRate() * config.itemWeightDecay();
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
