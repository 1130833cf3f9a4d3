package io.fedrec.simulator.data;

import io.fedrec.core.model.ModelShape;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * Loads the GroupLens MovieLens data sets from their original distribution directories (Harper
 * and Konstan, "The MovieLens Datasets: History and Context", ACM TiiS 5(4), 2015). The data is
 * licensed for research only and is never bundled: callers point at a local copy.
 *
 * <ul>
 *   <li><b>ml-100k</b> (detected by {@code u.data} or {@code u.info}): tab-separated {@code user
 *       item rating timestamp}. Splits {@code u1..u5}, {@code ua}, {@code ub} read the official
 *       {@code <split>.base} / {@code <split>.test} files; {@code random} splits {@code u.data}.
 *       Ids {@code 1..943} / {@code 1..1682} map to {@code id - 1}; the index spaces are the
 *       whole data set's (from {@code u.info}, else from {@code u.data}), whatever the split.
 *   <li><b>ml-1m</b> (detected by {@code ratings.dat}): {@code ::}-separated {@code
 *       UserID::MovieID::Rating::Timestamp}; only the {@code random} split. Ids map to {@code
 *       id - 1}, {@code numItems} is the largest movie id (3952) of {@code ratings.dat} and, when
 *       present, {@code movies.dat}.
 *   <li>{@code random}: a seeded, deterministic 80/20 split per rating ({@link
 *       DataSets#randomSplit}).
 * </ul>
 *
 * <p>Malformed rows fail with {@code file:line: reason}. Thread-safe (stateless).
 */
public final class MovieLens {
  public static final String ML_100K = "movielens-100k";
  public static final String ML_1M = "movielens-1m";

  /** The official ml-100k splits. */
  public static final Set<String> OFFICIAL_SPLITS =
      Set.of("u1", "u2", "u3", "u4", "u5", "ua", "ub");

  /** The test fraction of the {@code random} split. */
  public static final double RANDOM_TEST_FRACTION = 0.2;

  /** Largest user id accepted; bounds the memory a corrupt file can make us allocate. */
  static final int MAX_USERS = 100_000_000;

  private MovieLens() {}

  /** Whether {@code dir} looks like an ml-100k directory. */
  public static boolean isMl100k(Path dir) {
    return Files.isRegularFile(dir.resolve("u.data")) || Files.isRegularFile(dir.resolve("u.info"));
  }

  /** Whether {@code dir} looks like an ml-1m directory. */
  public static boolean isMl1m(Path dir) {
    return Files.isRegularFile(dir.resolve("ratings.dat"));
  }

  /**
   * Detects the format of {@code dir} and loads {@code split}.
   *
   * @throws IllegalArgumentException if {@code dir} holds neither format, the split is unknown
   *     or not available for the format, a split file is missing, or a row is malformed
   */
  public static Split load(Path dir, String split, long seed) throws IOException {
    if (isMl100k(dir)) {
      return load100k(dir, split, seed);
    }
    if (isMl1m(dir)) {
      return load1m(dir, split, seed);
    }
    throw new IllegalArgumentException(
        "directory " + dir + " contains neither u.data (movielens-100k) nor ratings.dat"
            + " (movielens-1m)");
  }

  /** Loads MovieLens-100K from {@code dir}; see the class comment for splits and ids. */
  public static Split load100k(Path dir, String split, long seed) throws IOException {
    if ("random".equals(split)) {
      Path data = require(dir, "u.data");
      RatingRows rows = read(data, "\t");
      int[] size = sizes100k(dir, rows, null);
      RatingsData all = rows.build(size[0], size[1], null);
      return DataSets.randomSplit(all, RANDOM_TEST_FRACTION, seed, ML_100K);
    }
    if (split == null || !OFFICIAL_SPLITS.contains(split)) {
      throw new IllegalArgumentException(
          "split must be one of u1, u2, u3, u4, u5, ua, ub or random for " + ML_100K
              + ". Provided value: " + split);
    }
    RatingRows base = read(require(dir, split + ".base"), "\t");
    RatingRows test = read(require(dir, split + ".test"), "\t");
    int[] size = sizes100k(dir, base, test);
    return new Split(
        ML_100K, split, base.build(size[0], size[1], null), test.build(size[0], size[1], null));
  }

  /** Loads MovieLens-1M from {@code dir}; only the {@code random} split exists. */
  public static Split load1m(Path dir, String split, long seed) throws IOException {
    if (!"random".equals(split)) {
      throw new IllegalArgumentException(
          "split must be random for " + ML_1M + " (it has no official splits). Provided value: "
              + split);
    }
    RatingRows rows = read(require(dir, "ratings.dat"), "::");
    int numUsers = rows.maxUser + 1;
    int numItems = rows.maxItem + 1;
    Path movies = dir.resolve("movies.dat");
    if (Files.isRegularFile(movies)) {
      numItems = Math.max(numItems, maxMovieId(movies));
    }
    RatingsData all = rows.build(numUsers, numItems, null);
    return DataSets.randomSplit(all, RANDOM_TEST_FRACTION, seed, ML_1M);
  }

  private static Path require(Path dir, String file) {
    Path p = dir.resolve(file);
    if (!Files.isRegularFile(p)) {
      throw new IllegalArgumentException("directory " + dir + " does not contain " + file);
    }
    return p;
  }

  /** {numUsers, numItems} of the whole ml-100k data set, never smaller than the ids seen. */
  private static int[] sizes100k(Path dir, RatingRows a, RatingRows b) throws IOException {
    int users = Math.max(a.maxUser, b == null ? -1 : b.maxUser) + 1;
    int items = Math.max(a.maxItem, b == null ? -1 : b.maxItem) + 1;
    Path info = dir.resolve("u.info");
    Path data = dir.resolve("u.data");
    if (Files.isRegularFile(info)) {
      for (String line : Files.readAllLines(info, StandardCharsets.ISO_8859_1)) {
        String[] f = line.trim().split("\\s+");
        if (f.length == 2 && f[0].matches("\\d{1,9}")) {
          int n = Integer.parseInt(f[0]);
          if (f[1].equals("users")) {
            users = Math.max(users, checkedCount(info, "users", n, MAX_USERS));
          } else if (f[1].equals("items")) {
            items = Math.max(items, checkedCount(info, "items", n, ModelShape.MAX_ITEMS));
          }
        }
      }
    } else if (b != null && Files.isRegularFile(data)) {
      RatingRows all = read(data, "\t");
      users = Math.max(users, all.maxUser + 1);
      items = Math.max(items, all.maxItem + 1);
    }
    return new int[] {users, items};
  }

  /** Parses {@code user sep item sep rating sep timestamp} rows; ids are 1-based. */
  private static RatingRows read(Path file, String sep) throws IOException {
    String name = file.getFileName().toString();
    RatingRows rows = new RatingRows(name);
    String[] f = new String[4];
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1)) {
      String line;
      int lineNo = 0;
      while ((line = reader.readLine()) != null) {
        lineNo++;
        if (line.isBlank()) {
          continue;
        }
        int n = RatingRows.split(line, sep, f);
        if (n != 4) {
          throw RatingRows.error(name, lineNo,
              "expected 4 fields separated by " + ("\t".equals(sep) ? "tabs" : '"' + sep + '"')
                  + " (user item rating timestamp), got " + (n > 4 ? "more than 4" : n));
        }
        int user = RatingRows.parseInt(name, lineNo, "user id", f[0], 1, MAX_USERS);
        int item = RatingRows.parseInt(name, lineNo, "item id", f[1], 1, ModelShape.MAX_ITEMS);
        float rating = RatingRows.parseRating(name, lineNo, f[2]);
        long ts = RatingRows.parseTimestamp(name, lineNo, f[3]);
        rows.add(user - 1, item - 1, rating, ts, lineNo);
      }
    }
    if (rows.size == 0) {
      throw new IllegalArgumentException(name + ": contains no ratings");
    }
    return rows;
  }

  private static int maxMovieId(Path movies) throws IOException {
    int max = 0;
    int lineNo = 0;
    try (BufferedReader reader = Files.newBufferedReader(movies, StandardCharsets.ISO_8859_1)) {
      String line;
      while ((line = reader.readLine()) != null) {
        lineNo++;
        int at = line.indexOf("::");
        if (at > 0) {
          int id;
          try {
            id = Integer.parseInt(line.substring(0, at).trim());
          } catch (NumberFormatException e) {
            // movies.dat only widens the catalogue; a bad row there does not affect ratings
            continue;
          }
          if (id > ModelShape.MAX_ITEMS) {
            throw new IllegalArgumentException(movies.getFileName() + " line " + lineNo
                + ": movie id must be <= " + ModelShape.MAX_ITEMS + ". Provided value: " + id);
          }
          max = Math.max(max, id);
        }
      }
    }
    return max;
  }

  /** A count from u.info, bounded like the ids of the rating rows. */
  private static int checkedCount(Path info, String what, int n, int max) {
    if (n > max) {
      throw new IllegalArgumentException(info.getFileName() + ": " + what + " must be <= " + max
          + ". Provided value: " + n);
    }
    return n;
  }
}
