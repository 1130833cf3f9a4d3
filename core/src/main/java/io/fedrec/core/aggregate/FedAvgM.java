package io.fedrec.core.aggregate;

import io.fedrec.core.model.GlobalModel;

/**
 * FedAvg with server momentum (FedAvgM; Hsu, Qi and Brown, "Measuring the Effects of
 * Non-Identical Data Distribution for Federated Visual Classification", arXiv:1909.06335, 2019),
 * in the form Reddi et al. 2021 compare against (server SGD with momentum). With the
 * pseudo-gradient
 * {@code Delta_t = mean(local - global)} of round {@code t}:
 *
 * <pre>
 * m_t         = beta * m_{t-1} + Delta_t          (m_{-1} = 0)
 * theta_{t+1} = theta_t + eta * m_t
 * </pre>
 *
 * Hsu et al. write {@code v <- beta v + Delta w; w <- w - v} with the gradient-signed update;
 * with a constant {@code eta} that is the same iteration scaled by {@code eta}. With {@code beta =
 * 0} the step is {@code theta + eta * Delta}, bit for bit the step of {@link FedAvg} with the same
 * rate. Under steady updates the effective rate is {@code eta / (1 - beta)}, so raising
 * {@code beta} usually calls for a lower {@code eta}, as Hsu et al. observe when they tune the
 * two together.
 *
 * <p>Defaults: {@code eta = 1} and {@code beta = 0.9}, the server momentum Reddi et al. used for
 * FedAvgM (google-research/federated, optimization/README.md) with the server learning rate that
 * was best for FedAvgM on four of their six tasks (optimization/docs/hyperparameters.md, 10^0).
 *
 * <p>The momentum {@code m} is computed in double and stored as float32; the model step is
 * {@code theta + eta * m} in float32 through {@link GlobalModel#plusScaled}, which rejects a
 * non-finite parameter with an {@link IllegalStateException} so the round is not published.
 *
 * <p>Thread safety: see {@link StatefulServerOptimizer}; state is the vector {@code "m"}.
 */
public final class FedAvgM extends MomentServerOptimizer {
  /** Default server learning rate; see the class comment. */
  public static final double DEFAULT_ETA = 1.0;

  /** Default server momentum; see the class comment. */
  public static final double DEFAULT_BETA = 0.9;

  private final double eta;
  private final double beta;
  private final float etaFloat;

  private FedAvgM(Builder b) {
    super("m");
    this.eta = b.eta;
    this.beta = b.beta;
    this.etaFloat = (float) b.eta;
  }

  public static Builder builder() {
    return new Builder();
  }

  public double eta() {
    return eta;
  }

  public double beta() {
    return beta;
  }

  @Override
  public String name() {
    return "fedavgm";
  }

  @Override
  float initialValue(int k) {
    return 0f;
  }

  @Override
  GlobalModel advance(
      GlobalModel current, float[] delta, float[][] state, float[][] next, float[] scratch) {
    float[] m = state[0];
    float[] mNext = next[0];
    double b = beta;
    boolean noMomentum = b == 0; // loop-invariant; JIT unswitches it
    for (int i = 0; i < delta.length; i++) {
      // With beta = 0, m = Delta exactly (0.0 * m + -0.0 would turn -0.0 into +0.0), which
      // keeps the bit-for-bit equality with FedAvg promised above.
      float mi = noMomentum ? delta[i] : (float) (b * m[i] + delta[i]);
      if (!Float.isFinite(mi)) {
        throw nonFiniteState("m", i, mi);
      }
      mNext[i] = mi;
    }
    // Same float32 expression as FedAvg: params[i] + eta * m[i].
    return current.plusScaled(mNext, etaFloat);
  }

  @Override
  public String toString() {
    return "FedAvgM{eta=" + eta + ", beta=" + beta + "}";
  }

  /** Validates in {@link #build()}; see {@link ServerOptimizers} for the rules. */
  public static final class Builder {
    private double eta = DEFAULT_ETA;
    private double beta = DEFAULT_BETA;

    private Builder() {}

    public Builder eta(double eta) {
      this.eta = eta;
      return this;
    }

    public Builder beta(double beta) {
      this.beta = beta;
      return this;
    }

    public FedAvgM build() {
      ServerOptimizers.eta(eta);
      ServerOptimizers.decay("beta", beta);
      return new FedAvgM(this);
    }
  }
}
