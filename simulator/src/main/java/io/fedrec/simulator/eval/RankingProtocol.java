package io.fedrec.simulator.eval;

import io.fedrec.simulator.data.DataSets;
import io.fedrec.simulator.data.RatingsData;
import io.fedrec.simulator.data.Split;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * What each user's ranking is judged on: the relevant items and the candidates they are ranked
 * among. Built once from a split (so that every round of a simulation is scored on the same
 * candidates) and read by {@link RankingEvaluator}.
 *
 * <ul>
 *   <li><b>{@code loo}</b>, leave-one-out with sampled negatives (He et al., "Neural Collaborative
 *       Filtering", WWW 2017, Section 4.1): the split comes from {@link DataSets#leaveOneOut}, so
 *       each user has at most one test item, its latest; that item is relevant whatever its
 *       rating, and is ranked among {@code numNegatives} (99 in the paper) items drawn uniformly
 *       without replacement from the items the user never interacted with (in train or test).
 *       A user with fewer such items than {@code numNegatives} gets all of them. The draw is
 *       seeded: one {@link SplittableRandom}, users in index order, so the candidates are a pure
 *       function of the split, {@code numNegatives} and the seed.
 *   <li><b>{@code full}</b>, full-catalogue ranking on a held-out split: a user's candidates are
 *       all items not in its training ratings (taken from the {@code train} given to the
 *       evaluator), and its relevant items are its test items rated at least {@code
 *       relevanceThreshold} — {@link #EXPLICIT_RELEVANCE_THRESHOLD} (4 on a 1 to 5 scale) for
 *       explicit ratings, {@link #ANY_RATING} for implicit feedback, where every test
 *       interaction is relevant.
 * </ul>
 *
 * Users with no relevant item (no test item, or none above the threshold) are not evaluated.
 *
 * <p>Immutable and thread-safe.
 */
public final class RankingProtocol {
  /** Negatives per user in the NCF protocol (He et al. 2017, Section 4.1). */
  public static final int DEFAULT_NEGATIVES = 99;

  /** The relevance threshold of explicit 1 to 5 ratings: "liked" means 4 or 5. */
  public static final float EXPLICIT_RELEVANCE_THRESHOLD = 4f;

  /** The relevance threshold that makes every test interaction relevant (implicit feedback). */
  public static final float ANY_RATING = Float.NEGATIVE_INFINITY;

  /** The protocols by their command-line name. */
  public enum Kind {
    LEAVE_ONE_OUT("loo"),
    FULL_CATALOGUE("full");

    private final String label;

    Kind(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }

    /**
     * The kind named {@code name} ({@code loo} or {@code full}, case-insensitive).
     *
     * @throws IllegalArgumentException naming the value and the valid names otherwise
     */
    public static Kind parse(String name) {
      if (name != null) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        for (Kind k : values()) {
          if (k.label.equals(n)) {
            return k;
          }
        }
      }
      throw new IllegalArgumentException(
          "protocol must be one of " + NAMES + ". Provided value: " + name);
    }
  }

  /** The valid protocol names. */
  public static final List<String> NAMES = List.of("loo", "full");

  private final Kind kind;
  private final int numUsers;
  private final int numItems;
  private final int[] relevantOffsets;
  private final int[] relevantItems;
  private final int[] candidateOffsets;
  private final int[] candidateItems;
  private final int numEvaluatedUsers;

  private RankingProtocol(
      Kind kind,
      int numUsers,
      int numItems,
      int[] relevantOffsets,
      int[] relevantItems,
      int[] candidateOffsets,
      int[] candidateItems) {
    this.kind = kind;
    this.numUsers = numUsers;
    this.numItems = numItems;
    this.relevantOffsets = relevantOffsets;
    this.relevantItems = relevantItems;
    this.candidateOffsets = candidateOffsets;
    this.candidateItems = candidateItems;
    int n = 0;
    for (int u = 0; u < numUsers; u++) {
      if (relevantOffsets[u + 1] > relevantOffsets[u]) {
        n++;
      }
    }
    this.numEvaluatedUsers = n;
  }

  /**
   * The leave-one-out protocol on a split made by {@link DataSets#leaveOneOut}.
   *
   * @throws IllegalArgumentException if a user has more than one test item, or {@code
   *     numNegatives} is outside {@code [1, 100000]}
   */
  public static RankingProtocol leaveOneOut(Split loo, int numNegatives, long seed) {
    if (numNegatives < 1 || numNegatives > 100_000) {
      throw new IllegalArgumentException(
          "numNegatives must be in [1, 100000]. Provided value: " + numNegatives);
    }
    RatingsData train = loo.train();
    RatingsData test = loo.test();
    int numUsers = loo.numUsers();
    int numItems = loo.numItems();
    int[] relOffsets = new int[numUsers + 1];
    int[] relItems = new int[test.numRatings()];
    int[] candOffsets = new int[numUsers + 1];
    // grown as needed: (numNegatives + 1) per user with a test item, fewer for heavy users
    int[] candItems = new int[(int) Math.min(1L << 20, (long) numUsers * (numNegatives + 1))];
    int cand = 0;
    boolean[] interacted = new boolean[numItems];
    int[] pool = new int[numItems];
    SplittableRandom random = new SplittableRandom(seed);
    for (int u = 0; u < numUsers; u++) {
      int nTest = test.userSize(u);
      if (nTest > 1) {
        throw new IllegalArgumentException(
            "leave-one-out needs at most one test item per user (use DataSets.leaveOneOut);"
                + " user " + u + " has " + nTest);
      }
      relOffsets[u + 1] = relOffsets[u] + nTest;
      if (nTest == 0) {
        candOffsets[u + 1] = cand;
        continue;
      }
      int heldOut = test.item(u, 0);
      relItems[relOffsets[u]] = heldOut;
      int nTrain = train.userSize(u);
      for (int j = 0; j < nTrain; j++) {
        interacted[train.item(u, j)] = true;
      }
      // train items are distinct within a user; the held-out one is normally not among them
      int touched = nTrain + (interacted[heldOut] ? 0 : 1);
      interacted[heldOut] = true;
      int available = numItems - touched;
      int take = Math.min(numNegatives, available);
      if (cand + 1 + take > candItems.length) {
        candItems = Arrays.copyOf(candItems, Math.max(candItems.length * 2, cand + 1 + take));
      }
      candItems[cand++] = heldOut;
      if (take == available) {
        // every item the user never touched, in id order
        for (int i = 0; i < numItems; i++) {
          if (!interacted[i]) {
            candItems[cand++] = i;
          }
        }
      } else if (2L * take <= available) {
        // rejection: at least half of the draws are accepted, so this stops quickly
        for (int t = 0; t < take; ) {
          int i = random.nextInt(numItems);
          if (!interacted[i]) {
            interacted[i] = true;
            candItems[cand++] = i;
            t++;
          }
        }
        for (int x = cand - take; x < cand; x++) {
          interacted[candItems[x]] = false;
        }
      } else {
        // a dense request: partial Fisher-Yates over the list of allowed items
        int m = 0;
        for (int i = 0; i < numItems; i++) {
          if (!interacted[i]) {
            pool[m++] = i;
          }
        }
        for (int t = 0; t < take; t++) {
          int pick = t + random.nextInt(m - t);
          int swap = pool[t];
          pool[t] = pool[pick];
          pool[pick] = swap;
          candItems[cand++] = pool[t];
        }
      }
      for (int j = 0; j < nTrain; j++) {
        interacted[train.item(u, j)] = false;
      }
      interacted[heldOut] = false;
      candOffsets[u + 1] = cand;
    }
    return new RankingProtocol(
        Kind.LEAVE_ONE_OUT,
        numUsers,
        numItems,
        relOffsets,
        relItems,
        candOffsets,
        Arrays.copyOf(candItems, cand));
  }

  /**
   * Full-catalogue ranking: relevant items are the test items rated at least {@code
   * relevanceThreshold}.
   *
   * @throws IllegalArgumentException if the threshold is NaN
   */
  public static RankingProtocol fullCatalogue(Split split, float relevanceThreshold) {
    if (Float.isNaN(relevanceThreshold)) {
      throw new IllegalArgumentException("relevanceThreshold must not be NaN");
    }
    RatingsData test = split.test();
    int numUsers = split.numUsers();
    int[] relOffsets = new int[numUsers + 1];
    int[] relItems = new int[test.numRatings()];
    int n = 0;
    for (int u = 0; u < numUsers; u++) {
      int from = n;
      for (int j = 0; j < test.userSize(u); j++) {
        if (test.rating(u, j) >= relevanceThreshold) {
          relItems[n++] = test.item(u, j);
        }
      }
      Arrays.sort(relItems, from, n);
      relOffsets[u + 1] = n;
    }
    return new RankingProtocol(
        Kind.FULL_CATALOGUE,
        numUsers,
        split.numItems(),
        relOffsets,
        Arrays.copyOf(relItems, n),
        null,
        null);
  }

  public Kind kind() {
    return kind;
  }

  public int numUsers() {
    return numUsers;
  }

  public int numItems() {
    return numItems;
  }

  /** Users with at least one relevant item: the users every accuracy metric averages over. */
  public int numEvaluatedUsers() {
    return numEvaluatedUsers;
  }

  /** Number of relevant items of user {@code u}. */
  public int numRelevant(int u) {
    checkUser(u);
    return relevantOffsets[u + 1] - relevantOffsets[u];
  }

  /** User {@code u}'s relevant items (a copy; ascending for {@code full}). */
  public int[] relevant(int u) {
    checkUser(u);
    return Arrays.copyOfRange(relevantItems, relevantOffsets[u], relevantOffsets[u + 1]);
  }

  /**
   * User {@code u}'s candidates for {@code loo} (a copy: the held-out item, then the negatives in
   * draw order), or null for {@code full}, whose candidates are the items not in the user's
   * training ratings.
   */
  public int[] candidates(int u) {
    checkUser(u);
    if (candidateOffsets == null) {
      return null;
    }
    return Arrays.copyOfRange(candidateItems, candidateOffsets[u], candidateOffsets[u + 1]);
  }

  /** Whether the candidates are given per user ({@code loo}) rather than the whole catalogue. */
  boolean hasCandidates() {
    return candidateOffsets != null;
  }

  int candidateFrom(int u) {
    return candidateOffsets[u];
  }

  int candidateTo(int u) {
    return candidateOffsets[u + 1];
  }

  int candidateItem(int x) {
    return candidateItems[x];
  }

  int relevantFrom(int u) {
    return relevantOffsets[u];
  }

  int relevantTo(int u) {
    return relevantOffsets[u + 1];
  }

  int relevantItem(int x) {
    return relevantItems[x];
  }

  private void checkUser(int u) {
    if (u < 0 || u >= numUsers) {
      throw new IndexOutOfBoundsException(
          "user must be in [0, " + numUsers + "). Provided value: " + u);
    }
  }

  @Override
  public String toString() {
    return "RankingProtocol{" + kind.label + ", users=" + numUsers + ", evaluated="
        + numEvaluatedUsers + ", items=" + numItems + "}";
  }
}
