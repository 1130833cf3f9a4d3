package io.fedrec.simulator.eval;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One requested ranking metric and its cutoff, as written on the command line: {@code hr@10},
 * {@code ndcg@10}, {@code precision@5}, {@code recall@20}, {@code map@10}, {@code mrr} (or {@code
 * mrr@K}), {@code coverage@10}, {@code diversity@10}, {@code popularity@10}. The definitions are
 * in {@link RankingMetrics} (accuracy) and {@link RankingEvaluator} (beyond accuracy).
 *
 * @param kind which metric
 * @param k the cutoff K in {@code [1, MAX_K]}, or {@link #NO_CUTOFF} ({@code mrr} only: the
 *     reciprocal rank of the first relevant item wherever it is in the list)
 */
public record MetricSpec(Kind kind, int k) {
  /** Largest accepted cutoff: a top-1000 list is already longer than any screen of items. */
  public static final int MAX_K = 1000;

  /** The cutoff of {@code mrr} written without {@code @K}. */
  public static final int NO_CUTOFF = 0;

  /** The metrics by the name used on the command line and as result keys. */
  public enum Kind {
    HR("hr", true),
    NDCG("ndcg", true),
    PRECISION("precision", true),
    RECALL("recall", true),
    MAP("map", true),
    MRR("mrr", true),
    COVERAGE("coverage", false),
    DIVERSITY("diversity", false),
    POPULARITY("popularity", false);

    private final String label;
    private final boolean accuracy;

    Kind(String label, boolean accuracy) {
      this.label = label;
      this.accuracy = accuracy;
    }

    /** The name on the command line, e.g. {@code ndcg}. */
    public String label() {
      return label;
    }

    /** Whether the metric compares the list with the user's relevant items. */
    public boolean isAccuracy() {
      return accuracy;
    }
  }

  /** The accepted forms, in the order error messages list them. */
  public static final String VALID =
      "hr@K, ndcg@K, precision@K, recall@K, map@K, mrr, mrr@K, coverage@K, diversity@K,"
          + " popularity@K (K in [1, " + MAX_K + "])";

  public MetricSpec {
    if (kind == null) {
      throw new IllegalArgumentException("kind must not be null");
    }
    boolean cutoffOptional = kind == Kind.MRR;
    if (!(k >= 1 && k <= MAX_K) && !(cutoffOptional && k == NO_CUTOFF)) {
      throw new IllegalArgumentException(
          "k of " + kind.label + " must be in [1, " + MAX_K + "]"
              + (cutoffOptional ? " or " + NO_CUTOFF + " (no cutoff)" : "")
              + ". Provided value: " + k);
    }
  }

  /** {@code new MetricSpec(kind, k)}. */
  public static MetricSpec of(Kind kind, int k) {
    return new MetricSpec(kind, k);
  }

  /** The result key: {@code "hr@10"}, {@code "mrr"}. */
  public String key() {
    return k == NO_CUTOFF ? kind.label : kind.label + "@" + k;
  }

  /** The length of the list this metric looks at: K, or the whole list for {@code mrr}. */
  int cutoff(int listLength) {
    return k == NO_CUTOFF ? listLength : Math.min(k, listLength);
  }

  @Override
  public String toString() {
    return key();
  }

  /**
   * Parses one token such as {@code "ndcg@10"} (case-insensitive, surrounding blanks ignored).
   *
   * @throws IllegalArgumentException naming the token and listing the valid forms if the name is
   *     unknown, the cutoff is missing (except for {@code mrr}), not an integer, or outside
   *     {@code [1, MAX_K]}
   */
  public static MetricSpec parse(String token) {
    if (token == null) {
      throw new IllegalArgumentException("metric must not be null; valid metrics: " + VALID);
    }
    String t = token.trim().toLowerCase(Locale.ROOT);
    int at = t.indexOf('@');
    String name = at < 0 ? t : t.substring(0, at).trim();
    Kind kind = null;
    for (Kind candidate : Kind.values()) {
      if (candidate.label.equals(name)) {
        kind = candidate;
      }
    }
    if (kind == null) {
      throw new IllegalArgumentException(
          "unknown metric '" + token.trim() + "'; valid metrics: " + VALID);
    }
    if (at < 0) {
      if (kind != Kind.MRR) {
        throw new IllegalArgumentException(
            "metric '" + token.trim() + "' needs a cutoff, e.g. " + kind.label
                + "@10; valid metrics: " + VALID);
      }
      return new MetricSpec(kind, NO_CUTOFF);
    }
    String digits = t.substring(at + 1).trim();
    int k;
    // at most 4 digits: anything longer is out of range, and this keeps parseInt from overflowing
    if (!digits.matches("[0-9]{1,4}")) {
      throw new IllegalArgumentException(
          "metric '" + token.trim() + "': K must be an integer in [1, " + MAX_K
              + "]; valid metrics: " + VALID);
    }
    k = Integer.parseInt(digits);
    if (k < 1 || k > MAX_K) {
      throw new IllegalArgumentException(
          "metric '" + token.trim() + "': K must be in [1, " + MAX_K + "]. Provided value: " + k);
    }
    return new MetricSpec(kind, k);
  }

  /**
   * Parses a comma-separated list such as {@code "hr@10,ndcg@10,mrr"}, keeping its order.
   *
   * @throws IllegalArgumentException for an empty list or token, any token {@link #parse}
   *     rejects, or a metric listed twice (by its key, so {@code HR@10} repeats {@code hr@10})
   */
  public static List<MetricSpec> parseList(String list) {
    if (list == null || list.isBlank()) {
      throw new IllegalArgumentException("metrics must list at least one of: " + VALID);
    }
    List<MetricSpec> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (String token : list.split(",", -1)) {
      if (token.isBlank()) {
        throw new IllegalArgumentException(
            "metrics '" + list + "' has an empty entry; valid metrics: " + VALID);
      }
      MetricSpec spec = parse(token);
      if (!seen.add(spec.key())) {
        throw new IllegalArgumentException(
            "metric '" + spec.key() + "' is listed twice in '" + list + "'");
      }
      out.add(spec);
    }
    return List.copyOf(out);
  }
}
