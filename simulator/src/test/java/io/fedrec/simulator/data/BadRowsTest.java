package io.fedrec.simulator.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --bad-rows fail|skip} in every loader: the same malformed rows, both policies. */
class BadRowsTest {
  @TempDir Path dir;

  private Path file(String dirName, String fileName, String content) throws IOException {
    Path d = Files.createDirectories(dir.resolve(dirName));
    Files.writeString(d.resolve(fileName), content);
    return d;
  }

  private static int ratings(Split s) {
    return s.train().numRatings() + s.test().numRatings();
  }

  @Test
  void parse_unknownPolicy_namesParameterRuleAndValue() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> BadRows.Policy.parse("ignore"));
    assertEquals("badRows must be one of fail, skip. Provided value: ignore", e.getMessage());
  }

  @Test
  void ml100k_fail_firstBadRowThrowsFileAndLine() throws IOException {
    Path d = file("ml-100k", "u.data", "1\t1\t5\t1\n2\tx\t3\t2\n3\t2\t4\t3\n");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> MovieLens.load100k(d, "random", 1, BadRows.failing()));
    assertEquals("u.data:2: item id must be an integer, got \"x\"", e.getMessage());
  }

  @Test
  void ml100k_skip_countsAndReportsBadRowsAndDuplicates() throws IOException {
    Path d = file("ml-100k", "u.data",
        "1\t1\t5\t1\n2\tx\t3\t2\n3\t2\t4\t3\n1\t1\t2\t4\n4\t3\n2\t3\t1\t5\n");
    BadRows bad = BadRows.skipping();
    Split s = MovieLens.load100k(d, "random", 1, bad);
    assertEquals(3, ratings(s));
    assertEquals(3, bad.skipped());
    assertEquals(List.of("u.data:2: item id must be an integer, got \"x\"",
        "u.data:5: expected 4 fields separated by tabs (user item rating timestamp), got 2",
        "u.data:4: duplicate rating for user 0 and item 0 (first at line 1)"), bad.examples());
  }

  @Test
  void ml100kOfficialSplit_skip_collectsOverBothFiles() throws IOException {
    Path d = file("ml-100k", "u1.base", "1\t1\t5\t1\n1\t2\t9e99\t2\n2\t2\t3\t3\n");
    Files.writeString(d.resolve("u1.test"), "1\t3\t4\t4\n-1\t1\t1\t1\n");
    Files.writeString(d.resolve("u.data"), "1\t1\t5\t1\n");
    BadRows bad = BadRows.skipping();
    Split s = MovieLens.load100k(d, "u1", 1, bad);
    assertEquals(2, s.train().numRatings());
    assertEquals(1, s.test().numRatings());
    assertEquals(List.of("u1.base:2: rating must be finite, got \"9e99\"",
        "u1.test:2: user id must be in [1, 100000000], got \"-1\""), bad.examples());
  }

  @Test
  void ml1m_skip_keepsTheGoodRows() throws IOException {
    Path d = file("ml-1m", "ratings.dat", "1::1::5::1\n1::2::4\n2::2::3::x\n2::3::3::9\n");
    BadRows bad = BadRows.skipping();
    Split s = MovieLens.load1m(d, "random", 1, bad);
    assertEquals(2, ratings(s));
    assertEquals(2, bad.skipped());
    assertEquals("ratings.dat:3: timestamp must be an integer, got \"x\"", bad.examples().get(1));
  }

  @Test
  void ml10m_skipAndFail_halfStarViolations() throws IOException {
    Path d = file("ml-10m", "ratings.dat", "1::10::4.5::1\n1::20::4.7::2\n2::10::0.5::3\n");
    Files.writeString(d.resolve("tags.dat"), "");
    BadRows bad = BadRows.skipping();
    assertEquals(2, ratings(MovieLens.load(d, "random", 1, bad)));
    assertEquals(List.of("ratings.dat:2: rating must be a multiple of 0.5 in [0.5, 5], got"
        + " \"4.7\""), bad.examples());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> MovieLens.load(d, "random", 1, BadRows.failing()));
    assertEquals(bad.examples().get(0), e.getMessage());
  }

  @Test
  void ml20m_skip_duplicateReportedWithOriginalIds() throws IOException {
    Path d = file("ml-20m", "ratings.csv", MovieLens.RATINGS_CSV_HEADER
        + "\n7,5000,3,1\n9,5000,4,2\n7,5000,5,3\n");
    BadRows bad = BadRows.skipping();
    Split s = MovieLens.loadRatingsCsv(d, "random", 1, bad, MovieLens.ML_20M);
    assertEquals(2, ratings(s));
    assertEquals(List.of(
        "ratings.csv:4: duplicate rating for user 7 and item 5000 (first at line 2)"),
        bad.examples());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> MovieLens.loadRatingsCsv(d, "random", 1, BadRows.failing(), MovieLens.ML_20M));
    assertEquals(bad.examples().get(0), e.getMessage());
  }

  @Test
  void csv_skip_itemOutsideCatalogueAndEmptyUser() throws IOException {
    Path f = file("csv", "r.csv", "user,item,rating\na,1,4\n,2,3\nb,99,5\nb,2,1\n")
        .resolve("r.csv");
    BadRows bad = BadRows.skipping();
    RatingsData d = CsvRatings.read(f, 10, CsvFormat.DEFAULT, bad);
    assertEquals(2, d.numRatings());
    assertEquals(List.of("r.csv:3: user must not be empty",
        "r.csv:4: item must be in [0, 9], got \"99\""), bad.examples());
  }

  @Test
  void skip_everyRowBad_failsNamingFileCountAndFirstReason() throws IOException {
    Path f = file("csv", "r.csv", "a,x,4\nb,y,3\n").resolve("r.csv");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> CsvRatings.read(f, 0, CsvFormat.DEFAULT, BadRows.skipping()));
    assertEquals("r.csv: no valid ratings (every row is bad: 2 skipped, first: r.csv:1: item"
        + " must be an integer, got \"x\")", e.getMessage());
  }

  @Test
  void skip_manyBadRows_keepsOnlyTheFirstExamplesButCountsAll() throws IOException {
    StringBuilder sb = new StringBuilder("u,0,1\n");
    for (int x = 0; x < 12; x++) {
      sb.append("u,").append(x + 1).append(",bad\n");
    }
    Path f = file("csv", "r.csv", sb.toString()).resolve("r.csv");
    BadRows bad = BadRows.skipping();
    CsvRatings.read(f, 0, CsvFormat.DEFAULT, bad);
    assertEquals(12, bad.skipped());
    assertEquals(BadRows.MAX_EXAMPLES, bad.examples().size());
    assertEquals("r.csv:2: rating must be a number, got \"bad\"", bad.examples().get(0));
  }

  @Test
  void dataSetsLoad_skip_appliesToCsv() throws IOException {
    Path f = file("csv", "r.csv", "a,1,4\nb,2\nc,3,5\nd,4,2\ne,5,1\n").resolve("r.csv");
    BadRows bad = BadRows.skipping();
    Split s = DataSets.load(DataSets.CSV, null, f, null, 1, SyntheticConfig.builder(),
        CsvFormat.DEFAULT, bad);
    assertEquals(4, ratings(s));
    assertEquals(1, bad.skipped());
  }
}
