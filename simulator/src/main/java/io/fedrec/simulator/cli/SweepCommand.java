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
