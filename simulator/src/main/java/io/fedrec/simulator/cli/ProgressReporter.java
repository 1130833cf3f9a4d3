package io.fedrec.simulator.cli;

import io.fedrec.simulator.sim.RoundRow;
import io.fedrec.simulator.sim.SimulationConfig;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * Progress of a simulation between its evaluation lines: on an interactive terminal a bar redrawn
 * in place ({@code [#####.....] round 40/100  test RMSE 0.8123  ETA 0:31}), otherwise plain log
 * lines at every tenth of the run ({@code progress: 40/100 rounds (40%), 12.3 s elapsed, ETA 18.5
 * s}), so CI logs and pipes stay readable. Not thread-safe: called from the simulation's thread.
 */
final class ProgressReporter {
  /** How progress is shown. */
  enum Mode {
    AUTO, BAR, LOG, OFF;

    static Mode parse(String s) {
      for (Mode m : values()) {
        if (m.name().equalsIgnoreCase(s)) {
          return m;
        }
      }
      throw CliException.usage(
          "--progress must be one of auto, bar, log, off. Provided value: " + s);
    }
  }

  private static final int BAR_WIDTH = 30;

  private final PrintWriter out;
  private final Mode mode;
  private final long startNanos = System.nanoTime();
  private String lastMetric = "";
  private boolean barShown;

  ProgressReporter(PrintWriter out, Mode mode) {
    this.out = out;
    this.mode = mode == Mode.AUTO ? (System.console() != null ? Mode.BAR : Mode.LOG) : mode;
  }

  /** The effective mode (AUTO resolved). */
  Mode mode() {
    return mode;
  }

  /** Called after every published round, before its evaluation line (if any) is printed. */
  void beforeRow(RoundRow row) {
    if (row.evaluated() && barShown) {
      out.print("\r" + " ".repeat(BAR_WIDTH + 60) + "\r"); // the evaluation line replaces the bar
      barShown = false;
    }
  }

  /** Called after every published round. */
  void afterRow(RoundRow row, SimulationConfig c) {
    if (row.evaluated() && !Double.isNaN(row.testRmse())) {
      lastMetric = String.format(Locale.ROOT, "  test RMSE %.4f", row.testRmse());
    }
    long total = c.rounds();
    long r = row.round();
    double elapsed = (System.nanoTime() - startNanos) / 1e9;
    double eta = r == 0 ? 0 : elapsed / r * (total - r);
    switch (mode) {
      case BAR -> {
        int filled = (int) (BAR_WIDTH * r / Math.max(1, total));
        out.printf(Locale.ROOT, "\r[%s%s] round %d/%d%s  ETA %s", "#".repeat(filled),
            ".".repeat(BAR_WIDTH - filled), r, total, lastMetric, clock(eta));
        barShown = true;
        if (r == total) {
          out.println();
          barShown = false;
        }
        out.flush();
      }
      case LOG -> {
        long step = Math.max(1, total / 10);
        if (r % step == 0 || r == total) {
          out.printf(Locale.ROOT, "progress: %d/%d rounds (%d%%), %.1f s elapsed, ETA %.1f s%n",
              r, total, 100 * r / Math.max(1, total), elapsed, eta);
          out.flush();
        }
      }
      default -> { }
    }
  }

  private static String clock(double seconds) {
    long s = Math.round(seconds);
    return String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
  }
}
