package io.fedrec.simulator.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code fedrec sweep}: runs {@code simulate} over a grid of option values, one output folder per
 * cell, and collects the results in {@code results.csv}. Resumable: a cell whose folder already
 * holds a {@code summary.json} written for the same options is not run again.
 */
@Command(
    name = "sweep",
    mixinStandardHelpOptions = true,
    description = "Runs simulate over a grid: --config FILE holds simulate options (key=value, as"
        + " for simulate --config) and grid.KEY=v1,v2,... lines; every combination runs in its"
        + " own folder under --out, and results.csv collects one row per cell. Finished cells"
        + " are skipped on re-run.")
final class SweepCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--config", paramLabel = "FILE", required = true,
      description = "the sweep: simulate options and grid.KEY=v1,v2 lines")
  Path config;

  @Option(names = "--out", paramLabel = "DIR", defaultValue = "out/sweep",
      description = "where the cell folders and results.csv go (default: ${DEFAULT-VALUE})")
  Path out;

  @Option(names = "--parallel", paramLabel = "N", defaultValue = "1",
      description = "cells run at once (each simulation also uses the machine's cores)"
          + " (default: ${DEFAULT-VALUE})")
  int parallel;

  /** Summary keys copied to results.csv, in this order. */
  static final List<String> RESULT_KEYS = List.of("rounds_completed", "rmse", "mae",
      "baseline_rmse", "epsilon", "epsilon_rdp", "wall_seconds", "final_model_sha256");

  @Override
  public Integer call() throws Exception {
    Flags.inRange("--parallel", parallel, 1, 64);
    if (!Files.isRegularFile(config)) {
      throw CliException.usage("--config " + config + " does not exist or is not a file");
    }
    Properties p = new Properties();
    try {
      p.load(new StringReader(Files.readString(config, StandardCharsets.UTF_8)));
    } catch (IOException | IllegalArgumentException e) {
      throw CliException.usage("--config " + config + ": cannot read: " + e.getMessage(), e);
    }
    Map<String, String> base = new LinkedHashMap<>();
    Map<String, List<String>> grid = new LinkedHashMap<>();
    for (String key : new java.util.TreeSet<>(p.stringPropertyNames())) {
      String value = p.getProperty(key).trim();
      if (key.startsWith("grid.")) {
        List<String> values = new ArrayList<>();
        for (String v : value.split(",")) {
          if (!v.isBlank()) {
            values.add(v.trim());
          }
        }
        if (values.isEmpty()) {
          throw CliException.usage("--config " + config + ": " + key + " has no values");
        }
        grid.put(key.substring("grid.".length()), values);
      } else if (key.equals("out") || key.equals("config")) {
        throw CliException.usage("--config " + config + ": '" + key + "' is set by the sweep;"
            + " remove it");
      } else {
        base.put(key, value);
      }
    }
    if (grid.isEmpty()) {
      throw CliException.usage("--config " + config + ": no grid.KEY=v1,v2 line: nothing to"
          + " sweep");
    }
    List<Map<String, String>> cells = new ArrayList<>();
    cells.add(new LinkedHashMap<>());
    for (Map.Entry<String, List<String>> g : grid.entrySet()) {
      List<Map<String, String>> next = new ArrayList<>();
      for (Map<String, String> c : cells) {
        for (String v : g.getValue()) {
          Map<String, String> d = new LinkedHashMap<>(c);
          d.put(g.getKey(), v);
          next.add(d);
        }
      }
      cells = next;
    }
    Files.createDirectories(out);
    PrintWriter o = spec.commandLine().getOut();
    o.printf(Locale.ROOT, "sweep: %d cells over %s, %d at a time, into %s%n", cells.size(),
        grid.keySet(), parallel, out);
    o.flush();
    ExecutorService pool = Executors.newFixedThreadPool(parallel);
    List<Future<String>> runs = new ArrayList<>();
    try {
      for (Map<String, String> cell : cells) {
        runs.add(pool.submit(() -> runCell(base, cell, o)));
      }
      int failed = 0;
      for (Future<String> f : runs) {
        if (f.get() != null) {
          failed++;
        }
      }
      writeResults(grid, cells);
      o.printf(Locale.ROOT, "wrote %s (%d cells, %d failed)%n", out.resolve("results.csv"),
          cells.size(), failed);
      o.flush();
      return failed == 0 ? 0 : 1;
    } finally {
      pool.shutdownNow();
    }
  }

  /** The folder name of a cell, e.g. {@code epsilon=2_rounds=100}. */
  static String cellName(Map<String, String> cell) {
    StringBuilder b = new StringBuilder();
    for (Map.Entry<String, String> e : cell.entrySet()) {
      if (b.length() > 0) {
        b.append('_');
      }
      b.append(e.getKey()).append('=').append(e.getValue().replaceAll("[^A-Za-z0-9.@-]", "-"));
    }
    return b.toString();
  }

  /** Runs one cell unless already done; returns null on success, else the error. */
  private String runCell(Map<String, String> base, Map<String, String> cell, PrintWriter o)
      throws IOException {
    String name = cellName(cell);
    Path dir = out.resolve(name);
    Map<String, String> options = new LinkedHashMap<>(base);
    options.putAll(cell);
    StringBuilder identity = new StringBuilder();
    for (Map.Entry<String, String> e : new java.util.TreeMap<>(options).entrySet()) {
      identity.append(e.getKey()).append('=').append(e.getValue()).append('\n');
    }
    Path marker = dir.resolve("cell.properties");
    if (Files.isRegularFile(dir.resolve("summary.json")) && Files.isRegularFile(marker)
        && Files.readString(marker, StandardCharsets.UTF_8).equals(identity.toString())) {
      synchronized (o) {
        o.printf("cell %s: done already, skipped%n", name);
        o.flush();
      }
      return null;
    }
    Files.createDirectories(dir);
    Files.deleteIfExists(dir.resolve("summary.json"));
    Files.writeString(marker, identity.toString(), StandardCharsets.UTF_8);
    List<String> args = new ArrayList<>();
    args.add("simulate");
    for (Map.Entry<String, String> e : options.entrySet()) {
      args.add("--" + e.getKey());
      args.add(e.getValue());
    }
    args.add("--out");
    args.add(dir.toString());
    StringWriter log = new StringWriter();
    StringWriter err = new StringWriter();
    int code;
    try (PrintWriter lw = new PrintWriter(log); PrintWriter ew = new PrintWriter(err)) {
      code = Main.execute(lw, ew, args.toArray(new String[0]));
    }
    Files.writeString(dir.resolve("log.txt"), log + err.toString(), StandardCharsets.UTF_8);
    synchronized (o) {
      if (code == 0) {
        o.printf("cell %s: done%n", name);
      } else {
        o.printf("cell %s: FAILED (exit %d): %s%n", name, code, err.toString().trim());
      }
      o.flush();
    }
    return code == 0 ? null : err.toString();
  }

  private void writeResults(Map<String, List<String>> grid, List<Map<String, String>> cells)
      throws IOException {
    StringBuilder csv = new StringBuilder("cell");
    for (String g : grid.keySet()) {
      csv.append(',').append(g);
    }
    for (String k : RESULT_KEYS) {
      csv.append(',').append(k.equals("epsilon") ? "epsilon_spent" : k);
    }
    csv.append('\n');
    for (Map<String, String> cell : cells) {
      String name = cellName(cell);
      Path summary = out.resolve(name).resolve("summary.json");
      String json = Files.isRegularFile(summary)
          ? Files.readString(summary, StandardCharsets.UTF_8) : "";
      csv.append(name);
      for (String g : grid.keySet()) {
        csv.append(',').append(cell.get(g));
      }
      for (String k : RESULT_KEYS) {
        csv.append(',').append(firstValue(json, k));
      }
      csv.append('\n');
    }
    Files.writeString(out.resolve("results.csv"), csv.toString(), StandardCharsets.UTF_8);
    writeReport(grid, cells);
  }

  /**
   * {@code report.html}: for every swept option with numeric values, the test RMSE (and, with
   * privacy, the epsilon spent) against it, one line per combination of the other swept values.
   */
  private void writeReport(Map<String, List<String>> grid, List<Map<String, String>> cells)
      throws IOException {
    StringBuilder h = new StringBuilder("<!DOCTYPE html>\n<html lang=\"en\"><head>"
        + "<meta charset=\"utf-8\"><title>fedrec sweep report</title><style>body{font-family:"
        + "sans-serif;margin:2em}</style></head><body>\n<h1>fedrec sweep: ")
        .append(cells.size()).append(" cells</h1>\n<p>results: results.csv; each cell's own"
            + " report.html is in its folder.</p>\n");
    String[] colors = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b",
        "#e377c2", "#7f7f7f"};
    for (String key : grid.keySet()) {
      if (!numeric(grid.get(key))) {
        continue;
      }
      for (String metric : List.of("rmse", "epsilon")) {
        Map<String, List<double[]>> lines = new LinkedHashMap<>();
        for (Map<String, String> cell : cells) {
          Path summary = out.resolve(cellName(cell)).resolve("summary.json");
          String v = Files.isRegularFile(summary)
              ? firstValue(Files.readString(summary, StandardCharsets.UTF_8), metric) : "";
          if (v.isEmpty()) {
            continue;
          }
          Map<String, String> others = new LinkedHashMap<>(cell);
          others.remove(key);
          String label = others.isEmpty() ? metric : others.toString();
          lines.computeIfAbsent(label, k -> new ArrayList<>()).add(new double[] {
              Double.parseDouble(cell.get(key)), Double.parseDouble(v)});
        }
        if (lines.isEmpty()) {
          continue;
        }
        List<io.fedrec.simulator.report.HtmlReport.Series> series = new ArrayList<>();
        int c = 0;
        for (Map.Entry<String, List<double[]>> e : lines.entrySet()) {
          List<double[]> pts = e.getValue();
          pts.sort(java.util.Comparator.comparingDouble(x -> x[0]));
          double[] xs = new double[pts.size()];
          double[] ys = new double[pts.size()];
          for (int i = 0; i < xs.length; i++) {
            xs[i] = pts.get(i)[0];
            ys[i] = pts.get(i)[1];
          }
          series.add(new io.fedrec.simulator.report.HtmlReport.Series(e.getKey(),
              colors[c++ % colors.length], xs, ys));
        }
        String title = (metric.equals("rmse") ? "test RMSE" : "epsilon spent") + " vs " + key;
        String svg = io.fedrec.simulator.report.HtmlReport.chart(title, key,
            metric.equals("rmse") ? "test RMSE" : "epsilon", series);
        Files.writeString(out.resolve("plot-" + metric + "-vs-" + key + ".svg"), svg,
            StandardCharsets.UTF_8);
        h.append("<h2>").append(title).append("</h2>\n").append(svg).append('\n');
      }
    }
    h.append("</body></html>\n");
    Files.writeString(out.resolve("report.html"), h.toString(), StandardCharsets.UTF_8);
  }

  private static boolean numeric(List<String> values) {
    for (String v : values) {
      try {
        Double.parseDouble(v);
      } catch (NumberFormatException e) {
        return false;
      }
    }
    return true;
  }

  /** The first value of {@code "key":} in the summary (a number, a string, or empty for null). */
  static String firstValue(String json, String key) {
    Matcher m = Pattern.compile("\"" + Pattern.quote(key) + "\"\\s*:\\s*(\"[^\"]*\"|[^,}\\]]+)")
        .matcher(json);
    if (!m.find()) {
      return "";
    }
    String v = m.group(1).trim();
    if (v.equals("null")) {
      return "";
    }
    return v.startsWith("\"") ? v.substring(1, v.length() - 1) : v;
  }
}
