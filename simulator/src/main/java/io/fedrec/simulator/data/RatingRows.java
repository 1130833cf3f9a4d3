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

  /**
   * Builds the data set over the given index spaces.
   *
   * @throws IllegalArgumentException {@code file:line: duplicate ...} on a repeated pair
   */
  RatingsData build(int numUsers, int numItems, String[] userLabels) {
    RatingsData.Builder b = RatingsData.builder(numUsers, numItems);
    for (int x = 0; x < size; x++) {
      b.add(users[x], items[x], ratings[x], timestamps[x]);
    }
    if (userLabels != null) {
      b.userLabels(userLabels);
    }
    int[] dup = b.findDuplicate();
    if (dup != null) {
      int x = dup[1];
      String user = userLabels == null ? String.valueOf(users[x]) : userLabels[users[x]];
      throw error(fileName, lines[x],
          "duplicate rating for user " + user + " and item " + items[x] + " (first at line "
              + lines[dup[0]] + ")");
    }
    return b.build();
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
