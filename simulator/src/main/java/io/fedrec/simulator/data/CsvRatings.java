package io.fedrec.simulator.data;

import io.fedrec.core.model.ModelShape;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads generic ratings files: by default comma-separated {@code user,item,rating[,timestamp]},
 * UTF-8, one rating per line, blank lines and lines starting with {@code #} ignored. A {@link
 * CsvFormat} changes the separator, the header rule and which columns hold the fields.
 *
 * <ul>
 *   <li>Header ({@link CsvFormat.Header#AUTO}): the first line is a header, and skipped, when its
 *       rating field is not a number, e.g. {@code user,item,rating}. (The user field cannot
 *       decide it: user ids are arbitrary strings.) With columns by name it must be a header
 *       holding them all. A UTF-8 byte order mark before it is ignored.
 *   <li>User ids are arbitrary strings, mapped to dense indices in order of first appearance;
 *       {@link RatingsData#userLabel(int)} gives the original id back.
 *   <li>Item ids are non-negative integers used directly as catalogue indices, so that every
 *       party of a federation agrees on them.
 *   <li>Fields are not quoted: a separator inside a field is not supported.
 *   <li>Errors name the place: {@code ratings.csv:17: rating must be a number, got "x"}; bad rows
 *       fail or are skipped as {@link BadRows} says.
 * </ul>
 *
 * <p>Thread-safe (stateless).
 */
public final class CsvRatings {
  private static final int USER = 0;
  private static final int ITEM = 1;
  private static final int RATING = 2;
  private static final int TIMESTAMP = 3;

  private CsvRatings() {}

  /** Reads {@code file} with {@code numItems = max item id + 1}. */
  public static RatingsData read(Path file) throws IOException {
    return read(file, 0);
  }

  /**
   * Reads {@code file} over a catalogue of {@code numItems} items; {@code numItems <= 0} means
   * {@code max item id + 1}.
   *
   * @throws IllegalArgumentException {@code file:line: reason} for a malformed row, an item
   *     outside the catalogue or a repeated (user, item) pair; or when the file has no rating
   */
  public static RatingsData read(Path file, int numItems) throws IOException {
    return read(file, numItems, CsvFormat.DEFAULT, BadRows.failing());
  }

  /**
   * Reads {@code file} in {@code format} over a catalogue of {@code numItems} items ({@code <= 0}:
   * {@code max item id + 1}); malformed rows, items outside the catalogue and repeated (user,
   * item) pairs go to {@code bad}.
   *
   * @throws IllegalArgumentException for a bad row under {@link BadRows.Policy#FAIL}; a header
   *     without a requested column or a row without a requested index; or no valid rating
   */
  public static RatingsData read(Path file, int numItems, CsvFormat format, BadRows bad)
      throws IOException {
    String name = file.getFileName() == null ? file.toString() : file.getFileName().toString();
    RatingRows rows = new RatingRows(name);
    long skippedBefore = bad.skipped();
    Map<String, Integer> userIndex = new HashMap<>();
    List<String> labels = new ArrayList<>();
    String sep = format.separator();
    String sepName = ",".equals(sep) ? "commas" : "\t".equals(sep) ? "tabs" : '"' + sep + '"';
    // Field indices of user, item, rating, timestamp (-1: none, or the row's 4th field when the
    // columns are the positional default); resolved from the header when columns are names.
    int[] at = positions(format);
    String[] f = new String[format.columns().isEmpty() ? 4 : max(at) + 1];
    int headerFields = -1;
    int maxItem = numItems > 0 ? numItems - 1 : ModelShape.MAX_ITEMS - 1;
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      int lineNo = 0;
      boolean first = true;
      while ((line = reader.readLine()) != null) {
        lineNo++;
        if (lineNo == 1 && line.startsWith("\uFEFF")) {
          line = line.substring(1);
        }
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        if (first) {
          first = false;
          if (isHeader(line, format, at)) {
            if (!format.columns().isEmpty()) {
              String[] names = line.split(Pattern.quote(sep), -1);
              headerFields = names.length;
              if (format.byName()) {
                at = resolve(name, lineNo, names, format);
              }
              f = new String[Math.max(headerFields, max(at) + 1)];
            }
            continue;
          }
        }
        try {
          int n = RatingRows.split(line, sep, f);
          if (format.columns().isEmpty()) {
            if (n < 3 || n > 4) {
              throw RatingRows.error(name, lineNo, ",".equals(sep)
                  ? "expected 3 or 4 comma-separated fields (user,item,rating[,timestamp]), got "
                      + (n > 4 ? "more than 4" : String.valueOf(n))
                  : "expected 3 or 4 fields separated by " + sepName
                      + " (user,item,rating[,timestamp]), got "
                      + (n > 4 ? "more than 4" : String.valueOf(n)));
            }
          } else if (headerFields >= 0 && n != headerFields) {
            throw RatingRows.error(name, lineNo, "expected " + headerFields
                + " fields separated by " + sepName + " like the header, got "
                + (n > headerFields ? "more" : n));
          } else if (n <= max(at)) {
            throw RatingRows.error(name, lineNo, "expected at least " + (max(at) + 1)
                + " fields separated by " + sepName + " (columns " + String.join(",",
                    format.columns()) + "), got " + n);
          }
          String user = f[at[USER]];
          if (user.isEmpty()) {
            throw RatingRows.error(name, lineNo, "user must not be empty");
          }
          int item = RatingRows.parseInt(name, lineNo, "item", f[at[ITEM]], 0, maxItem);
          float rating = RatingRows.parseRating(name, lineNo, f[at[RATING]]);
          int t = format.columns().isEmpty() ? (n == 4 ? 3 : -1) : at[TIMESTAMP];
          long ts = t >= 0 ? RatingRows.parseTimestamp(name, lineNo, f[t]) : 0L;
          Integer u = userIndex.get(user);
          if (u == null) {
            u = labels.size();
            userIndex.put(user, u);
            labels.add(user);
          }
          rows.add(u, item, rating, ts, lineNo);
        } catch (IllegalArgumentException e) {
          bad.reject(e);
        }
      }
    }
    if (rows.size == 0) {
      throw bad.noRatings(name, skippedBefore);
    }
    int items = numItems > 0 ? numItems : rows.maxItem + 1;
    return rows.build(labels.size(), items, labels.toArray(new String[0]), null, bad);
  }

  /** The field positions of an index mapping or the default; names resolve at the header. */
  private static int[] positions(CsvFormat format) {
    List<String> c = format.columns();
    if (c.isEmpty() || format.byName()) {
      return new int[] {0, 1, 2, c.size() == 3 ? -1 : 3};
    }
    return new int[] {Integer.parseInt(c.get(0)), Integer.parseInt(c.get(1)),
        Integer.parseInt(c.get(2)), c.size() == 4 ? Integer.parseInt(c.get(3)) : -1};
  }

  private static boolean isHeader(String line, CsvFormat format, int[] at) {
    switch (format.header()) {
      case YES:
        return true;
      case NO:
        return false;
      default:
        if (format.byName()) {
          return true; // resolve() refuses a first line without the names
        }
        String[] f = new String[Math.max(4, max(at) + 1)];
        int n = RatingRows.split(line, format.separator(), f);
        if (format.columns().isEmpty()) {
          return n >= 3 && n <= 4 && !RatingRows.isNumber(f[RATING]);
        }
        return n > at[RATING] && !RatingRows.isNumber(f[at[RATING]]);
    }
  }

  /** The positions of the named columns in the header {@code names}. */
  private static int[] resolve(String file, int line, String[] names, CsvFormat format) {
    int[] at = {-1, -1, -1, -1};
    List<String> c = format.columns();
    for (int k = 0; k < c.size(); k++) {
      for (int x = 0; x < names.length; x++) {
        if (names[x].trim().equals(c.get(k))) {
          at[k] = x;
          break;
        }
      }
      if (at[k] < 0) {
        List<String> shown = new ArrayList<>();
        for (String s : names) {
          shown.add(RatingRows.quote(s.trim()));
        }
        throw RatingRows.error(file, line, "--csv-columns names " + RatingRows.quote(c.get(k))
            + ", which is not a column of the header " + shown);
      }
    }
    return at;
  }

  private static int max(int[] at) {
    int m = -1;
    for (int a : at) {
      m = Math.max(m, a);
    }
    return m;
  }
}
