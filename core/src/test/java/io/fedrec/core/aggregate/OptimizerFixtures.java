package io.fedrec.core.aggregate;

import io.fedrec.core.model.GlobalModel;
import io.fedrec.core.model.ModelShape;
import java.util.Map;
import java.util.SplittableRandom;

/** Small models and updates for the server optimizer tests. */
final class OptimizerFixtures {
  /** Three parameters: {@code Q[0][0]}, {@code b[0]}, {@code mu}. */
  static final ModelShape TINY = new ModelShape(1, 1);

  /** 4 items x rank 3 + 4 biases + mu = 17 parameters. */
  static final ModelShape SMALL = new ModelShape(4, 3);

  private OptimizerFixtures() {}

  /** The model of version 0 with exactly {@code params} (length 3). */
  static GlobalModel tiny(float... params) {
    return GlobalModel.of(0, TINY, params);
  }

  static AggregateResult update(float... meanUpdate) {
    return new AggregateResult(meanUpdate, 1, 1, Map.of());
  }

  /** Gaussian values of standard deviation {@code scale}, from a fixed seed. */
  static float[] gaussian(SplittableRandom random, int n, double scale) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      double u1 = random.nextDouble();
      double u2 = random.nextDouble();
      v[i] = (float) (Math.sqrt(-2 * Math.log1p(-u1)) * Math.cos(2 * Math.PI * u2) * scale);
    }
    return v;
  }

  static GlobalModel smallModel(long seed) {
    return GlobalModel.of(0, SMALL, gaussian(new SplittableRandom(seed), SMALL.numParameters(), 1));
  }

  /** {@code rounds} mean updates for {@link #SMALL}, from a fixed seed. */
  static AggregateResult[] smallUpdates(long seed, int rounds) {
    SplittableRandom random = new SplittableRandom(seed);
    AggregateResult[] out = new AggregateResult[rounds];
    for (int r = 0; r < rounds; r++) {
      out[r] = update(gaussian(random, SMALL.numParameters(), 0.1));
    }
    return out;
  }
}
