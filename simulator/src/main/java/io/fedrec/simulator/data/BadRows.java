package io.fedrec.simulator.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a loader does with a malformed row (a wrong field count, a non-numeric or out-of-range
 * field, a repeated (user, item) pair), and the record of what it skipped.
 *
 * <ul>
 *   <li>{@link Policy#FAIL} (the default): the first bad row throws {@link
 *       IllegalArgumentException} with {@code file:line: reason}.
 *   <li>{@link Policy#SKIP}: bad rows are left out and counted; the first {@value #MAX_EXAMPLES}
 *       messages are kept for the caller to report. A file in which every row is bad still fails.
 * </ul>
 *
 * <p>Problems with a file as a whole (missing, no ratings, a header without a requested column)
 * always fail. One instance collects over all files of one load. Not thread-safe.
 */
public final class BadRows {
  /** How many skipped rows are kept as examples. */
  public static final int MAX_EXAMPLES = 5;

  /** Fail on the first bad row, or skip and count bad rows. */
  public enum Policy {
    FAIL,
    SKIP;

    /** The command-line spelling: {@code fail} or {@code skip}. */
    public String key() {
      return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses {@code fail} or {@code skip}.
     *
     * @throws IllegalArgumentException {@code "badRows must be one of fail, skip. Provided value:
     *     ..."}
     */
    public static Policy parse(String s) {
      for (Policy p : values()) {
        if (p.key().equals(s)) {
          return p;
        }
      }
      throw new IllegalArgumentException(
          "badRows must be one of fail, skip. Provided value: " + s);
    }
  }

  private final Policy policy;
  private long skipped;
  private final List<String> examples = new ArrayList<>();

  private BadRows(Policy policy) {
    this.policy = policy;
  }

  /** A collector for {@code policy}. */
  public static BadRows of(Policy policy) {
    if (policy == null) {
      throw new IllegalArgumentException("policy must not be null");
    }
    return new BadRows(policy);
  }

  /** Fails on the first bad row. */
  public static BadRows failing() {
    return new BadRows(Policy.FAIL);
  }

  /** Skips and counts bad rows. */
  public static BadRows skipping() {
    return new BadRows(Policy.SKIP);
  }

  public Policy policy() {
    return policy;
  }

  /** Number of rows skipped so far (always 0 under {@link Policy#FAIL}). */
  public long skipped() {
    return skipped;
  }

  /** The first {@value #MAX_EXAMPLES} skipped rows as {@code file:line: reason}. */
  public List<String> examples() {
    return List.copyOf(examples);
  }

  /**
   * Handles one bad row whose {@code error} reads {@code file:line: reason}.
   *
   * @throws IllegalArgumentException {@code error} itself under {@link Policy#FAIL}
   */
  void reject(IllegalArgumentException error) {
    if (policy == Policy.FAIL) {
      throw error;
    }
    skipped++;
    if (examples.size() < MAX_EXAMPLES) {
      examples.add(error.getMessage());
    }
  }

  /**
   * The failure for a file that held rows but none valid: {@code file: no valid ratings (N bad
   * rows skipped, first: ...)}; {@code file: contains no ratings} when nothing was skipped.
   */
  IllegalArgumentException noRatings(String file, long skippedBefore) {
    long n = skipped - skippedBefore;
    if (n == 0) {
      return new IllegalArgumentException(file + ": contains no ratings");
    }
    // examples are the first skipped rows overall, so this file's first is at skippedBefore
    String first = skippedBefore < examples.size()
        ? ", first: " + examples.get((int) skippedBefore) : "";
    return new IllegalArgumentException(
        file + ": no valid ratings (every row is bad: " + n + " skipped" + first + ")");
  }
}
