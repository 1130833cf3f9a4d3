package io.fedrec.core.aggregate;

import io.fedrec.core.model.Checks;
import io.fedrec.core.model.GlobalModel;

/**
 * FedAvg with a server learning rate: {@code theta <- theta + serverLearningRate * meanUpdate}
 * (McMahan et al. 2017; the server-lr form of Reddi et al. 2021, Algorithm 1 with SGD). The
 * client update is {@code local - global}, so a rate of 1 is plain model averaging. Stateless.
 */
public final class FedAvg implements ServerOptimizer {
  private final float serverLearningRate;

  public FedAvg(double serverLearningRate) {
    this.serverLearningRate =
        (float) Checks.finiteInRange("serverLearningRate", serverLearningRate, 1e-6, 1e6);
  }

  public float serverLearningRate() {
    return serverLearningRate;
  }

  @Override
  public GlobalModel apply(GlobalModel current, AggregateResult aggregate) {
    return current.plusScaled(aggregate.meanUpdate(), serverLearningRate);
  }

  @Override
  public String name() {
    return "fedavg";
  }
}
