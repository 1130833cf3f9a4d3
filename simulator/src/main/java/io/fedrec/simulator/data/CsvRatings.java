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

/**
 * Reads generic ratings files: comma-separated {@code user,item,rating[,timestamp]}, UTF-8, one
 * rating per line, blank lines and lines starting with {@code #} ignored.
 *
 * <ul>
 *   <li>The first line is a header, and skipped, when its rating field (the third) is not a
 *       number, e.g. {@code user,item,rating}. (The user field cannot decide it: user ids are
 *       arbitrary strings.)
 *   <li>User ids are arbitrary strings, mapped to dense indices in order of first appearance;
 *       {@link RatingsData#userLabel(int)} gives the original id back.
 *   <li>Item ids are non-negative integers used directly as catalogue indices, so that every
 *       party of a federation agrees on them.
 *   <li>Errors name the place: {@code ratings.csv:17: rating must be a number, got "x"}.
 * </ul>
 *
 * <p>Thread-safe (stateless).
 */
public final class CsvRatings {
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
    String name = file.getFileName() == null ? file.toString() : file.getFileName().toString();
    RatingRows rows = new RatingRows(name);
    Map<String, Integer> userIndex = new HashMap<>();
    List<String> labels = new ArrayList<>();
    String[] f = new String[4];
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      int lineNo = 0;
      boolean first = true;
      while ((line = reader.readLine()) != null) {
        lineNo++;
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        int n = RatingRows.split(line, ",", f);
        if (first) {
          first = false;
          if (n >= 3 && n <= 4 && !RatingRows.isNumber(f[2])) {
            continue;
          }
        }
        if (n < 3 || n > 4) {
          throw RatingRows.error(name, lineNo,
              "expected 3 or 4 comma-separated fields (user,item,rating[,timestamp]), got "
                  + (n > 4 ? "more than 4" : String.valueOf(n)));
        }
        if (f[0].isEmpty()) {
          throw RatingRows.error(name, lineNo, "user must not be empty");
        }
        int max = numItems > 0 ? numItems - 1 : ModelShape.MAX_ITEMS - 1;
        int item = RatingRows.parseInt(name, lineNo, "item", f[1], 0, max);
        float rating = RatingRows.parseRating(name, lineNo, f[2]);
        long ts = n == 4 ? RatingRows.parseTimestamp(name, lineNo, f[3]) : 0L;
        Integer u = userIndex.get(f[0]);
        if (u == null) {
          u = labels.size();
          userIndex.put(f[0], u);
          labels.add(f[0]);
        }
        rows.add(u, item, rating, ts, lineNo);
      }
    }
    if (rows.size == 0) {
      throw new IllegalArgumentException(name + ": contains no ratings");
    }
    int items = numItems > 0 ? numItems : rows.maxItem + 1;
    return rows.build(labels.size(), items, labels.toArray(new String[0]));
  }
}
