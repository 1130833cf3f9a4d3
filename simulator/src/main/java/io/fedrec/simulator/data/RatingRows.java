package io.fedrec.simulator.data;

import java.util.Arrays;

/**
 * Ratings parsed from one text file, with the line each came from, so that loaders can report
 * errors found after parsing (a repeated user and item) as {@code file:line: reason}. Also holds
 * the field-level parsing shared by the loaders. Package-private; not thread-safe.
 */
final class RatingRows {
  final String fileName;
  int size;
  int[] users = new int[4096];
  int[] items = new int[4096];
  float[] ratings = new float[4096];
  long[] timestamps = new long[4096];
  int[] lines = new int[4096];
  int maxUser = -1;
  int maxItem = -1;

  RatingRows(String fileName) {
    this.fileName = fileName;
  }

  void add(int user, int item, float rating, long timestamp, int line) {
    if (size == users.length) {
      int n = size * 2;
      users = Arrays.copyOf(users, n);
      items = Arrays.copyOf(items, n);
      ratings = Arrays.copyOf(ratings, n);
      timestamps = Arrays.copyOf(timestamps, n);
      lines = Arrays.copyOf(lines, n);
    }
    users[size] = user;
    items[size] = item;
    ratings[size] = rating;
    timestamps[size] = timestamp;
    lines[size] = line;
    maxUser = Math.max(maxUser, user);
    maxItem = Math.max(maxItem, item);
    size++;
  }

  /** Builds the data set over the given index spaces; a repeated pair fails. */
  RatingsData build(int numUsers, int numItems, String[] userLabels) {
    return build(numUsers, numItems, userLabels, null, BadRows.failing());
  }

  /**
   * Builds the data set over the given index spaces. Every occurrence of a (user, item) pair
   * after its first is a bad row, handed to {@code bad} in line order as {@code file:line:
   * duplicate ...}: under {@link BadRows.Policy#SKIP} the first occurrence is kept.
   *
   * @throws IllegalArgumentException on a repeated pair under {@link BadRows.Policy#FAIL}
   */
  RatingsData build(
      int numUsers, int numItems, String[] userLabels, String[] itemLabels, BadRows bad) {
    int[] firstOf = RatingsData.firstOccurrences(users, items, size, numUsers, numItems);
    RatingsData.Builder b = RatingsData.builder(numUsers, numItems);
    for (int x = 0; x < size; x++) {
      if (firstOf != null && firstOf[x] >= 0) {
        String user = userLabels == null ? String.valueOf(users[x]) : userLabels[users[x]];
        String item = itemLabels == null ? String.valueOf(items[x]) : itemLabels[items[x]];
        bad.reject(error(fileName, lines[x], "duplicate rating for user " + user + " and item "
            + item + " (first at line " + lines[firstOf[x]] + ")"));
        continue;
      }
      b.add(users[x], items[x], ratings[x], timestamps[x]);
    }
    if (userLabels != null) {
      b.userLabels(userLabels);
    }
    if (itemLabels != null) {
      b.itemLabels(itemLabels);
    }
    return b.build();
  }

  /**
   * Replaces the raw user and item ids by dense indices in ascending id order, so that sparse ids
   * cost memory for the ids present only, and returns the original ids as labels {@code {users,
   * items}}: index {@code i} is labelled by the {@code i}-th smallest id.
   */
  String[][] densify() {
    int[] userIds = distinctSorted(users, size);
    int[] itemIds = distinctSorted(items, size);
    for (int x = 0; x < size; x++) {
      users[x] = Arrays.binarySearch(userIds, users[x]);
      items[x] = Arrays.binarySearch(itemIds, items[x]);
    }
    maxUser = userIds.length - 1;
    maxItem = itemIds.length - 1;
    return new String[][] {labels(userIds), labels(itemIds)};
  }

  private static int[] distinctSorted(int[] ids, int n) {
    int[] sorted = Arrays.copyOf(ids, n);
    Arrays.sort(sorted);
    int m = 0;
    for (int x = 0; x < n; x++) {
      if (m == 0 || sorted[x] != sorted[m - 1]) {
        sorted[m++] = sorted[x];
      }
    }
    return Arrays.copyOf(sorted, m);
  }

  private static String[] labels(int[] ids) {
    String[] out = new String[ids.length];
    for (int i = 0; i < ids.length; i++) {
      out[i] = String.valueOf(ids[i]);
    }
    return out;
  }

  static IllegalArgumentException error(String file, int line, String reason) {
    return new IllegalArgumentException(file + ":" + line + ": " + reason);
  }

  /**
   * Splits {@code line} on {@code sep} into {@code out}; returns the number of fields, which is
   * {@code out.length + 1} when there are more fields than {@code out} holds.
   */
  static int split(String line, String sep, String[] out) {
    int n = 0;
    int from = 0;
    while (true) {
      int at = line.indexOf(sep, from);
      if (n == out.length) {
        return n + 1;
      }
      if (at < 0) {
        out[n++] = line.substring(from).trim();
        return n;
      }
      out[n++] = line.substring(from, at).trim();
      from = at + sep.length();
    }
  }

  /** A decimal integer in {@code [min, max]}. */
  static int parseInt(String file, int line, String name, String s, int min, int max) {
    long v;
    try {
      v = Long.parseLong(s);
    } catch (NumberFormatException e) {
      throw error(file, line, name + " must be an integer, got " + quote(s));
    }
    if (v < min || v > max) {
      throw error(file, line, name + " must be in [" + min + ", " + max + "], got " + quote(s));
    }
    return (int) v;
  }

  static float parseRating(String file, int line, String s) {
    float r;
    try {
      r = Float.parseFloat(s);
    } catch (NumberFormatException e) {
      throw error(file, line, "rating must be a number, got " + quote(s));
    }
    if (!Float.isFinite(r)) {
      throw error(file, line, "rating must be finite, got " + quote(s));
    }
    return r;
  }

  static long parseTimestamp(String file, int line, String s) {
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      throw error(file, line, "timestamp must be an integer, got " + quote(s));
    }
  }

  static boolean isNumber(String s) {
    try {
      return Double.isFinite(Double.parseDouble(s));
    } catch (NumberFormatException e) {
      return false;
    }
  }

  static String quote(String s) {
    String shown = s.length() > 40 ? s.substring(0, 40) + "..." : s;
    return '"' + shown.replaceAll("[^\\x20-\\x7e]", "?") + '"';
  }
}
