package io.fedrec.core.aggregate;

import io.fedrec.core.model.GlobalModel;

/**
 * FedYogi: Yogi as the server optimizer (Reddi et al., "Adaptive Federated Optimization", ICLR
 * 2021, Algorithm 2; Yogi from Zaheer et al., NeurIPS 2018). With the round's mean update
 * {@code Delta_t = mean(local - global)}:
 *
 * <pre>
 * m_t         = beta1 * m_{t-1} + (1 - beta1) * Delta_t                        m_{-1} = 0
 * v_t         = v_{t-1} - (1 - beta2) * Delta_t^2 * sign(v_{t-1} - Delta_t^2)  v_{-1} = tau^2
 * theta_{t+1} = theta_t + eta * m_t / (sqrt(v_t) + tau)
 * </pre>
 *
 * Unlike Adam's, the change of {@code v} is additive and bounded by {@code (1 - beta2) *
 * Delta^2}, so {@code v} forgets a large past update slowly; with {@code sign(0) = 0} it stays
 * put when {@code v = Delta^2}. It never goes negative: when {@code v > Delta^2} it loses less
 * than {@code (1 - beta2) * v}. No bias correction; see {@link AdaptiveServerOptimizer} for the
 * numerics.
 *
 * <p>Defaults: the same as {@link FedAdam}'s and for the same reasons ({@code eta = 0.01},
 * {@code beta1 = 0.9}, {@code beta2 = 0.99}, {@code tau = 1e-3}); the best FedYogi server
 * learning rates in the authors' sweep equal FedAdam's on all six tasks (hyperparameters.md),
 * and the authors found FedYogi "the most consistently good optimizer".
 *
 * <p>Thread safety: see {@link StatefulServerOptimizer}; state is {@code "m"} and {@code "v"}.
 */
public final class FedYogi extends AdaptiveServerOptimizer {
  /** Default server learning rate; see {@link FedAdam}. */
  public static final double DEFAULT_ETA = FedAdam.DEFAULT_ETA;

  /** Default first-moment decay; see {@link FedAdam}. */
  public static final double DEFAULT_BETA1 = FedAdam.DEFAULT_BETA1;

  /** Default second-moment decay; see {@link FedAdam}. */
  public static final double DEFAULT_BETA2 = FedAdam.DEFAULT_BETA2;

  /** Default adaptivity; see {@link FedAdam}. */
  public static final double DEFAULT_TAU = FedAdam.DEFAULT_TAU;

  private FedYogi(Builder b) {
    super(b.eta, b.beta1, b.beta2, b.tau);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Second-moment rate {@code beta2}. */
  public double beta2() {
    return beta2;
  }

  @Override
  public String name() {
    return "fedyogi";
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
    double c2 = 1 - beta2;
    double lr = eta;
    double t = tau;
    for (int i = 0; i < delta.length; i++) {
      double d = delta[i];
      double d2 = d * d; // exact: a float's square fits a double's mantissa
      double vp = v[i];
      float mi = (float) (b1 * m[i] + c1 * d);
      float vi = (float) (vp - c2 * d2 * Math.signum(vp - d2));
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
    return "FedYogi{eta=" + eta + ", beta1=" + beta1 + ", beta2=" + beta2 + ", tau=" + tau + "}";
  }

  /** Validates in {@link #build()}; see {@link ServerOptimizers} for the rules. */
  public static final class Builder {
    private double eta = DEFAULT_ETA;
    private double beta1 = DEFAULT_BETA1;
    private double beta2 = DEFAULT_BETA2;
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

    public Builder beta2(double beta2) {
      this.beta2 = beta2;
      return this;
    }

    public Builder tau(double tau) {
      this.tau = tau;
      return this;
    }

    public FedYogi build() {
      ServerOptimizers.eta(eta);
      ServerOptimizers.decay("beta1", beta1);
      ServerOptimizers.decay("beta2", beta2);
      ServerOptimizers.tau(tau);
      return new FedYogi(this);
    }
  }
}
