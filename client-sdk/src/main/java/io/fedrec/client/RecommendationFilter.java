package io.fedrec.client;

import java.util.Arrays;

/**
 * Which items a recommendation may return: by default every item of the catalogue the user has
 * not rated. {@link Builder#exclude} removes more (e.g. out of stock, already shown), {@link
 * Builder#candidates} restricts to a subset (e.g. a category page), and {@link
 * Builder#includeSeen} lets rated items back in (re-purchase, re-watch). Immutable and
 * thread-safe.
 */
public final class RecommendationFilter {
  /** Every unseen item: what {@link FederatedClient#recommend(String, int)} uses. */
  public static final RecommendationFilter DEFAULT = builder().build();

  private final boolean excludeSeen;
  private final int[] excluded;
  private final int[] candidates;

  private RecommendationFilter(Builder b) {
    this.excludeSeen = b.excludeSeen;
    this.excluded = b.excluded;
    this.candidates = b.candidates;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** True unless {@link Builder#includeSeen} was set. */
  public boolean excludeSeen() {
    return excludeSeen;
  }

  /** Items never returned (sorted, distinct; empty by default). */
  public int[] excluded() {
    return excluded.clone();
  }

  /** The only items that may be returned (sorted, distinct), or null for the whole catalogue. */
  public int[] candidates() {
    return candidates == null ? null : candidates.clone();
  }

  /**
   * Marks which of {@code numItems} items may be returned, before the user's seen items are
   * removed.
   *
   * @throws IllegalArgumentException if an item id is outside {@code [0, numItems)}
   */
  boolean[] allowed(int numItems) {
    boolean[] ok = new boolean[numItems];
    if (candidates == null) {
      Arrays.fill(ok, true);
    } else {
      for (int i : candidates) {
        check("candidates", i, numItems);
        ok[i] = true;
      }
    }
    for (int i : excluded) {
      check("exclude", i, numItems);
      ok[i] = false;
    }
    return ok;
  }

  private static void check(String what, int item, int numItems) {
    if (item < 0 || item >= numItems) {
      throw new IllegalArgumentException(what + " item ids must be in [0, " + numItems
          + "). Provided value: " + item);
    }
  }

  @Override
  public String toString() {
    return "RecommendationFilter{excludeSeen=" + excludeSeen + ", excluded=" + excluded.length
        + " items, candidates=" + (candidates == null ? "all" : candidates.length + " items")
        + "}";
  }

  /** Builder. */
  public static final class Builder {
    private boolean excludeSeen = true;
    private int[] excluded = new int[0];
    private int[] candidates;

    private Builder() {}

    /** Lets items the user rated be recommended again. */
    public Builder includeSeen() {
      this.excludeSeen = false;
      return this;
    }

    /** Items never to return. */
    public Builder exclude(int... items) {
      this.excluded = distinctSorted(items);
      return this;
    }

    /** The only items that may be returned. */
    public Builder candidates(int... items) {
      this.candidates = distinctSorted(items);
      return this;
    }

    public RecommendationFilter build() {
      return new RecommendationFilter(this);
    }

    private static int[] distinctSorted(int[] items) {
      if (items == null) {
        throw new IllegalArgumentException("items must not be null");
      }
      return Arrays.stream(items).distinct().sorted().toArray();
    }
  }
}
