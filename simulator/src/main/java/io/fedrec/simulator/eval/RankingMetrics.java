package io.fedrec.simulator.eval;

import java.util.Arrays;

/**
 * Top-K accuracy metrics of one user's ranked list with binary relevance, and the ranking rule
 * that produces the list. {@link RankingEvaluator} averages them over users.
 *
 * <h2>Input</h2>
 *
 * A list is given by {@code hits}: {@code hits[r]} says whether the item at 0-based rank {@code
 * r} is relevant; the list length is {@code n = hits.length}. {@code numRelevant} ({@code R}) is
 * the number of relevant items of the user, which may exceed the hits in the list (a relevant
 * item that was not a candidate counts as missed). The cutoff is {@code c = min(K, n)}.
 *
 * <h2>Definitions</h2>
 *
 * With {@code rank = r + 1} (1-based) and {@code H} the number of hits among the top {@code c}:
 *
 * <ul>
 *   <li>{@code HR@K} (hit ratio, He et al., "Neural Collaborative Filtering", WWW 2017, Section
 *       4.1): 1 if {@code H > 0}, else 0. With one relevant item (leave-one-out) it is the
 *       fraction of users whose held-out item is in the top K.
 *   <li>{@code Precision@K} = {@code H / K}. When {@code K > n} the empty slots count as misses:
 *       the denominator stays K, so a list too short to fill K slots cannot score better.
 *   <li>{@code Recall@K} = {@code H / R}.
 *   <li>{@code NDCG@K} = {@code DCG / IDCG} with {@code DCG = sum over hits at rank <= c of
 *       1 / log2(rank + 1)} and {@code IDCG} the same sum over ranks {@code 1 .. min(R, K)}, the
 *       best list possible (Jarvelin and Kekalainen, ACM TOIS 20(4), 2002, binary gains).
 *   <li>{@code MAP@K}: the user's average precision {@code AP@K = (1 / min(R, K)) * sum over hits
 *       at rank <= c of (hits at ranks <= rank) / rank}; dividing by {@code min(R, K)} rather than
 *       {@code R} makes a perfect top-K list score 1 even when {@code R > K}.
 *   <li>{@code MRR} (and {@code MRR@K}): {@code 1 / rank} of the first hit (within the top
 *       {@code c} for {@code MRR@K}, anywhere for {@code MRR}), 0 if there is none.
 * </ul>
 *
 * Every metric is NaN when {@code R = 0}: a user with nothing relevant is not evaluated rather
 * than counted as a miss.
 *
 * <h2>Ties</h2>
 *
 * Scores are ordered from high to low. Among equal scores the rule is <b>pessimistic</b>
 * ({@link #hits(int[], float[], int[])}): every irrelevant item is placed before every relevant
 * one, so ties never help a model — a ranker that gives all candidates the same score gets HR@K
 * = 0 under leave-one-out, not the 10% of a random guess. Remaining ties (same score, same
 * relevance) are broken by lower item id first. NaN scores rank after every number (as if below
 * {@code -Infinity}) and {@code -0.0} equals {@code 0.0}. The list a user would be shown ({@link
 * #order}), which the beyond-accuracy metrics use, cannot depend on relevance: it breaks all ties
 * by lower item id first.
 *
 * <p>Thread-safe (stateless).
 */
public final class RankingMetrics {
  private static final double LN2 = Math.log(2);

  private RankingMetrics() {}

  /** {@code HR@K}: 1 if a relevant item is among the top {@code min(k, n)}, else 0. */
  public static double hitRate(boolean[] hits, int numRelevant, int k) {
    int c = check(hits, numRelevant, k);
    if (numRelevant == 0) {
      return Double.NaN;
    }
    for (int r = 0; r < c; r++) {
      if (hits[r]) {
        return 1;
      }
    }
    return 0;
  }

  /** {@code Precision@K}: hits in the top {@code min(k, n)}, divided by {@code k}. */
  public static double precision(boolean[] hits, int numRelevant, int k) {
    int c = check(hits, numRelevant, k);
    return numRelevant == 0 ? Double.NaN : (double) countHits(hits, c) / k;
  }

  /** {@code Recall@K}: hits in the top {@code min(k, n)}, divided by {@code numRelevant}. */
  public static double recall(boolean[] hits, int numRelevant, int k) {
    int c = check(hits, numRelevant, k);
    return numRelevant == 0 ? Double.NaN : (double) countHits(hits, c) / numRelevant;
  }

  /** {@code NDCG@K} with binary gains and the ideal list of {@code min(numRelevant, k)} hits. */
  public static double ndcg(boolean[] hits, int numRelevant, int k) {
    int c = check(hits, numRelevant, k);
    if (numRelevant == 0) {
      return Double.NaN;
    }
    double dcg = 0;
    for (int r = 0; r < c; r++) {
      if (hits[r]) {
        dcg += discount(r + 1);
      }
    }
    double idcg = 0;
    int ideal = Math.min(numRelevant, k);
    for (int rank = 1; rank <= ideal; rank++) {
      idcg += discount(rank);
    }
    return dcg / idcg;
  }

  /** {@code AP@K}, normalised by {@code min(numRelevant, k)}; its mean over users is MAP@K. */
  public static double averagePrecision(boolean[] hits, int numRelevant, int k) {
    int c = check(hits, numRelevant, k);
    if (numRelevant == 0) {
      return Double.NaN;
    }
    double sum = 0;
    int found = 0;
    for (int r = 0; r < c; r++) {
      if (hits[r]) {
        found++;
        sum += (double) found / (r + 1);
      }
    }
    return sum / Math.min(numRelevant, k);
  }

