package io.fedrec.core.aggregate;

import io.fedrec.core.model.GlobalModel;

/**
 * FedAdam: Adam as the server optimizer (Reddi et al., "Adaptive Federated Optimization", ICLR
 * 2021, Algorithm 2). With the round's mean update {@code Delta_t = mean(local - global)}:
 *
 * <pre>
 * m_t         = beta1 * m_{t-1} + (1 - beta1) * Delta_t            m_{-1} = 0
 * v_t         = beta2 * v_{t-1} + (1 - beta2) * Delta_t^2          v_{-1} = tau^2
 * theta_{t+1} = theta_t + eta * m_t / (sqrt(v_t) + tau)
 * </pre>
 *
 * No bias correction, as in Algorithm 2; see {@link AdaptiveServerOptimizer} for the numerics.
 *
 * <p>Defaults and their sources:
 *
 * <ul>
 *   <li>{@code eta = 0.01}: the server learning rates the authors found best for FedAdam on
 *       their six tasks are 10^-2.5, -2, -2, -1.5, -0.5 and 0 (google-research/federated,
 *       optimization/docs/hyperparameters.md), median 10^-1.75. Tune it: it matters most.
 *   <li>{@code beta1 = 0.9}: the value the authors' experiments used (the Keras default they
 *       kept; hyperparameters.md).
 *   <li>{@code beta2 = 0.99}: Flower's FedAdam and FedYogi, which implement arXiv:2003.00295v5,
 *       default to it (together with {@code eta = 0.01}, {@code beta1 = 0.9}, {@code tau =
 *       0.001}); the authors' released runs kept Keras's 0.999 (hyperparameters.md). Without
 *       bias correction 0.99 makes the first steps about {@code eta} in size rather than about
 *       {@code 3 * eta}.
 *   <li>{@code tau = 1e-3}: the authors recommend "a value of at least 0.001 in most tasks"
 *       (optimization/README.md). A small tau scales each coordinate by about
 *       {@code 1 / sqrt(v)}; a large one turns the step into momentum SGD with rate
 *       {@code eta / tau}.
 * </ul>
 *
 * <p>Thread safety: see {@link StatefulServerOptimizer}; state is {@code "m"} and {@code "v"}.
 */
public final class FedAdam extends AdaptiveServerOptimizer {
  /** Default server learning rate; see the class comment. */
  public static final double DEFAULT_ETA = 1e-2;

  /** Default first-moment decay; see the class comment. */
  public static final double DEFAULT_BETA1 = 0.9;

  /** Default second-moment decay; see the class comment. */
  public static final double DEFAULT_BETA2 = 0.99;

  /** Default adaptivity; see the class comment. */
  public static final double DEFAULT_TAU = 1e-3;

  private FedAdam(Builder b) {
    super(b.eta, b.beta1, b.beta2, b.tau);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Second-moment decay {@code beta2}. */
  public double beta2() {
    return beta2;
  }

  @Override
  public String name() {
    return "fedadam";
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
    double b2 = beta2;
    double c2 = 1 - beta2;
    double lr = eta;
    double t = tau;
    for (int i = 0; i < delta.length; i++) {
      double d = delta[i];
      float mi = (float) (b1 * m[i] + c1 * d);
      float vi = (float) (b2 * v[i] + c2 * (d * d));
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
    return "FedAdam{eta=" + eta + ", beta1=" + beta1 + ", beta2=" + beta2 + ", tau=" + tau + "}";
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

    public FedAdam build() {
      ServerOptimizers.eta(eta);
      ServerOptimizers.decay("beta1", beta1);
      ServerOptimizers.decay("beta2", beta2);
      ServerOptimizers.tau(tau);
      return new FedAdam(this);
    }
  }
}
