package io.fedrec.simulator.baseline;

import io.fedrec.core.model.GlobalModel;
import io.fedrec.core.model.ModelShape;
import io.fedrec.core.model.UserRatings;
import io.fedrec.simulator.eval.Ranker;

/**
 * A {@link Ranker} over factors a centralized model learned for every user itself (SGD-MF, BPR,
 * the bias baseline), not reconstructed from the user's ratings as {@link Ranker#of} does: item
 * {@code i} scores {@code b_i + p_u . q_i} ({@code mu} and {@code b_u} do not change a user's
 * order; no clamping, which would create ties). Intra-list diversity is measured in {@code Q}
 * (none at rank 0). Package-private; immutable and thread-safe as long as the fitted arrays it
 * wraps are not changed.
 */
final class FactorRanker implements Ranker {
  private final int rank;
  private final double[] userFactors;
  private final double[] itemFactors;
  private final double[] itemBias;
  private final GlobalModel itemSpace;

  /**
   * @param rank latent dimension k (0: scores are the item biases alone)
   * @param userFactors {@code P}, row-major {@code numUsers x k}
   * @param itemFactors {@code Q}, row-major {@code numItems x k}
   * @param itemBias {@code b_i}
   * @param mu the global offset stored in {@link #itemSpace()}
   */
  FactorRanker(
      int rank, double[] userFactors, double[] itemFactors, double[] itemBias, double mu) {
    this.rank = rank;
    this.userFactors = userFactors;
    this.itemFactors = itemFactors;
    this.itemBias = itemBias;
    this.itemSpace = rank == 0 ? null : toGlobalModel(rank, itemFactors, itemBias, mu);
  }

  /** {@code Q}, the item biases and {@code mu} in the core layout, at version 0. */
  static GlobalModel toGlobalModel(int rank, double[] itemFactors, double[] itemBias, double mu) {
    ModelShape shape = new ModelShape(itemBias.length, rank);
    float[] flat = new float[shape.numParameters()];
    for (int i = 0; i < itemBias.length; i++) {
      int off = shape.factorOffset(i);
      for (int f = 0; f < rank; f++) {
        flat[off + f] = (float) itemFactors[i * rank + f];
      }
      flat[shape.biasOffset(i)] = (float) itemBias[i];
    }
    flat[shape.muOffset()] = (float) mu;
    return GlobalModel.of(0, shape, flat);
  }

  @Override
  public int numItems() {
    return itemBias.length;
  }

  @Override
  public GlobalModel itemSpace() {
    return itemSpace;
  }

  @Override
  public Scorer newScorer() {
    return (int user, UserRatings train, float[] scores) -> {
      int pu = user * rank;
      for (int i = 0; i < scores.length; i++) {
        double s = itemBias[i];
        int qi = i * rank;
        for (int f = 0; f < rank; f++) {
          s += userFactors[pu + f] * itemFactors[qi + f];
        }
        scores[i] = (float) s;
      }
    };
  }
}
