package io.fedrec.simulator.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The command line's entry point to data: loads a named data set and split, and makes seeded
 * random splits. Thread-safe (stateless).
 */
public final class DataSets {
  public static final String SYNTHETIC = SyntheticDataset.NAME;
  public static final String CSV = "csv";
  public static final String RANDOM = "random";

  /** The data set names {@link #load} accepts. */
  public static final List<String> NAMES =
      List.of(SYNTHETIC, MovieLens.ML_100K, MovieLens.ML_1M, CSV);

  /** The test fraction of random splits of loaded files. */
  public static final double TEST_FRACTION = 0.2;

  private DataSets() {}

  /**
   * Loads a data set and split.
   *
   * <ul>
   *   <li>{@code synthetic}: {@link SyntheticDataset} with the defaults and {@code seed}; {@code
   *       dataDir} and {@code dataFile} are ignored; the split must be {@code random}.
   *   <li>{@code movielens-100k}, {@code movielens-1m}: {@link MovieLens} from {@code dataDir}.
   *   <li>{@code csv}: {@link CsvRatings} from {@code dataFile}, seeded random 80/20 split.
   * </ul>
   *
   * <p>A null {@code split} means {@code random}.
   *
   * @throws IllegalArgumentException for an unknown data set or split, a missing directory or
   *     file (messages name the {@code --data-dir} / {@code --data-file} option), or bad data
   */
  public static Split load(String dataset, Path dataDir, Path dataFile, String split, long seed)
      throws IOException {
    String s = split == null ? RANDOM : split;
    if (dataset == null) {
      throw new IllegalArgumentException(
          "dataset must be one of " + NAMES + ". Provided value: null");
    }
    switch (dataset) {
      case SyntheticDataset.NAME:
        requireRandom(dataset, s);
        return SyntheticDataset.generate(SyntheticConfig.builder().seed(seed).build());
      case MovieLens.ML_100K:
        requireFile(dataDir, "u.data", dataset);
        return MovieLens.load100k(dataDir, s, seed);
      case MovieLens.ML_1M:
        requireFile(dataDir, "ratings.dat", dataset);
        return MovieLens.load1m(dataDir, s, seed);
      case CSV:
        requireRandom(dataset, s);
        if (dataFile == null) {
          throw new IllegalArgumentException("--data-file is required for dataset csv");
        }
        if (!Files.isRegularFile(dataFile)) {
          throw new IllegalArgumentException(
              "--data-file " + dataFile + " does not exist or is not a file");
        }
        return randomSplit(CsvRatings.read(dataFile), TEST_FRACTION, seed, CSV);
      default:
        throw new IllegalArgumentException(
            "dataset must be one of " + NAMES + ". Provided value: " + dataset);
    }
  }

  /**
   * Splits {@code all} per rating: exactly {@code round(testFraction * numRatings)} ratings,
   * chosen uniformly at random by a seeded partial Fisher-Yates shuffle, go to test. Each user's
   * ratings keep their order; labels and timestamps are kept. Deterministic for a seed. Split
   * name {@code random}.
   */
  public static Split randomSplit(RatingsData all, double testFraction, long seed, String name) {
    if (!Double.isFinite(testFraction) || testFraction < 0 || testFraction >= 1) {
      throw new IllegalArgumentException(
          "testFraction must be in [0, 1). Provided value: " + testFraction);
    }
    int n = all.numRatings();
    int nTest = (int) Math.round(testFraction * n);
    int[] perm = new int[n];
    for (int x = 0; x < n; x++) {
      perm[x] = x;
    }
    boolean[] isTest = new boolean[n];
    SplittableRandom random = new SplittableRandom(seed);
    for (int x = 0; x < nTest; x++) {
      int pick = x + random.nextInt(n - x);
      int t = perm[x];
      perm[x] = perm[pick];
      perm[pick] = t;
      isTest[perm[x]] = true;
    }
    RatingsData.Builder train = RatingsData.builder(all.numUsers(), all.numItems());
    RatingsData.Builder test = RatingsData.builder(all.numUsers(), all.numItems());
    String[] labels = all.labelsOrNull();
    if (labels != null) {
      train.userLabels(labels);
      test.userLabels(labels);
    }
    int x = 0;
    for (int u = 0; u < all.numUsers(); u++) {
      int size = all.userSize(u);
      for (int j = 0; j < size; j++, x++) {
        (isTest[x] ? test : train)
            .add(u, all.item(u, j), all.rating(u, j), all.timestamp(u, j));
      }
    }
    return new Split(name, RANDOM, train.build(), test.build());
  }

  private static void requireRandom(String dataset, String split) {
    if (!RANDOM.equals(split)) {
      throw new IllegalArgumentException(
          "split must be random for dataset " + dataset + ". Provided value: " + split);
    }
  }

  private static void requireFile(Path dataDir, String file, String dataset) {
    if (dataDir == null) {
      throw new IllegalArgumentException("--data-dir is required for dataset " + dataset);
    }
    if (!Files.isRegularFile(dataDir.resolve(file))) {
      throw new IllegalArgumentException(
          "--data-dir " + dataDir + " does not contain " + file + " (dataset " + dataset + ")");
    }
  }
}
