package io.fedrec.simulator.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataSetsTest {
  @TempDir Path dir;

  private static RatingsData twentyRatings() {
    RatingsData.Builder b = RatingsData.builder(4, 10);
    for (int u = 0; u < 4; u++) {
      for (int i = 0; i < 5; i++) {
        b.add(u, i * 2 + (u % 2), 1 + (u + i) % 5, 1000L + u * 10 + i);
      }
    }
    return b.userLabels(new String[] {"a", "b", "c", "d"}).build();
  }

  private static String testItems(Split s) {
    StringBuilder sb = new StringBuilder();
    for (int u = 0; u < s.numUsers(); u++) {
      for (int j = 0; j < s.test().userSize(u); j++) {
        sb.append(u).append(':').append(s.test().item(u, j)).append(' ');
      }
    }
    return sb.toString();
  }

  @Test
  void randomSplit_twentyRatings_putsExactlyFourInTest() {
    Split s = DataSets.randomSplit(twentyRatings(), 0.2, 1, "toy");
    assertEquals(4, s.test().numRatings());
    assertEquals(16, s.train().numRatings());
    assertEquals("toy", s.dataset());
    assertEquals("random", s.splitName());
  }

  @Test
  void randomSplit_sameSeed_sameSplit() {
    assertEquals(
        testItems(DataSets.randomSplit(twentyRatings(), 0.2, 9, "toy")),
        testItems(DataSets.randomSplit(twentyRatings(), 0.2, 9, "toy")));
  }

  @Test
  void randomSplit_differentSeed_differentSplit() {
    assertNotEquals(
        testItems(DataSets.randomSplit(twentyRatings(), 0.2, 1, "toy")),
        testItems(DataSets.randomSplit(twentyRatings(), 0.2, 2, "toy")));
  }

  @Test
  void randomSplit_keepsLabelsAndTimestamps() {
    Split s = DataSets.randomSplit(twentyRatings(), 0.2, 1, "toy");
    assertEquals("c", s.test().userLabel(2));
    RatingsData train = s.train();
    for (int u = 0; u < 4; u++) {
      for (int j = 0; j < train.userSize(u); j++) {
        int i = train.item(u, j);
        long expected = 1000L + u * 10 + (i - (u % 2)) / 2;
        assertEquals(expected, train.timestamp(u, j));
      }
    }
  }

  @Test
  void randomSplit_fractionOne_throws() {
    IllegalArgumentException e = assertThrows(
        IllegalArgumentException.class, () -> DataSets.randomSplit(twentyRatings(), 1, 1, "x"));
    assertEquals("testFraction must be in [0, 1). Provided value: 1.0", e.getMessage());
  }

  @Test
  void load_synthetic_generatesWithSeed() throws IOException {
    Split s = DataSets.load("synthetic", null, null, "random", 42);
    assertEquals(SyntheticDataset.generate(SyntheticConfig.defaults()).test().numRatings(),
        s.test().numRatings());
  }

  @Test
  void load_syntheticOfficialSplit_throws() {
    IllegalArgumentException e = assertThrows(
        IllegalArgumentException.class, () -> DataSets.load("synthetic", null, null, "u1", 1));
    assertEquals("split must be random for dataset synthetic. Provided value: u1", e.getMessage());
  }

  @Test
  void load_movielensDirWithoutData_namesOption() {
    IllegalArgumentException e = assertThrows(
        IllegalArgumentException.class, () -> DataSets.load("movielens-100k", dir, null, "u1", 1));
    assertEquals(
        "--data-dir " + dir + " does not contain u.data (dataset movielens-100k)",
        e.getMessage());
  }

  @Test
  void load_movielens1mDirWithoutRatings_namesFile() {
    IllegalArgumentException e = assertThrows(
        IllegalArgumentException.class,
        () -> DataSets.load("movielens-1m", dir, null, "random", 1));
    assertEquals(
        "--data-dir " + dir + " does not contain ratings.dat (dataset movielens-1m)",
        e.getMessage());
  }

  @Test
  void load_csvWithoutFile_namesOption() {
    IllegalArgumentException e = assertThrows(
        IllegalArgumentException.class, () -> DataSets.load("csv", null, null, "random", 1));
    assertEquals("--data-file is required for dataset csv", e.getMessage());
  }

  @Test
  void load_csv_splitsEightyTwenty() throws IOException {
    StringBuilder sb = new StringBuilder("user,item,rating\n");
    for (int x = 0; x < 50; x++) {
      sb.append("user").append(x % 7).append(',').append(x).append(",3\n");
    }
    Path file = dir.resolve("r.csv");
    Files.writeString(file, sb);
    Split s = DataSets.load("csv", null, file, null, 1);
    assertEquals(10, s.test().numRatings());
    assertEquals(40, s.train().numRatings());
    assertEquals("csv", s.dataset());
  }

  @Test
  void load_unknownDataset_listsNames() {
    IllegalArgumentException e = assertThrows(
        IllegalArgumentException.class, () -> DataSets.load("netflix", null, null, null, 1));
    assertEquals(
        "dataset must be one of [synthetic, movielens-100k, movielens-1m, movielens-10m,"
            + " movielens-20m, movielens-25m, csv]. Provided value: netflix",
        e.getMessage());
  }
}
