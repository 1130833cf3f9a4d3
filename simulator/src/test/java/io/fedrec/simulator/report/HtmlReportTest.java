package io.fedrec.simulator.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedrec.simulator.data.Split;
import io.fedrec.simulator.data.SyntheticConfig;
import io.fedrec.simulator.data.SyntheticDataset;
import io.fedrec.simulator.sim.Simulation;
import io.fedrec.simulator.sim.SimulationConfig;
import io.fedrec.simulator.sim.SimulationResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTML report: files exist, are self-contained, and plot exactly the run's series. */
class HtmlReportTest {
  @TempDir Path dir;

  @Test
  void report_plotsEveryRoundSeries_andIsSelfContained() throws Exception {
    Split split = SyntheticDataset.generate(
        SyntheticConfig.builder().numUsers(300).numItems(100).build());
    SimulationResult r = new Simulation(SimulationConfig.builder().rounds(6).clientsPerRound(30)
        .evalEvery(2).threads(2).dropout(0.2).build(), split).run();
    HtmlReport.write(r, dir, "rounds=6\n");
    String html = Files.readString(dir.resolve(HtmlReport.FILE));
    for (String f : new String[] {"plot-test-metric.svg", "plot-train.svg",
        "plot-participation.svg", "plot-bytes.svg"}) {
      assertTrue(Files.size(dir.resolve(f)) > 200, f);
      assertTrue(html.contains(Files.readString(dir.resolve(f))), f + " inlined");
    }
    // evaluated at rounds 2, 4, 6: three points; the per-round series have one point per round
    assertEquals("3", points(html, "test RMSE"));
    assertEquals("6", points(html, "train RMSE"));
    assertEquals("6", points(html, "submitted"));
    assertEquals("6", points(html, "dropouts"));
    assertTrue(html.contains(String.format(java.util.Locale.ROOT, "%.4f",
        r.finalMetrics().rmse())), "summary table shows the final RMSE");
    assertTrue(html.contains("<pre>rounds=6\n</pre>"));
    // nothing to fetch: the only URL is the SVG namespace
    assertFalse(html.replace("http://www.w3.org/2000/svg", "").contains("http"), html);
    assertFalse(html.contains("<script"));
  }

  @Test
  void tickLabels_useTheDecimalsTheSpanNeeds() {
    assertEquals("12", HtmlReport.tick(12.25, 20));
    assertEquals("8.8", HtmlReport.tick(8.75, 4));
    assertEquals("0.86", HtmlReport.tick(0.8612, 0.2));
    assertEquals("0.861", HtmlReport.tick(0.8612, 0.02));
  }

  private static String points(String html, String series) {
    Matcher m = Pattern.compile("data-name=\"" + Pattern.quote(series)
        + "\" data-points=\"(\\d+)\"").matcher(html);
    assertTrue(m.find(), series);
    return m.group(1);
  }
}
