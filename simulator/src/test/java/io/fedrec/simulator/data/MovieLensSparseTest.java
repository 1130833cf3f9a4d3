package io.fedrec.simulator.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MovieLens 10M, 20M and 25M on small synthetic fixtures in the upstream formats (the real data
 * is licensed and not on this machine): sparse ids mapped densely in ascending order, half stars,
 * timestamps, detection and validation.
 */
class MovieLensSparseTest {
  @TempDir Path dir;

  /** Users 5, 12, 70000 (gaps as in 10M), movies 1, 4, 65133 (sparse as in 10M/20M/25M). */
  private static final String[][] ROWS = {
    {"12", "65133", "4.5", "1230000005"},
    {"5", "4", "0.5", "1230000001"},
    {"70000", "1", "5", "1230000009"},
    {"5", "65133", "3", "1230000002"},
    {"12", "1", "2.5", "1230000007"},
  };

  private Path ml10m() throws IOException {
    Path d = Files.createDirectories(dir.resolve("ml-10M100K"));
    StringBuilder sb = new StringBuilder();
    for (String[] r : ROWS) {
      sb.append(String.join("::", r)).append('\n');
    }
    Files.writeString(d.resolve("ratings.dat"), sb.toString());
    Files.writeString(d.resolve("movies.dat"), "1::Toy Story (1995)::Animation\n");
    Files.writeString(d.resolve("tags.dat"), "15::4973::excellent!::1215184630\n");
    return d;
  }

  private Path mlCsv(String name, String readme) throws IOException {
    Path d = Files.createDirectories(dir.resolve(name));
    StringBuilder sb = new StringBuilder(MovieLens.RATINGS_CSV_HEADER).append('\n');
    for (String[] r : ROWS) {
      sb.append(String.join(",", r)).append('\n');
    }
    Files.writeString(d.resolve("ratings.csv"), sb.toString());
    Files.writeString(d.resolve("README.txt"), readme);
    return d;
  }

  /** Every rating of both halves as "userLabel/itemLabel=rating@timestamp", sorted. */
  private static String ratings(Split s) {
    java.util.List<String> out = new java.util.ArrayList<>();
    for (RatingsData d : new RatingsData[] {s.train(), s.test()}) {
      for (int u = 0; u < d.numUsers(); u++) {
        for (int j = 0; j < d.userSize(u); j++) {
          out.add(d.userLabel(u) + "/" + d.itemLabel(d.item(u, j)) + "=" + d.rating(u, j) + "@"
              + d.timestamp(u, j));
        }
      }
    }
    java.util.Collections.sort(out);
    return String.join(" ", out);
  }

  private static final String EXPECTED = "12/1=2.5@1230000007 12/65133=4.5@1230000005"
      + " 5/4=0.5@1230000001 5/65133=3.0@1230000002 70000/1=5.0@1230000009";

  @Test
  void load10m_sparseIds_mapsDenselyInAscendingOrderKeepingLabels() throws IOException {
    Split s = MovieLens.load(ml10m(), "random", 1);
    assertEquals(MovieLens.ML_10M, s.dataset());
    assertEquals(3, s.numUsers());
    assertEquals(3, s.numItems());
    assertEquals(4, s.train().numRatings());
    assertEquals(1, s.test().numRatings());
    assertEquals("5", s.train().userLabel(0));
    assertEquals("12", s.train().userLabel(1));
    assertEquals("70000", s.train().userLabel(2));
    assertEquals("1", s.train().itemLabel(0));
    assertEquals("4", s.train().itemLabel(1));
    assertEquals("65133", s.test().itemLabel(2));
    assertEquals(EXPECTED, ratings(s));
  }

  @Test
  void load20m_ratingsCsvWithHeader_sameRatingsAsThe10mFormat() throws IOException {
    Split s = DataSets.load(MovieLens.ML_20M, mlCsv("ml-20m", "ml-20m README"), null, null, 1);
    assertEquals(MovieLens.ML_20M, s.dataset());
    assertEquals("random", s.splitName());
    assertEquals(EXPECTED, ratings(s));
  }

  @Test
  void load_ratingsCsvWhoseReadmeNames25m_detectedAs25m() throws IOException {
    Split s = MovieLens.load(mlCsv("download", "This dataset (ml-25m) describes ..."), "random", 1);
    assertEquals(MovieLens.ML_25M, s.dataset());
    assertEquals(5, s.train().numRatings() + s.test().numRatings());
  }

  @Test
  void load_ratingsCsvWithoutReadme_detectedAs20m() throws IOException {
    Path d = mlCsv("download", "");
    Files.delete(d.resolve("README.txt"));
    assertEquals(MovieLens.ML_20M, MovieLens.load(d, "random", 1).dataset());
  }

