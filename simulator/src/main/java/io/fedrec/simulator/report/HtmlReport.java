package io.fedrec.simulator.report;

import io.fedrec.simulator.sim.PrivacyReport;
import io.fedrec.simulator.sim.RoundRow;
import io.fedrec.simulator.sim.SecAggReport;
import io.fedrec.simulator.sim.SimulationResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A self-contained {@code report.html} for a simulation's output folder: the summary, plots of the
 * round series (test metric, training RMSE, participation and dropouts, bytes) as inline SVG, and
 * the run's resolved options. No scripts, no external resources: it opens from the file system in
 * any browser. Each plot is also written as its own {@code .svg} file.
 */
public final class HtmlReport {
  /** The report's file name. */
  public static final String FILE = "report.html";

  private HtmlReport() {}

  /** One plotted line. */
  public record Series(String name, String color, double[] x, double[] y) {}

  /**
   * Writes {@link #FILE} and the plot files into {@code dir}; {@code resolvedConfig} (may be
   * null) is shown verbatim.
   */
  public static void write(SimulationResult r, Path dir, String resolvedConfig)
      throws IOException {
    List<RoundRow> rows = r.rows();
    List<String[]> plots = new ArrayList<>(); // {file, svg}
    // test metric at the evaluated rounds: RMSE, or the first ranking metric for implicit runs
    String metric = "test RMSE";
    List<double[]> evaluated = new ArrayList<>();
    String rankingKey = r.finalRanking().isEmpty() ? null
        : r.finalRanking().keySet().iterator().next();
    for (RoundRow row : rows) {
      if (!Double.isNaN(row.testRmse())) {
        evaluated.add(new double[] {row.round(), row.testRmse()});
      } else if (rankingKey != null && row.ranking().containsKey(rankingKey)) {
        evaluated.add(new double[] {row.round(), row.ranking().get(rankingKey)});
      }
    }
    if (Double.isNaN(r.finalMetrics().rmse()) && rankingKey != null) {
      metric = "test " + rankingKey;
    }
    plots.add(new String[] {"plot-test-metric.svg", chart(metric + " vs round", "round", metric,
        List.of(series(metric, "#1f77b4", evaluated)))});
    plots.add(new String[] {"plot-train.svg", chart("training RMSE of the participants vs round",
        "round", "train RMSE", List.of(series("train RMSE", "#d62728",
            points(rows, row -> row.trainRmse()))))});
    plots.add(new String[] {"plot-participation.svg", chart("participation vs round", "round",
        "clients", List.of(
            series("submitted", "#2ca02c", points(rows, row -> (double) row.clients())),
            series("dropouts", "#ff7f0e", points(rows, row -> (double) row.dropouts()))))});
    plots.add(new String[] {"plot-bytes.svg", chart("bytes per round (MiB)", "round", "MiB",
        List.of(series("up", "#9467bd", points(rows, row -> row.bytesUp() / 1048576.0)),
            series("down", "#8c564b", points(rows, row -> row.bytesDown() / 1048576.0))))});
    for (String[] p : plots) {
      Files.writeString(dir.resolve(p[0]), p[1], StandardCharsets.UTF_8);
    }
    StringBuilder h = new StringBuilder();
    h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<title>fedrec simulation report</title><style>")
        .append("body{font-family:sans-serif;margin:2em;max-width:1000px}")
        .append("table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;")
        .append("text-align:left}pre{background:#f6f6f6;padding:1em;overflow:auto}")
        .append("</style></head><body>\n");
    h.append("<h1>fedrec simulation: ").append(esc(r.data().dataset())).append(" / ")
        .append(esc(r.data().split())).append("</h1>\n");
    h.append("<table>\n");
    row(h, "users / items", r.data().users() + " / " + r.data().items());
    row(h, "clients (cohort per round)", r.numClients() + " (" + r.cohortSize() + ")");
    row(h, "rounds completed", Integer.toString(r.rounds()));
    row(h, "test RMSE / MAE", num(r.finalMetrics().rmse()) + " / " + num(r.finalMetrics().mae()));
    row(h, "bias baseline RMSE / MAE",
        num(r.baseline().rmse()) + " / " + num(r.baseline().mae()));
    for (Map.Entry<String, Double> e : r.finalRanking().entrySet()) {
      row(h, e.getKey(), num(e.getValue()));
    }
    PrivacyReport p = r.privacy();
    row(h, "privacy", p.mode().equals("none") ? "none" : String.format(Locale.ROOT,
        "%s: %s of %s at delta %s; noise multiplier %.4f, clip %s,"
            + " sampling rate %.4f%s", p.mode(), p.epsilonSummary(4), p.epsilonBudget(),
        p.delta(), p.noiseMultiplier(), p.clipNorm(), p.samplingRate(),
        p.stoppedByBudget() ? ", stopped by the budget" : ""));
    SecAggReport s = r.secagg();
    row(h, "secure aggregation", !s.enabled() ? "off" : String.format(Locale.ROOT,
        "SecAgg+: %d bits, %d neighbours, threshold %d; %d dropped clients, %d rounds"
            + " abandoned, %.0f bytes up per client per round", s.bitsPerCoordinate(),
        s.neighbours(), s.threshold(), s.droppedClients(), s.roundsAbandoned(),
        s.bytesUpPerClient()));
    row(h, "bytes up / down", r.totalBytesUp() + " / " + r.totalBytesDown());
    row(h, "wall time", String.format(Locale.ROOT, "%.1f s", r.wallSeconds()));
    h.append("</table>\n");
    for (String[] plot : plots) {
      h.append("<h2>").append(esc(plot[0])).append("</h2>\n").append(plot[1]).append('\n');
    }
    if (resolvedConfig != null) {
      h.append("<h2>options of this run</h2>\n<pre>").append(esc(resolvedConfig))
          .append("</pre>\n");
    }
    h.append("</body></html>\n");
    Files.writeString(dir.resolve(FILE), h.toString(), StandardCharsets.UTF_8);
  }

