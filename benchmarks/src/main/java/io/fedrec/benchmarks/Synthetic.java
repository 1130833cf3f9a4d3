package io.fedrec.benchmarks;

import io.fedrec.core.model.UserRatings;
import java.util.SplittableRandom;

/** Seeded synthetic inputs shared by the benchmarks. */
final class Synthetic {
  private Synthetic() {}

  /**
   * {@code count} users with exactly {@code ratings} distinct items each, uniform over {@code
   * [0, numItems)} (partial Fisher-Yates over the catalogue), with ratings uniform in {1..5}.
   */
  static UserRatings[] uniformUsers(int count, int ratings, int numItems, long seed) {
    if (ratings > numItems) {
      throw new IllegalArgumentException(
          "ratings must be <= numItems " + numItems + ". Provided value: " + ratings);
    }
    SplittableRandom random = new SplittableRandom(seed);
    int[] perm = new int[numItems];
    for (int i = 0; i < numItems; i++) {
      perm[i] = i;
    }
    UserRatings[] out = new UserRatings[count];
    for (int u = 0; u < count; u++) {
      int[] items = new int[ratings];
      float[] values = new float[ratings];
      for (int j = 0; j < ratings; j++) {
        int pick = j + random.nextInt(numItems - j);
        int t = perm[j];
        perm[j] = perm[pick];
        perm[pick] = t;
        items[j] = perm[j];
        values[j] = 1 + random.nextInt(5);
      }
      out[u] = UserRatings.of(items, values);
    }
    return out;
  }

  /** A dense update of {@code dimension} values in {@code [-scale, scale)}. */
  static float[] update(int dimension, float scale, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] u = new float[dimension];
    for (int i = 0; i < dimension; i++) {
      u[i] = (float) ((random.nextDouble() * 2 - 1) * scale);
    }
    return u;
  }
}
