package io.fedrec.simulator.cli;

import io.fedrec.simulator.data.DataSets;
import io.fedrec.simulator.data.SyntheticConfig;
import io.fedrec.simulator.data.Split;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/** The data-set options shared by {@code simulate} and {@code baseline} (a picocli mixin). */
public final class DataOptions {
  @Option(
      names = "--dataset",
      paramLabel = "NAME",
      defaultValue = DataSets.SYNTHETIC,
      description = "synthetic, movielens-100k, movielens-1m or csv (default: ${DEFAULT-VALUE})")
  String dataset;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description = "directory of a MovieLens download (u.data / ratings.dat)")
  Path dataDir;

  @Option(
      names = {"--data", "--data-file"},
      paramLabel = "FILE",
      description = "CSV file user,item,rating[,timestamp] for --dataset csv")
  Path dataFile;

  @Option(
      names = "--split",
      paramLabel = "NAME",
      description = "u1..u5, ua, ub (movielens-100k) or random (default: random)")
  String split;

  @Option(
      names = "--seed",
      paramLabel = "N",
      defaultValue = "0",
      description = "seed of the synthetic data, random splits, the initial model and cohort"
          + " sampling (default: ${DEFAULT-VALUE})")
  long seed;

  @Option(
      names = "--users",
      paramLabel = "N",
      description = "users of the synthetic data set (default: " + DEFAULT_SYNTHETIC_USERS + ")")
  Integer users;

  /**
   * Users of the command line's synthetic data set: enough that the private default federation
   * (distributed DP at epsilon 4) clearly beats the bias baseline; see docs/research.md.
   */
  static final int DEFAULT_SYNTHETIC_USERS = 100_000;

  @Option(
      names = "--items",
      paramLabel = "N",
      description = "items of the synthetic data set (default: " + SyntheticConfig.DEFAULT_ITEMS
          + ")")
  Integer items;

  private static final Map<String, String> FLAGS =
      Map.of("dataset", "--dataset", "split", "--split", "numUsers", "--users",
          "numItems", "--items");

  /** The split name actually used. */
  String splitName() {
    return split == null ? DataSets.RANDOM : split;
  }

  /**
   * Loads the data set.
   *
   * @throws CliException usage (exit 2) for bad options or malformed data, failure (exit 1)
   *     when a file cannot be read
   */
  Split load() {
    if ((users != null || items != null) && !DataSets.SYNTHETIC.equals(dataset)) {
      throw CliException.usage("--users and --items apply to --dataset synthetic only");
    }
    try {
      SyntheticConfig.Builder synthetic = SyntheticConfig.builder()
          .numUsers(users != null ? users : DEFAULT_SYNTHETIC_USERS);
      if (items != null) {
        synthetic.numItems(items);
      }
      return DataSets.load(dataset, dataDir, dataFile, split, seed, synthetic);
    } catch (IllegalArgumentException e) {
      throw Flags.rename(e, FLAGS, null);
    } catch (IOException e) {
      throw CliException.failure("cannot read the data set: " + e, e);
    }
  }
}
