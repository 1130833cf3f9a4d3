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
 *   <li><b>ml-10m</b> (the {@code ml-10M100K} download; detected by {@code ratings.dat} with
 *       {@code tags.dat} and without {@code users.dat}, which only ml-1m has): {@code
 *       UserID::MovieID::Rating::Timestamp} with half-star ratings {@code 0.5 .. 5}; only the
 *       {@code random} split.
 *   <li><b>ml-20m</b>, <b>ml-25m</b> (detected by {@code ratings.csv}; the two layouts are the
 *       same, the README names the release): {@code ratings.csv} with the header {@code
 *       userId,movieId,rating,timestamp}, half-star ratings; only the {@code random} split.
 *   <li>10M, 20M and 25M have sparse ids (movie ids up to about 209,000 for about 59,000 movies,
 *       user ids with gaps in 10M): users and movies map to dense indices in ascending id order,
 *       and {@link RatingsData#userLabel} / {@link RatingsData#itemLabel} give the original ids
 *       back. Memory then follows the rows, never the largest id, which is bounded by {@link
 *       #MAX_SPARSE_ID}; the ratings must be multiples of 0.5 in [0.5, 5].
 *   <li>{@code random}: a seeded, deterministic 80/20 split per rating ({@link
 *       DataSets#randomSplit}).
 * </ul>
 *
 * <p>Malformed rows fail with {@code file:line: reason}, or are skipped and counted by {@link
 * BadRows} under {@link BadRows.Policy#SKIP}. Thread-safe (stateless).
 */
public final class MovieLens {
  public static final String ML_100K = "movielens-100k";
  public static final String ML_1M = "movielens-1m";
  public static final String ML_10M = "movielens-10m";
  public static final String ML_20M = "movielens-20m";
  public static final String ML_25M = "movielens-25m";

  /** The header line of the 20M and 25M {@code ratings.csv}. */
  public static final String RATINGS_CSV_HEADER = "userId,movieId,rating,timestamp";

  /** Largest user or movie id accepted in the sparse formats (10M, 20M, 25M). */
  static final int MAX_SPARSE_ID = 1_000_000_000;

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

  /** Whether {@code dir} looks like an ml-1m directory (ratings.dat, and not ml-10m). */
  public static boolean isMl1m(Path dir) {
    return Files.isRegularFile(dir.resolve("ratings.dat")) && !isMl10m(dir);
  }

  /**
   * Whether {@code dir} looks like an ml-10m directory: {@code ratings.dat} and {@code
   * tags.dat} (only 10M ships tags) and no {@code users.dat} (only 1M ships users).
   */
  public static boolean isMl10m(Path dir) {
    return Files.isRegularFile(dir.resolve("ratings.dat"))
        && Files.isRegularFile(dir.resolve("tags.dat"))
        && !Files.isRegularFile(dir.resolve("users.dat"));
  }

  /** Whether {@code dir} looks like an ml-20m or ml-25m directory ({@code ratings.csv}). */
  public static boolean isMl20mOr25m(Path dir) {
    return Files.isRegularFile(dir.resolve("ratings.csv"));
  }

  /**
   * Detects the format of {@code dir} and loads {@code split}.
   *
   * @throws IllegalArgumentException if {@code dir} holds neither format, the split is unknown
   *     or not available for the format, a split file is missing, or a row is malformed
   */
  public static Split load(Path dir, String split, long seed) throws IOException {
    return load(dir, split, seed, BadRows.failing());
  }

  /** As {@link #load(Path, String, long)}, with bad rows handled by {@code bad}. */
  public static Split load(Path dir, String split, long seed, BadRows bad) throws IOException {
    if (isMl100k(dir)) {
      return load100k(dir, split, seed, bad);
    }
    if (isMl10m(dir)) {
      return load10m(dir, split, seed, bad);
    }
    if (isMl1m(dir)) {
      return load1m(dir, split, seed, bad);
    }
    if (isMl20mOr25m(dir)) {
      return loadRatingsCsv(dir, split, seed, bad, isMl25m(dir) ? ML_25M : ML_20M);
    }
    throw new IllegalArgumentException(
        "directory " + dir + " contains neither u.data (movielens-100k), ratings.dat"
            + " (movielens-1m, movielens-10m) nor ratings.csv (movielens-20m, movielens-25m)");
  }

  /** Loads MovieLens-100K from {@code dir}; see the class comment for splits and ids. */
  public static Split load100k(Path dir, String split, long seed) throws IOException {
    return load100k(dir, split, seed, BadRows.failing());
  }

  /** As {@link #load100k(Path, String, long)}, with bad rows handled by {@code bad}. */
  public static Split load100k(Path dir, String split, long seed, BadRows bad)
      throws IOException {
    if ("random".equals(split)) {
      Path data = require(dir, "u.data");
      RatingRows rows = read(data, "\t", bad);
      int[] size = sizes100k(dir, rows, null, bad.policy());
      RatingsData all = rows.build(size[0], size[1], null, null, bad);
      return DataSets.randomSplit(all, RANDOM_TEST_FRACTION, seed, ML_100K);
    }
    if (split == null || !OFFICIAL_SPLITS.contains(split)) {
      throw new IllegalArgumentException(
          "split must be one of u1, u2, u3, u4, u5, ua, ub or random for " + ML_100K
              + ". Provided value: " + split);
    }
    RatingRows base = read(require(dir, split + ".base"), "\t", bad);
    RatingRows test = read(require(dir, split + ".test"), "\t", bad);
    int[] size = sizes100k(dir, base, test, bad.policy());
    return new Split(ML_100K, split, base.build(size[0], size[1], null, null, bad),
        test.build(size[0], size[1], null, null, bad));
  }

  /** Loads MovieLens-1M from {@code dir}; only the {@code random} split exists. */
  public static Split load1m(Path dir, String split, long seed) throws IOException {
    return load1m(dir, split, seed, BadRows.failing());
  }

  /** As {@link #load1m(Path, String, long)}, with bad rows handled by {@code bad}. */
  public static Split load1m(Path dir, String split, long seed, BadRows bad)
      throws IOException {
    requireRandom(ML_1M, split);
    RatingRows rows = read(require(dir, "ratings.dat"), "::", bad);
    int numUsers = rows.maxUser + 1;
    int numItems = rows.maxItem + 1;
    Path movies = dir.resolve("movies.dat");
    if (Files.isRegularFile(movies)) {
      numItems = Math.max(numItems, maxMovieId(movies));
    }
    RatingsData all = rows.build(numUsers, numItems, null, null, bad);
    return DataSets.randomSplit(all, RANDOM_TEST_FRACTION, seed, ML_1M);
  }

  /**
   * Loads MovieLens-10M ({@code ratings.dat}, {@code ::}-separated, half stars) from {@code dir};
   * only the {@code random} split exists. Ids are mapped densely; see the class comment.
   */
  public static Split load10m(Path dir, String split, long seed, BadRows bad)
      throws IOException {
    requireRandom(ML_10M, split);
    return sparse(readSparse(require(dir, "ratings.dat"), "::", null, bad), ML_10M, seed, bad);
  }

  /**
   * Loads MovieLens-20M or -25M ({@code ratings.csv} with header {@value #RATINGS_CSV_HEADER})
   * from {@code dir} under the data set name {@code dataset}; only the {@code random} split
   * exists. Ids are mapped densely; see the class comment.
   */
  public static Split loadRatingsCsv(Path dir, String split, long seed, BadRows bad,
      String dataset) throws IOException {
    requireRandom(dataset, split);
    RatingRows rows = readSparse(require(dir, "ratings.csv"), ",", RATINGS_CSV_HEADER, bad);
    return sparse(rows, dataset, seed, bad);
  }

  /** Whether the README of an ml-20m/ml-25m style directory names the 25M release. */
  private static boolean isMl25m(Path dir) throws IOException {
    Path readme = dir.resolve("README.txt");
    if (dir.getFileName() != null && dir.getFileName().toString().contains("25m")) {
      return true;
    }
    if (!Files.isRegularFile(readme) || Files.size(readme) > 1 << 20) {
      return false;
    }
    return Files.readString(readme, StandardCharsets.ISO_8859_1).contains("ml-25m");
  }

  private static Split sparse(RatingRows rows, String dataset, long seed, BadRows bad) {
    String[][] labels = rows.densify();
    if (labels[1].length > ModelShape.MAX_ITEMS) {
      throw new IllegalArgumentException(rows.fileName + ": distinct movies must be <= "
          + ModelShape.MAX_ITEMS + ". Provided value: " + labels[1].length);
    }
    RatingsData all =
        rows.build(labels[0].length, labels[1].length, labels[0], labels[1], bad);
    return DataSets.randomSplit(all, RANDOM_TEST_FRACTION, seed, dataset);
  }

  private static void requireRandom(String dataset, String split) {
    if (!"random".equals(split)) {
      throw new IllegalArgumentException("split must be random for " + dataset
          + " (it has no official splits). Provided value: " + split);
    }
  }

  private static Path require(Path dir, String file) {
    Path p = dir.resolve(file);
    if (!Files.isRegularFile(p)) {
      throw new IllegalArgumentException("directory " + dir + " does not contain " + file);
    }
    return p;
  }

  /** {numUsers, numItems} of the whole ml-100k data set, never smaller than the ids seen. */
  private static int[] sizes100k(Path dir, RatingRows a, RatingRows b, BadRows.Policy policy)
      throws IOException {
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
      // only sizes the index spaces: its bad rows are not the loaded split's, so not counted
      RatingRows all = read(data, "\t", BadRows.of(policy));
      users = Math.max(users, all.maxUser + 1);
      items = Math.max(items, all.maxItem + 1);
    }
    return new int[] {users, items};
  }

  /** Parses {@code user sep item sep rating sep timestamp} rows; ids are 1-based. */
  private static RatingRows read(Path file, String sep, BadRows bad) throws IOException {
    return read(file, sep, null, false, bad);
  }

  /** As {@link #read(Path, String, BadRows)} for the sparse formats: raw ids, half stars. */
  private static RatingRows readSparse(Path file, String sep, String header, BadRows bad)
      throws IOException {
    return read(file, sep, header, true, bad);
  }

  /**
   * Parses {@code user sep item sep rating sep timestamp} rows. Dense ids ({@code sparse}
   * false) are 1-based and stored as {@code id - 1}; sparse ids are stored as they are. A first
   * line equal to {@code header} (when not null) is skipped.
   */
  private static RatingRows read(Path file, String sep, String header, boolean sparse,
      BadRows bad) throws IOException {
    String name = file.getFileName().toString();
    RatingRows rows = new RatingRows(name);
    long skippedBefore = bad.skipped();
    String[] f = new String[4];
    int maxUser = sparse ? MAX_SPARSE_ID : MAX_USERS;
    int maxItem = sparse ? MAX_SPARSE_ID : ModelShape.MAX_ITEMS;
    int offset = sparse ? 0 : 1;
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1)) {
      String line;
      int lineNo = 0;
      while ((line = reader.readLine()) != null) {
        lineNo++;
        if (line.isBlank() || (lineNo == 1 && header != null && line.trim().equals(header))) {
          continue;
        }
        try {
          int n = RatingRows.split(line, sep, f);
          if (n != 4) {
            throw RatingRows.error(name, lineNo,
                "expected 4 fields separated by " + ("\t".equals(sep) ? "tabs" : '"' + sep + '"')
                    + " (user item rating timestamp), got " + (n > 4 ? "more than 4" : n));
          }
          int user = RatingRows.parseInt(name, lineNo, "user id", f[0], 1, maxUser);
          int item = RatingRows.parseInt(name, lineNo, "item id", f[1], 1, maxItem);
          float rating = RatingRows.parseRating(name, lineNo, f[2]);
          if (sparse && (rating < 0.5f || rating > 5f || rating * 2 != Math.rint(rating * 2))) {
            throw RatingRows.error(name, lineNo,
                "rating must be a multiple of 0.5 in [0.5, 5], got " + RatingRows.quote(f[2]));
          }
          long ts = RatingRows.parseTimestamp(name, lineNo, f[3]);
          rows.add(user - offset, item - offset, rating, ts, lineNo);
        } catch (IllegalArgumentException e) {
          bad.reject(e);
        }
      }
    }
    if (rows.size == 0) {
      throw bad.noRatings(name, skippedBefore);
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
