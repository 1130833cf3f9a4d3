package io.fedrec.simulator.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MovieLensTest {
  @TempDir Path dir;

  /** A tiny ml-100k layout: 4 users, 6 items, 10 ratings, split u1 into 8 + 2. */
  private void write100k() throws IOException {
    String[] rows = {
      "1\t1\t5\t881250949", "1\t2\t3\t881250950", "2\t3\t4\t881250951", "2\t1\t2\t881250952",
      "3\t6\t1\t881250953", "3\t2\t4\t881250954", "4\t4\t3\t881250955", "4\t5\t5\t881250956",
      "1\t3\t4\t881250957", "2\t6\t3\t881250958",
    };
    StringBuilder all = new StringBuilder();
    StringBuilder base = new StringBuilder();
    StringBuilder test = new StringBuilder();
    for (int x = 0; x < rows.length; x++) {
      all.append(rows[x]).append('\n');
      (x >= 8 ? test : base).append(rows[x]).append('\n');
    }
    Files.writeString(dir.resolve("u.data"), all);
    Files.writeString(dir.resolve("u1.base"), base);
    Files.writeString(dir.resolve("u1.test"), test);
  }

  private void write1m() throws IOException {
    Files.writeString(
        dir.resolve("ratings.dat"),
        "1::1193::5::978300760\n1::661::3::978302109\n2::1193::4::978298413\n");
    Files.writeString(dir.resolve("movies.dat"), "1::Toy Story (1995)::Animation\n"
        + "3952::Contender, The (2000)::Drama|Thriller\n");
  }

  @Test
  void load_officialSplit_readsBaseAndTest() throws IOException {
    write100k();
    Split s = MovieLens.load(dir, "u1", 1);
    assertEquals("movielens-100k", s.dataset());
    assertEquals("u1", s.splitName());
    assertEquals(8, s.train().numRatings());
    assertEquals(2, s.test().numRatings());
  }

  @Test
  void load_officialSplit_mapsIdsToIdMinusOne() throws IOException {
    write100k();
    Split s = MovieLens.load(dir, "u1", 1);
    assertEquals(0, s.train().item(0, 0));
    assertEquals(5f, s.train().rating(0, 0));
    assertEquals(881250949L, s.train().timestamp(0, 0));
    assertEquals(2, s.test().item(0, 0));
    assertEquals(5, s.test().item(1, 0));
  }

  @Test
  void load_officialSplit_indexSpacesAreWholeDataSet() throws IOException {
    write100k();
    // item 5 (id 6) and user 4 occur in both parts, item 4 (id 5) only in train
    Split s = MovieLens.load(dir, "u1", 1);
    assertEquals(4, s.numUsers());
    assertEquals(6, s.numItems());
  }

  @Test
  void load_uInfoPresent_usesItsCounts() throws IOException {
    write100k();
    Files.writeString(dir.resolve("u.info"), "943 users\n1682 items\n100000 ratings\n");
    Split s = MovieLens.load(dir, "u1", 1);
    assertEquals(943, s.numUsers());
    assertEquals(1682, s.numItems());
  }

  @Test
  void load_randomSplit_isDeterministicPerSeed() throws IOException {
    write100k();
    Split a = MovieLens.load(dir, "random", 5);
    Split b = MovieLens.load(dir, "random", 5);
    assertEquals(2, a.test().numRatings());
    assertEquals(8, a.train().numRatings());
    for (int u = 0; u < a.numUsers(); u++) {
      assertEquals(a.test().userSize(u), b.test().userSize(u));
      for (int j = 0; j < a.test().userSize(u); j++) {
        assertEquals(a.test().item(u, j), b.test().item(u, j));
      }
    }
  }

  @Test
  void load_missingSplitFile_namesFile() throws IOException {
    write100k();
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> MovieLens.load(dir, "u3", 1));
    assertEquals("directory " + dir + " does not contain u3.base", e.getMessage());
  }

  @Test
  void load_unknownSplit_listsValidOnes() throws IOException {
    write100k();
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> MovieLens.load(dir, "u9", 1));
    assertEquals(
        "split must be one of u1, u2, u3, u4, u5, ua, ub or random for movielens-100k."
            + " Provided value: u9",
        e.getMessage());
  }

  @Test
  void load_malformedRating_namesFileLineAndReason() throws IOException {
    write100k();
    Files.writeString(dir.resolve("u1.base"), "1\t1\t5\t881250949\n1\t2\tx\t881250950\n");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> MovieLens.load(dir, "u1", 1));
    assertEquals("u1.base:2: rating must be a number, got \"x\"", e.getMessage());
  }

  @Test
  void load_zeroItemId_namesFileLineAndReason() throws IOException {
    write100k();
    Files.writeString(dir.resolve("u1.test"), "1\t0\t5\t881250949\n");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> MovieLens.load(dir, "u1", 1));
    assertEquals("u1.test:1: item id must be in [1, 10000000], got \"0\"", e.getMessage());
  }

  @Test
  void load_missingField_namesFileLineAndReason() throws IOException {
    write100k();
    Files.writeString(dir.resolve("u1.test"), "1\t3\n");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> MovieLens.load(dir, "u1", 1));
    assertEquals(
        "u1.test:1: expected 4 fields separated by tabs (user item rating timestamp), got 2",
        e.getMessage());
  }

  @Test
  void load_duplicateRow_namesFileAndLines() throws IOException {
    write100k();
    Files.writeString(dir.resolve("u1.test"), "1\t3\t4\t1\n2\t6\t3\t2\n1\t3\t2\t3\n");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> MovieLens.load(dir, "u1", 1));
    assertEquals(
        "u1.test:3: duplicate rating for user 0 and item 2 (first at line 1)", e.getMessage());
  }

  @Test
  void load_ml1m_readsDoubleColonRowsAndWidensCatalogueToMovies() throws IOException {
    write1m();
    Split s = MovieLens.load(dir, "random", 3);
    assertEquals("movielens-1m", s.dataset());
    assertEquals(2, s.numUsers());
    assertEquals(3952, s.numItems());
    assertEquals(3, s.train().numRatings() + s.test().numRatings());
  }

  @Test
  void load_ml1mOfficialSplit_throws() throws IOException {
    write1m();
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> MovieLens.load(dir, "u1", 3));
    assertEquals(
        "split must be random for movielens-1m (it has no official splits). Provided value: u1",
        e.getMessage());
  }

  @Test
  void load_emptyDirectory_namesEveryFormat() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> MovieLens.load(dir, "u1", 1));
    assertEquals("directory " + dir + " contains neither u.data (movielens-100k), ratings.dat"
        + " (movielens-1m, movielens-10m) nor ratings.csv (movielens-20m, movielens-25m)",
        e.getMessage());
  }

  @Test
  void load_realU1_hasOfficialCounts() throws IOException {
    Optional<Path> ml = TestDatasets.ml100k();
    assumeTrue(ml.isPresent(), "MovieLens-100K not available");
    Split s = MovieLens.load(ml.get(), "u1", 1);
    assertEquals(80_000, s.train().numRatings());
    assertEquals(20_000, s.test().numRatings());
    assertEquals(943, s.numUsers());
    assertEquals(1682, s.numItems());
  }

  @Test
  void load_realRandom_splitsEightyTwenty() throws IOException {
    Optional<Path> ml = TestDatasets.ml100k();
    assumeTrue(ml.isPresent(), "MovieLens-100K not available");
    Split s = MovieLens.load(ml.get(), "random", 1);
    assertEquals(80_000, s.train().numRatings());
    assertEquals(20_000, s.test().numRatings());
  }
}
