package io.fedrec.core.aggregate;

import io.fedrec.core.model.GlobalModel;

/**
 * FedAdagrad: Adagrad as the server optimizer (Reddi et al., "Adaptive Federated Optimization",
 * ICLR 2021, Algorithm 2). With the round's mean update {@code Delta_t = mean(local - global)}:
 *
 * <pre>
 * m_t         = beta1 * m_{t-1} + (1 - beta1) * Delta_t            m_{-1} = 0
 * v_t         = v_{t-1} + Delta_t^2                                v_{-1} = tau^2
 * theta_{t+1} = theta_t + eta * m_t / (sqrt(v_t) + tau)
 * </pre>
 *
 * {@code v} only grows, so the effective rate of every coordinate only shrinks: coordinates that
 * see large updates (popular items) slow down first. There is no {@code beta2}. No bias
 * correction; see {@link AdaptiveServerOptimizer} for the numerics.
 *
 * <p>Defaults and their sources:
 *
 * <ul>
 *   <li>{@code eta = 0.1}: the server learning rates the authors found best for FedAdagrad on
 *       their six tasks are 10^-1.5, -1.5, -1, -1, -0.5 and 1 (google-research/federated,
 *       optimization/docs/hyperparameters.md), median 10^-1.
 *   <li>{@code beta1 = 0.9}: Algorithm 2 applies the same first-moment momentum to all three
 *       adaptive optimizers; 0.9 as for {@link FedAdam}. (The authors' released FedAdagrad runs
 *       used Keras's Adagrad, which has no momentum, i.e. {@code beta1 = 0}; pass that to
 *       reproduce them.)
 *   <li>{@code tau = 1e-3}: the authors recommend "a value of at least 0.001 in most tasks"
 *       (optimization/README.md).
 * </ul>
 *
 * <p>Thread safety: see {@link StatefulServerOptimizer}; state is {@code "m"} and {@code "v"}.
 */
public final class FedAdagrad extends AdaptiveServerOptimizer {
  /** Default server learning rate; see the class comment. */
  public static final double DEFAULT_ETA = 1e-1;

  /** Default first-moment decay; see the class comment. */
  public static final double DEFAULT_BETA1 = 0.9;

  /** Default adaptivity; see the class comment. */
  public static final double DEFAULT_TAU = 1e-3;

  private FedAdagrad(Builder b) {
    super(b.eta, b.beta1, 0, b.tau);
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String name() {
    return "fedadagrad";
  }

  @Override
  GlobalModel advance(
      GlobalModel current, float[] delta, float[][] state, float[][] next, float[] step) {
    float[] m = state[0];
    float[] v = state[1];
    float[] mNext = next[0];
    float[] vNext = next[1];
    double b1 = beta1;
    double c1 = 1 - beta1;
    double lr = eta;
    double t = tau;
    for (int i = 0; i < delta.length; i++) {
      double d = delta[i];
      float mi = (float) (b1 * m[i] + c1 * d);
      float vi = (float) (v[i] + d * d);
      if (!Float.isFinite(mi)) {
        throw nonFiniteState("m", i, mi);
      }
      if (!Float.isFinite(vi)) {
        throw nonFiniteState("v", i, vi);
      }
      mNext[i] = mi;
      vNext[i] = vi;
      step[i] = (float) (lr * mi / (Math.sqrt(vi) + t));
    }
    return current.plusScaled(step, 1f);
  }

  @Override
  public String toString() {
    return "FedAdagrad{eta=" + eta + ", beta1=" + beta1 + ", tau=" + tau + "}";
  }

  /** Validates in {@link #build()}; see {@link ServerOptimizers} for the rules. */
  public static final class Builder {
    private double eta = DEFAULT_ETA;
    private double beta1 = DEFAULT_BETA1;
    private double tau = DEFAULT_TAU;

    private Builder() {}

    public Builder eta(double eta) {
      this.eta = eta;
      return this;
    }

    public Builder beta1(double beta1) {
      this.beta1 = beta1;
      return this;
    }

    public Builder tau(double tau) {
      this.tau = tau;
      return this;
    }

    public FedAdagrad build() {
      ServerOptimizers.eta(eta);
      ServerOptimizers.decay("beta1", beta1);
      ServerOptimizers.tau(tau);
      return new FedAdagrad(this);
    }
  }
}
