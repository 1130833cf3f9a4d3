package io.fedrec.simulator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedrec.simulator.cli.CliTest.Run;
import io.fedrec.simulator.report.SimulationReport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The data flags of {@link DataOptions}: CSV column mapping, {@code --bad-rows}, validation. */
class DataOptionsCliTest {
  @TempDir Path tmp;

  private static void assertUsage(Run r, String expected) {
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains(expected), "stderr: " + r.err());
    assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
  }

  /**
   * {@link ImplicitCliTest#smallCsv}'s 3,000 ratings as {@code item;rating;user;when} under a
   * header, with three malformed rows at lines 3, 10 and 20.
   */
  private Path mappedCsv() throws Exception {
    List<String> rows = Files.readAllLines(ImplicitCliTest.smallCsv(tmp));
    StringBuilder sb = new StringBuilder("item;rating;user;when\n");
    for (int x = 1; x < rows.size(); x++) {
      String[] f = rows.get(x).split(",");
      sb.append(f[1]).append(';').append(f[2]).append(';').append(f[0]).append(';')
          .append(f[3]).append('\n');
      if (x == 1) {
        sb.append("7;five;u1;1\n"); // line 3
      } else if (x == 7) {
        sb.append("7;5;u1\n"); // line 10
      } else if (x == 16) {
        sb.append("-3;5;u1;1\n"); // line 20
      }
    }
    return Files.writeString(tmp.resolve("mapped.csv"), sb.toString());
  }

  private String[] args(String command, Path out, String badRows) throws Exception {
    return new String[] {command, "--dataset", "csv", "--data", mappedCsv().toString(),
        "--csv-columns", "user,item,rating,when", "--csv-separator", ";", "--csv-header", "yes",
        "--bad-rows", badRows, "--out", out.toString()};
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> summary(Path out) throws Exception {
    return (Map<String, Object>) MiniJson.parse(
        Files.readString(out.resolve(SimulationReport.SUMMARY), StandardCharsets.UTF_8));
  }

  @Test
  void baseline_mappedCsvWithSkip_reportsSkippedRowsOnStderrAndInSummary() throws Exception {
    Path out = tmp.resolve("baseline");
    String[] a = args("baseline", out, "skip");
    String[] all = java.util.Arrays.copyOf(a, a.length + 4);
    System.arraycopy(new String[] {"--algo", "mean-bias", "--iterations", "2"}, 0, all, a.length,
        4);
    Run r = CliTest.run(all);
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("baseline: csv/random, 200 users, 100 items, 2400 train / 600"
        + " test ratings"), r.out());
    assertEquals("warning: --bad-rows skip: skipped 3 malformed rows:\n"
        + "  mapped.csv:3: rating must be a number, got \"five\"\n"
        + "  mapped.csv:10: expected 4 fields separated by \";\" like the header, got 3\n"
        + "  mapped.csv:20: item must be in [0, 9999999], got \"-3\"\n",
        r.err().replace(System.lineSeparator(), "\n"));
    assertEquals(3.0, summary(out).get("data_rows_skipped"));
  }

  @Test
  void baseline_mappedCsvWithFail_exit2NamingFileAndLine() throws Exception {
    Run r = CliTest.run(args("baseline", tmp.resolve("fail"), "fail"));
    assertUsage(r, "mapped.csv:3: rating must be a number, got \"five\"");
  }

  @Test
  void simulate_mappedCsvWithSkip_writesDataRowsSkipped() throws Exception {
    Path out = tmp.resolve("simulate");
    String[] a = args("simulate", out, "skip");
    String[] all = java.util.Arrays.copyOf(a, a.length + 10);
    System.arraycopy(new String[] {"--rounds", "2", "--clients-per-round", "20", "--privacy",
        "none", "--secagg", "off", "--progress", "off"}, 0, all, a.length, 10);
    Run r = CliTest.run(all);
    assertEquals(0, r.code(), r.err());
    Map<String, Object> s = summary(out);
    assertEquals(3.0, s.get("data_rows_skipped"));
    assertEquals(2400.0, s.get("train_ratings"));
  }

  @Test
  void simulate_unknownBadRowsMode_exit2() {
    assertUsage(CliTest.run("simulate", "--bad-rows", "ignore"),
        "--bad-rows must be one of fail, skip. Provided value: ignore");
  }

  @Test
  void simulate_unknownSeparator_exit2() {
    assertUsage(CliTest.run("simulate", "--dataset", "csv", "--csv-separator", "|"),
        "--csv-separator must be one of , ; tab ::. Provided value: |");
  }

  @Test
  void simulate_unknownHeaderMode_exit2() {
    assertUsage(CliTest.run("simulate", "--dataset", "csv", "--csv-header", "maybe"),
        "--csv-header must be one of auto, yes, no. Provided value: maybe");
  }

  @Test
  void simulate_twoColumns_exit2() {
    assertUsage(CliTest.run("simulate", "--dataset", "csv", "--csv-columns", "0,1"),
        "--csv-columns must name 3 or 4 columns (user,item,rating[,timestamp]). Provided value:"
            + " 0,1");
  }

  @Test
  void baseline_columnsByNameWithoutHeader_exit2() {
    assertUsage(CliTest.run("baseline", "--dataset", "csv", "--csv-columns", "u,i,r",
        "--csv-header", "no"),
        "--csv-columns by name need a header line, but the header mode is no. Provided value:"
            + " u,i,r");
  }

  @Test
  void simulate_csvFlagWithOtherDataset_exit2() {
    assertUsage(CliTest.run("simulate", "--csv-separator", ";"),
        "--csv-columns, --csv-separator and --csv-header apply to --dataset csv only. Provided"
            + " value: --dataset synthetic");
  }

  @Test
  void simulate_movielens25mWithoutRatingsCsv_exit2NamingDataDir() {
    assertUsage(CliTest.run("simulate", "--dataset", "movielens-25m", "--data-dir",
        tmp.toString()), "--data-dir " + tmp + " does not contain ratings.csv (dataset"
            + " movielens-25m)");
  }
}
