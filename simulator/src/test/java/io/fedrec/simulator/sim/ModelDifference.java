package io.fedrec.simulator.sim;

import io.fedrec.core.model.GlobalModel;

/** How far apart two runs' published models are. */
final class ModelDifference {
  private ModelDifference() {}

  /** The largest absolute difference between the two models' parameters. */
  static double max(GlobalModel a, GlobalModel b) {
    float[] x = a.parameters();
    float[] y = b.parameters();
    if (x.length != y.length) {
      throw new IllegalArgumentException("models of " + x.length + " and " + y.length
          + " parameters");
    }
    double max = 0;
    for (int i = 0; i < x.length; i++) {
      max = Math.max(max, Math.abs(x[i] - y[i]));
    }
    return max;
  }
}
