package io.fedrec.core.aggregate;

/**
 * What FedAdagrad, FedAdam and FedYogi share (Reddi et al., "Adaptive Federated Optimization",
 * ICLR 2021, Algorithm 2): the hyperparameters, the state vectors {@code m} (first moment,
 * starts at 0) and {@code v} (second moment, starts at {@code tau^2}), and the step
 *
 * <pre>
 * m_t         = beta1 * m_{t-1} + (1 - beta1) * Delta_t
 * v_t         = (per optimizer)
 * theta_{t+1} = theta_t + eta * m_t / (sqrt(v_t) + tau)
 * </pre>
 *
 * where {@code Delta_t} is the round's mean update {@code local - global}. The sign is {@code +}
 * because {@code Delta} points downhill already (it is minus a pseudo-gradient).
 *
 * <p>As in Algorithm 2 there is no bias correction. Algorithm 2 asks for {@code v_{-1} >=
 * tau^2}; we start at {@code tau^2}, rounded up to the next float32 if needed so the inequality
 * holds after rounding. (The authors' released runs used Keras optimizers with initial
 * accumulator 0 and, for Adam, Keras's bias correction; we follow the algorithm as published.)
 *
 * <p>Each coordinate is computed in double from the stored float32 state and rounded once when
 * the new {@code m}, {@code v} and step are stored; the model is then {@code theta + step} in
 * float32 through {@link io.fedrec.core.model.GlobalModel#plusScaled}. Java floating point is
 * strict, so the same inputs give the same bits on every JVM, and a restored state continues
 * exactly like an uninterrupted run. The loops are implemented in each subclass, so the
 * per-coordinate update is never a virtual call.
 */
abstract class AdaptiveServerOptimizer extends MomentServerOptimizer {
  final double eta;
  final double beta1;
  final double beta2;
  final double tau;
  private final float initialV;

  AdaptiveServerOptimizer(double eta, double beta1, double beta2, double tau) {
    super("m", "v");
    this.eta = eta;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.tau = tau;
    double tau2 = tau * tau;
    float f = (float) tau2;
    this.initialV = f < tau2 ? Math.nextUp(f) : f;
  }

  /** Server learning rate {@code eta}. */
  public final double eta() {
    return eta;
  }

  /** First-moment decay {@code beta1}. */
  public final double beta1() {
    return beta1;
  }

  /** Adaptivity {@code tau}: the larger, the closer the step is to momentum SGD. */
  public final double tau() {
    return tau;
  }

  @Override
  final float initialValue(int k) {
    return k == 0 ? 0f : initialV;
  }

  /** Every optimizer here keeps {@code v >= 0}; a negative one would make {@code sqrt} NaN. */
  @Override
  final void checkRestored(String vectorName, float[] values) {
    if (!vectorName.equals("v")) {
      return;
    }
    for (int i = 0; i < values.length; i++) {
      if (!(values[i] >= 0)) {
        throw new IllegalArgumentException(
            name() + " state v must be >= 0. Provided value at index " + i + ": " + values[i]);
      }
    }
  }
}