  @Test
  void load_ratingsDatWithUsersDat_staysMl1m() throws IOException {
    Path d = ml10m();
    Files.writeString(d.resolve("users.dat"), "1::F::1::10::48067\n");
    Files.writeString(d.resolve("ratings.dat"), "1::1::5::978300760\n2::3::4::978300761\n");
    Split s = MovieLens.load(d, "random", 1);
    assertEquals(MovieLens.ML_1M, s.dataset());
    assertEquals(3, s.numItems()); // ml-1m keeps id - 1 indices
  }

  @Test
  void load25m_sameSeed_sameSplit_differentSeed_differentSplit() throws IOException {
    Path d = mlCsv("ml-25m", "");
    StringBuilder sb = new StringBuilder(MovieLens.RATINGS_CSV_HEADER).append('\n');
    for (int x = 0; x < 200; x++) {
      sb.append(1 + x % 13).append(',').append(100 + x * 7).append(",3.5,").append(x).append('\n');
    }
    Files.writeString(d.resolve("ratings.csv"), sb.toString());
    String a = ratings(onlyTest(DataSets.load(MovieLens.ML_25M, d, null, "random", 4)));
    assertEquals(a, ratings(onlyTest(DataSets.load(MovieLens.ML_25M, d, null, "random", 4))));
    assertEquals(40, DataSets.load(MovieLens.ML_25M, d, null, "random", 4).test().numRatings());
    org.junit.jupiter.api.Assertions.assertNotEquals(
        a, ratings(onlyTest(DataSets.load(MovieLens.ML_25M, d, null, "random", 5))));
  }

  private static Split onlyTest(Split s) {
    RatingsData empty = RatingsData.builder(s.numUsers(), s.numItems()).build();
    return new Split(s.dataset(), s.splitName(), empty, s.test());
  }

  @Test
  void load10m_largestAcceptedIds_allocateForTheRowsOnly() throws IOException {
    Path d = ml10m();
    Files.writeString(d.resolve("ratings.dat"),
        "1000000000::1000000000::4::1\n1::999999999::4.5::2\n");
    Split s = MovieLens.load10m(d, "random", 1, BadRows.failing());
    assertEquals(2, s.numUsers());
    assertEquals(2, s.numItems());
    assertEquals("1000000000", s.train().itemLabel(1));
  }

  @Test
  void load10m_idAboveTheBound_failsWithFileAndLine() throws IOException {
    Path d = ml10m();
    Files.writeString(d.resolve("ratings.dat"), "1::1::4::1\n1::1000000001::4::2\n");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> MovieLens.load(d, "random", 1));
    assertEquals("ratings.dat:2: item id must be in [1, 1000000000], got \"1000000001\"",
        e.getMessage());
  }

  @Test
  void load20m_ratingNotAHalfStar_failsWithFileAndLine() throws IOException {
    Path d = mlCsv("ml-20m", "");
    Files.writeString(d.resolve("ratings.csv"),
        MovieLens.RATINGS_CSV_HEADER + "\n1,2,3.5,1\n1,3,4.25,2\n");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> DataSets.load(MovieLens.ML_20M, d, null, null, 1));
    assertEquals("ratings.csv:3: rating must be a multiple of 0.5 in [0.5, 5], got \"4.25\"",
        e.getMessage());
  }

  @Test
  void load20m_zeroRating_fails() throws IOException {
    Path d = mlCsv("ml-20m", "");
    Files.writeString(d.resolve("ratings.csv"), MovieLens.RATINGS_CSV_HEADER + "\n1,2,0,1\n");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> DataSets.load(MovieLens.ML_20M, d, null, null, 1));
    assertEquals("ratings.csv:2: rating must be a multiple of 0.5 in [0.5, 5], got \"0\"",
        e.getMessage());
  }

  @Test
  void load10m_officialSplitName_failsNamingTheRule() throws IOException {
    Path d = ml10m();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> DataSets.load(MovieLens.ML_10M, d, null, "r1", 1));
    assertEquals("split must be random for movielens-10m (it has no official splits). Provided"
        + " value: r1", e.getMessage());
  }

  @Test
  void load25m_directoryWithoutRatingsCsv_namesDataDir() throws IOException {
    Path d = ml10m();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> DataSets.load(MovieLens.ML_25M, d, null, null, 1));
    assertEquals("--data-dir " + d + " does not contain ratings.csv (dataset movielens-25m)",
        e.getMessage());
  }

  @Test
  void leaveOneOut_sparseData_keepsItemLabels() throws IOException {
    Split loo = DataSets.leaveOneOut(MovieLens.load(ml10m(), "random", 1), 1);
    // user 5's latest rating (1230000002) is movie 65133; user 12's is movie 1
    assertEquals("65133", loo.test().itemLabel(loo.test().item(0, 0)));
    assertEquals("1", loo.test().itemLabel(loo.test().item(1, 0)));
    assertEquals(0, loo.test().userSize(2)); // user 70000 has one rating, kept in train
  }
}
