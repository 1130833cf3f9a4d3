package io.fedrec.simulator.eval;

import io.fedrec.core.model.GlobalModel;
import io.fedrec.simulator.data.RatingsData;

/**
 * The most-popular baseline ("ItemPop" in He et al., "Neural Collaborative Filtering", WWW 2017,
 * Section 4.1): every user gets the same ranking, items by their number of training
 * interactions (any rating value), most first. Evaluated through {@link RankingEvaluator} like
 * any model, so its numbers come out of the same protocol code; under the pessimistic tie rule of
 * {@link RankingMetrics}, a relevant item tied in count with irrelevant ones ranks after them.
 *
 * <p>It has no item vectors of its own: {@link #withItemSpace} borrows a model's for intra-list
 * diversity (NaN without one). Immutable and thread-safe.
 */
public final class PopularityRanker implements Ranker {
  private final int[] counts;
  private final GlobalModel itemSpace;

  private PopularityRanker(int[] counts, GlobalModel itemSpace) {
    this.counts = counts;
    this.itemSpace = itemSpace;
  }

  /** Counts each item's training interactions in {@code train}. */
  public static PopularityRanker fit(RatingsData train) {
    return new PopularityRanker(train.itemCounts(), null);
  }

  /**
   * The same ranker, measuring intra-list diversity in {@code space}'s item factors.
   *
   * @throws IllegalArgumentException if {@code space} has fewer items than the counts
   */
  public PopularityRanker withItemSpace(GlobalModel space) {
    if (space != null && space.numItems() < counts.length) {
      throw new IllegalArgumentException(
          "item space must have at least " + counts.length + " items. Provided value: "
              + space.numItems());
    }
    return new PopularityRanker(counts, space);
  }

  /** The number of training interactions of {@code item}. */
  public int popularity(int item) {
    return counts[item];
  }

  @Override
  public int numItems() {
    return counts.length;
  }

  @Override
  public GlobalModel itemSpace() {
    return itemSpace;
  }

  @Override
  public Scorer newScorer() {
    return (user, train, scores) -> {
      for (int i = 0; i < scores.length; i++) {
        scores[i] = counts[i];
      }
    };
  }
}
