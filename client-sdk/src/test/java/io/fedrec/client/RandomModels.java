package io.fedrec.client;

import io.fedrec.core.model.GlobalModel;
import io.fedrec.core.model.ModelShape;
import io.fedrec.core.model.UserState;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Seeded random models and users, uniform in [-1, 1), for scoring tests (here and in backends). */
public final class RandomModels {
  private RandomModels() {}

  /** Every parameter (factors, biases, mean) uniform in [-1, 1). */
  public static GlobalModel model(ModelShape shape, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] params = new float[shape.numParameters()];
    for (int i = 0; i < params.length; i++) {
      params[i] = (float) (random.nextDouble() * 2 - 1);
    }
    return GlobalModel.of(1, shape, params);
  }

  /** {@code count} users with factors and bias uniform in [-1, 1). */
  public static List<UserState> users(int count, int rank, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<UserState> users = new ArrayList<>();
    for (int u = 0; u < count; u++) {
      float[] p = new float[rank];
      for (int f = 0; f < rank; f++) {
        p[f] = (float) (random.nextDouble() * 2 - 1);
      }
      users.add(new UserState(p, (float) (random.nextDouble() * 2 - 1)));
    }
    return users;
  }
}