  /**
   * Reciprocal rank of the first hit within the top {@code min(k, n)}, 0 if none; {@code k =
   * MetricSpec.NO_CUTOFF} looks at the whole list.
   */
  public static double reciprocalRank(boolean[] hits, int numRelevant, int k) {
    int c = check(hits, numRelevant, k == MetricSpec.NO_CUTOFF ? Math.max(1, hits.length) : k);
    if (numRelevant == 0) {
      return Double.NaN;
    }
    for (int r = 0; r < c; r++) {
      if (hits[r]) {
        return 1.0 / (r + 1);
      }
    }
    return 0;
  }

  /** The accuracy metric {@code spec} of one list. */
  public static double value(MetricSpec spec, boolean[] hits, int numRelevant) {
    switch (spec.kind()) {
      case HR:
        return hitRate(hits, numRelevant, spec.k());
      case NDCG:
        return ndcg(hits, numRelevant, spec.k());
      case PRECISION:
        return precision(hits, numRelevant, spec.k());
      case RECALL:
        return recall(hits, numRelevant, spec.k());
      case MAP:
        return averagePrecision(hits, numRelevant, spec.k());
      case MRR:
        return reciprocalRank(hits, numRelevant, spec.k());
      default:
        throw new IllegalArgumentException(
            "metric must be an accuracy metric (hr, ndcg, precision, recall, map, mrr)."
                + " Provided value: " + spec.key());
    }
  }

  /**
   * Ranks candidates by the pessimistic rule (see the class comment) and returns which ranks
   * hold relevant items.
   *
   * @param items the candidate item ids (distinct, {@code >= 0})
   * @param scores {@code scores[j]} is the score of {@code items[j]}
   * @param relevantItems the user's relevant items; those not among the candidates are ignored
   *     here (pass {@code relevantItems.length} as {@code numRelevant} to count them as missed)
   */
  public static boolean[] hits(int[] items, float[] scores, int[] relevantItems) {
    checkCandidates(items, scores);
    int[] relevant = relevantItems.clone();
    Arrays.sort(relevant);
    long[] keys = new long[items.length];
    for (int j = 0; j < items.length; j++) {
      keys[j] = key(scores[j], Arrays.binarySearch(relevant, items[j]) >= 0, items[j]);
    }
    Arrays.sort(keys);
    boolean[] hits = new boolean[items.length];
    for (int r = 0; r < keys.length; r++) {
      hits[r] = isRelevantKey(keys[r]);
    }
    return hits;
  }

  /**
   * The candidates in the order a user would see them: score from high to low, ties by lower
   * item id first, NaN last.
   */
  public static int[] order(int[] items, float[] scores) {
    checkCandidates(items, scores);
    long[] keys = new long[items.length];
    for (int j = 0; j < items.length; j++) {
      keys[j] = key(scores[j], false, items[j]);
    }
    Arrays.sort(keys);
    int[] out = new int[items.length];
    for (int r = 0; r < keys.length; r++) {
      out[r] = itemOfKey(keys[r]);
    }
    return out;
  }

  /**
   * A sort key whose ascending order is the ranking: the high 32 bits order scores from high to
   * low, bit 31 puts irrelevant (0) before relevant (1), the low 31 bits the item id ascending.
   *
   * <p>A float's raw bits, read as a signed int, sort like the float for non-negative values
   * and in reverse for negative ones; flipping the 31 magnitude bits of negatives makes the
   * order monotone over all floats ({@code s}). Complementing ({@code ~s = -s - 1}) reverses it
   * without overflow. NaN maps to the largest high half, so after everything.
   */
  static long key(float score, boolean relevant, int item) {
    int high;
    if (Float.isNaN(score)) {
      high = Integer.MAX_VALUE;
    } else {
      int bits = Float.floatToIntBits(score == 0f ? 0f : score);
      int sortable = bits ^ ((bits >> 31) & 0x7fffffff);
      high = ~sortable;
    }
    long low = (relevant ? 1L << 31 : 0L) | item;
    return ((long) high << 32) | low;
  }

  static boolean isRelevantKey(long key) {
    return (key & (1L << 31)) != 0;
  }

  static int itemOfKey(long key) {
    return (int) (key & 0x7fffffffL);
  }

  /** {@code 1 / log2(rank + 1)}. */
  private static double discount(int rank) {
    return LN2 / Math.log(rank + 1.0);
  }

  private static int countHits(boolean[] hits, int c) {
    int h = 0;
    for (int r = 0; r < c; r++) {
      if (hits[r]) {
        h++;
      }
    }
    return h;
  }

  /** Validates the arguments and returns the cutoff {@code min(k, n)}. */
  private static int check(boolean[] hits, int numRelevant, int k) {
    if (k < 1) {
      throw new IllegalArgumentException("k must be >= 1. Provided value: " + k);
    }
    int c = Math.min(k, hits.length);
    int inList = countHits(hits, hits.length);
    if (numRelevant < inList) {
      throw new IllegalArgumentException(
          "numRelevant must be >= the " + inList + " relevant items in the list. Provided value: "
              + numRelevant);
    }
    return c;
  }

  private static void checkCandidates(int[] items, float[] scores) {
    if (items.length != scores.length) {
      throw new IllegalArgumentException(
          "items and scores must have the same length. Provided values: " + items.length
              + " and " + scores.length);
    }
    for (int item : items) {
      if (item < 0) {
        throw new IllegalArgumentException("item ids must be >= 0. Provided value: " + item);
      }
    }
  }
}