  private interface Value {
    double of(RoundRow row);
  }

  private static List<double[]> points(List<RoundRow> rows, Value v) {
    List<double[]> out = new ArrayList<>();
    for (RoundRow row : rows) {
      double y = v.of(row);
      if (Double.isFinite(y)) {
        out.add(new double[] {row.round(), y});
      }
    }
    return out;
  }

  private static Series series(String name, String color, List<double[]> pts) {
    double[] x = new double[pts.size()];
    double[] y = new double[pts.size()];
    for (int i = 0; i < x.length; i++) {
      x[i] = pts.get(i)[0];
      y[i] = pts.get(i)[1];
    }
    return new Series(name, color, x, y);
  }

  /** A line chart: axes with 5 ticks each, one polyline and point markers per series. */
  public static String chart(
      String title, String xLabel, String yLabel, List<Series> series) {
    int w = 720;
    int hgt = 300;
    int left = 70;
    int right = 150;
    int top = 30;
    int bottom = 45;
    double xMin = Double.POSITIVE_INFINITY;
    double xMax = Double.NEGATIVE_INFINITY;
    double yMin = Double.POSITIVE_INFINITY;
    double yMax = Double.NEGATIVE_INFINITY;
    for (Series s : series) {
      for (int i = 0; i < s.x().length; i++) {
        xMin = Math.min(xMin, s.x()[i]);
        xMax = Math.max(xMax, s.x()[i]);
        yMin = Math.min(yMin, s.y()[i]);
        yMax = Math.max(yMax, s.y()[i]);
      }
    }
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\""
        + " height=\"%d\" font-family=\"sans-serif\" font-size=\"11\">", w, hgt));
    b.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>", w,
        hgt));
    b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"18\" font-size=\"13\">%s</text>",
        left, esc(title)));
    int pw = w - left - right;
    int ph = hgt - top - bottom;
    b.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\""
        + " fill=\"none\" stroke=\"#333\"/>", left, top, pw, ph));
    if (xMin > xMax) {
      b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">no data</text></svg>",
          left + 10, top + 20));
      return b.toString();
    }
    if (xMax == xMin) {
      xMax = xMin + 1;
    }
    if (yMax == yMin) {
      double pad = Math.abs(yMin) > 0 ? Math.abs(yMin) * 0.05 : 1;
      yMin -= pad;
      yMax += pad;
    }
    for (int t = 0; t <= 4; t++) {
      double yv = yMin + (yMax - yMin) * t / 4;
      double py = top + ph - ph * t / 4.0;
      b.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\""
          + " stroke=\"#eee\"/><text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>",
          left, py, left + pw, py, left - 4, py + 4, tick(yv, yMax - yMin)));
      double xv = xMin + (xMax - xMin) * t / 4;
      double px = left + pw * t / 4.0;
      b.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s"
          + "</text>", px, top + ph + 15, tick(xv, xMax - xMin)));
    }
    b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>",
        left + pw / 2, hgt - 8, esc(xLabel)));
    b.append(String.format(Locale.ROOT, "<text x=\"14\" y=\"%d\" transform=\"rotate(-90 14 %d)\""
        + " text-anchor=\"middle\">%s</text>", top + ph / 2, top + ph / 2, esc(yLabel)));
    int legendY = top + 12;
    for (Series s : series) {
      StringBuilder pts = new StringBuilder();
      for (int i = 0; i < s.x().length; i++) {
        double px = left + pw * (s.x()[i] - xMin) / (xMax - xMin);
        double py = top + ph - ph * (s.y()[i] - yMin) / (yMax - yMin);
        pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", px, py));
      }
      b.append(String.format(Locale.ROOT, "<polyline class=\"series\" data-name=\"%s\""
          + " data-points=\"%d\" fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\" points=\"%s\"/>",
          esc(s.name()), s.x().length, s.color(), pts.toString().trim()));
      b.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"3\""
          + " fill=\"%s\"/><text x=\"%d\" y=\"%d\">%s</text>", left + pw + 10, legendY - 4,
          s.color(), left + pw + 26, legendY, esc(s.name())));
      legendY += 16;
    }
    b.append("</svg>");
    return b.toString();
  }

  /** A tick label with as many decimals as the axis's span needs. */
  static String tick(double v, double span) {
    double a = Math.abs(v);
    if (a >= 1e6 || (a != 0 && a < 1e-3 && span < 1e-2)) {
      return String.format(Locale.ROOT, "%.2e", v);
    }
    if (span >= 10) {
      return String.format(Locale.ROOT, "%.0f", v);
    }
    if (span >= 1) {
      return String.format(Locale.ROOT, "%.1f", v);
    }
    return span >= 0.1 ? String.format(Locale.ROOT, "%.2f", v)
        : String.format(Locale.ROOT, "%.3f", v);
  }

  private static void row(StringBuilder h, String key, String value) {
    h.append("<tr><th>").append(esc(key)).append("</th><td>").append(esc(value))
        .append("</td></tr>\n");
  }

  private static String num(double v) {
    return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.4f", v);
  }

  private static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
