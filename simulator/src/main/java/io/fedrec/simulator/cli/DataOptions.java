package io.fedrec.simulator.cli;

import io.fedrec.simulator.data.BadRows;
import io.fedrec.simulator.data.CsvFormat;
import io.fedrec.simulator.data.DataSets;
import io.fedrec.simulator.data.SyntheticConfig;
import io.fedrec.simulator.data.Split;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The data-set options shared by {@code simulate}, {@code baseline} and {@code sweep} (a picocli
 * mixin). Rows skipped under {@code --bad-rows skip} are reported on standard error and counted
 * in {@link #rowsSkipped()} for the run's summary.
 */
public final class DataOptions {
  @Spec(Spec.Target.MIXEE)
  CommandSpec mixee;

  @Option(
      names = "--dataset",
      paramLabel = "NAME",
      defaultValue = DataSets.SYNTHETIC,
      description = "synthetic, movielens-100k, movielens-1m, movielens-10m, movielens-20m,"
          + " movielens-25m or csv (default: ${DEFAULT-VALUE})")
  String dataset;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description = "directory of a MovieLens download (u.data / ratings.dat / ratings.csv)")
  Path dataDir;

  @Option(
      names = {"--data", "--data-file"},
      paramLabel = "FILE",
      description = "CSV file user,item,rating[,timestamp] for --dataset csv")
  Path dataFile;

  @Option(
      names = "--csv-columns",
      paramLabel = "COLS",
      description = "columns of user,item,rating[,timestamp] for --dataset csv: header names"
          + " (e.g. userId,movieId,rating) or 0-based indices (e.g. 1,0,2,3)"
          + " (default: the first 3 or 4 fields in that order)")
  String csvColumns;

  @Option(
      names = "--csv-separator",
      paramLabel = "SEP",
      description = "field separator for --dataset csv: , ; tab or :: (default: ,)")
  String csvSeparator;

  @Option(
      names = "--csv-header",
      paramLabel = "MODE",
      description = "whether the --dataset csv file starts with a header: auto, yes or no"
          + " (default: auto)")
  String csvHeader;

  @Option(
      names = "--bad-rows",
      paramLabel = "MODE",
      defaultValue = "fail",
      description = "malformed data rows: fail (on the first, naming file:line) or skip (count"
          + " them, report the first " + BadRows.MAX_EXAMPLES + ") (default: ${DEFAULT-VALUE})")
  String badRows;

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
          "numItems", "--items", "csvColumns", "--csv-columns", "csvSeparator", "--csv-separator",
          "csvHeader", "--csv-header", "badRows", "--bad-rows");

  private long rowsSkipped;

  /** Rows skipped by the last {@link #load()} under {@code --bad-rows skip}. */
  long rowsSkipped() {
    return rowsSkipped;
  }

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
    if ((csvColumns != null || csvSeparator != null || csvHeader != null)
        && !DataSets.CSV.equals(dataset)) {
      throw CliException.usage("--csv-columns, --csv-separator and --csv-header apply to"
          + " --dataset csv only. Provided value: --dataset " + dataset);
    }
    CsvFormat csv;
    BadRows bad;
    try {
      csv = CsvFormat.parse(csvColumns, csvSeparator, csvHeader);
      bad = BadRows.of(BadRows.Policy.parse(badRows));
    } catch (IllegalArgumentException e) {
      throw Flags.rename(e, FLAGS, null);
    }
    Split loaded;
    try {
      SyntheticConfig.Builder synthetic = SyntheticConfig.builder()
          .numUsers(users != null ? users : DEFAULT_SYNTHETIC_USERS);
      if (items != null) {
        synthetic.numItems(items);
      }
      loaded = DataSets.load(dataset, dataDir, dataFile, split, seed, synthetic, csv, bad);
    } catch (IllegalArgumentException e) {
      throw Flags.rename(e, FLAGS, null);
    } catch (IOException e) {
      throw CliException.failure("cannot read the data set: " + e, e);
    }
    rowsSkipped = bad.skipped();
    if (rowsSkipped > 0 && mixee != null) {
      PrintWriter err = mixee.commandLine().getErr();
      err.println("warning: --bad-rows skip: skipped " + rowsSkipped + " malformed row"
          + (rowsSkipped == 1 ? "" : "s") + (rowsSkipped > BadRows.MAX_EXAMPLES
              ? ", the first " + BadRows.MAX_EXAMPLES + ":" : ":"));
      for (String example : bad.examples()) {
        err.println("  " + example);
      }
      err.flush();
    }
    return loaded;
  }
}
