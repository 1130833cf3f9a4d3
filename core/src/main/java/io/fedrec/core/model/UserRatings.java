package io.fedrec.core.model;

/**
 * One user's ratings, as parallel primitive arrays: {@code items[j]} was rated {@code ratings[j]}.
 * Item ids index the federation's catalogue ({@code 0 .. numItems - 1}) and are distinct: a user
 * has at most one rating per item (local training and per-user clipping rely on it: two ratings of
 * one item would share a row, and the clipping norm is computed per rating).
 *
 * <p>Immutable after construction as long as callers do not keep the arrays they passed in
 * ({@link #of} copies; {@link #wrap} does not, for the simulator's shared arrays).
 */
public final class UserRatings {
  private final int[] items;
  private final float[] ratings;
  private final int from;
  private final int to;

  private UserRatings(int[] items, float[] ratings, int from, int to) {
    this.items = items;
    this.ratings = ratings;
    this.from = from;
    this.to = to;
  }

  public static UserRatings of(int[] items, float[] ratings) {
    if (items.length != ratings.length) {
      throw new IllegalArgumentException(
          "items and ratings must have the same length. Provided values: "
              + items.length + " and " + ratings.length);
    }
    for (int j = 0; j < ratings.length; j++) {
      if (!Float.isFinite(ratings[j])) {
        throw new IllegalArgumentException("ratings must be finite. Provided value: " + ratings[j]);
      }
      if (items[j] < 0) {
        throw new IllegalArgumentException("item ids must be >= 0. Provided value: " + items[j]);
      }
    }
    int[] sorted = items.clone();
    java.util.Arrays.sort(sorted);
    for (int j = 1; j < sorted.length; j++) {
      if (sorted[j] == sorted[j - 1]) {
        throw new IllegalArgumentException(
            "item ids must be distinct (one rating per item). Duplicate item id: " + sorted[j]);
      }
    }
    return new UserRatings(items.clone(), ratings.clone(), 0, items.length);
  }

  /**
   * A view of {@code [from, to)} of shared arrays, not copied and not checked: callers promise not
   * to mutate them and that the item ids in the range are distinct (the simulator's loaders
   * reject duplicate ratings).
   */
  public static UserRatings wrap(int[] items, float[] ratings, int from, int to) {
    if (from < 0 || to < from || to > items.length || items.length != ratings.length) {
      throw new IllegalArgumentException("bad range [" + from + ", " + to + ") for " + items.length);
    }
    return new UserRatings(items, ratings, from, to);
  }

  public int size() {
    return to - from;
  }

  public int item(int j) {
    return items[from + j];
  }

  public float rating(int j) {
    return ratings[from + j];
  }

  /** Largest item id, or -1 when empty. */
  public int maxItem() {
    int m = -1;
    for (int j = from; j < to; j++) {
      m = Math.max(m, items[j]);
    }
    return m;
  }
}
