package io.fedrec.simulator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedrec.simulator.cli.CliTest.Run;
import io.fedrec.simulator.report.SimulationReport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code simulate --partition iid|dirichlet --silos N [--dirichlet-alpha A]}. */
class PartitionCliTest {
  @TempDir Path tmp;

  private static void assertUsage(Run r, String expected) {
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains(expected), "stderr: " + r.err());
    assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
  }

  @Test
  void simulate_dirichletSilos_runsAndRecordsThePartition() throws Exception {
    Path out = tmp.resolve("dirichlet");
    Run r = CliTest.run("simulate", "--users", "600", "--items", "100", "--rounds", "3",
        "--partition", "dirichlet", "--silos", "12", "--dirichlet-alpha", "0.3",
        "--clients-per-round", "6", "--privacy", "none", "--secagg", "on", "--threads", "2",
        "--out", out.toString());

    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("clients (dirichlet(alpha 0.3) over 12 silos)"), r.out());
    @SuppressWarnings("unchecked")
    Map<String, Object> s = (Map<String, Object>) MiniJson.parse(
        Files.readString(out.resolve(SimulationReport.SUMMARY), StandardCharsets.UTF_8));
    @SuppressWarnings("unchecked")
    Map<String, Object> config = (Map<String, Object>) s.get("config");
    assertEquals("dirichlet", config.get("partition"));
    assertEquals(12.0, config.get("silos"));
    assertEquals(0.3, config.get("dirichlet_alpha"));
    assertEquals(3.0, s.get("rounds_completed"));
    assertTrue((Double) s.get("clients") <= 12);
  }

  @Test
  void simulate_partitionFlags_validated() {
    assertUsage(CliTest.run("simulate", "--partition", "silo"),
        "--partition must be one of contiguous, iid, dirichlet. Provided value: silo");
    assertUsage(CliTest.run("simulate", "--partition", "iid"),
        "--partition iid needs --silos N");
    assertUsage(CliTest.run("simulate", "--silos", "4"),
        "--silos and --dirichlet-alpha need --partition iid or dirichlet");
    assertUsage(CliTest.run("simulate", "--partition", "iid", "--silos", "0"),
        "--silos must be in [1, 1000000]. Provided value: 0");
    assertUsage(CliTest.run("simulate", "--partition", "iid", "--silos", "4",
        "--dirichlet-alpha", "1"), "--dirichlet-alpha needs --partition dirichlet");
    assertUsage(CliTest.run("simulate", "--partition", "dirichlet", "--silos", "4",
        "--dirichlet-alpha", "0"),
        "--dirichlet-alpha must be in [0.001, 1000000]. Provided value: 0.0");
    assertUsage(CliTest.run("simulate", "--partition", "iid", "--silos", "4",
        "--users-per-client", "5"), "--users-per-client applies to --partition contiguous only");
  }

  @Test
  void simulate_diurnalAvailabilityAndStragglers_runAndReport() throws Exception {
    Path out = tmp.resolve("diurnal");
    Run r = CliTest.run("simulate", "--users", "600", "--items", "100", "--rounds", "4",
        "--users-per-client", "1", "--clients-per-round", "40", "--availability", "diurnal",
        "--round-minutes", "60", "--stragglers", "0.25", "--privacy", "none", "--secagg", "off",
        "--threads", "2", "--out", out.toString());

    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("clients: diurnal availability, "), r.out());
    @SuppressWarnings("unchecked")
    Map<String, Object> s = (Map<String, Object>) MiniJson.parse(
        Files.readString(out.resolve(SimulationReport.SUMMARY), StandardCharsets.UTF_8));
    double available = (Double) s.get("mean_available_clients");
    assertTrue(available > 150 && available < 450, "about half of 600: " + available);
    double stragglers = (Double) s.get("stragglers");
    assertTrue(stragglers > 10 && stragglers < 80, "about a quarter of 160: " + stragglers);
    @SuppressWarnings("unchecked")
    Map<String, Object> config = (Map<String, Object>) s.get("config");
    assertEquals("diurnal", config.get("availability"));
    assertEquals(0.25, config.get("straggler_fraction"));
  }

  @Test
  void simulate_behaviourFlags_validated() {
    assertUsage(CliTest.run("simulate", "--availability", "weekday"),
        "--availability must be one of always, diurnal. Provided value: weekday");
    assertUsage(CliTest.run("simulate", "--availability", "diurnal"),
        "--availability diurnal needs --privacy none");
    assertUsage(CliTest.run("simulate", "--stragglers", "1"),
        "--stragglers must be in [0, 1). Provided value: 1.0");
    assertUsage(CliTest.run("simulate", "--round-minutes", "0"),
        "--round-minutes must be in [0.01, 1440]. Provided value: 0.0");
    assertUsage(CliTest.run("simulate", "--latency-spread", "-1"),
        "--latency-spread must be in [0, 10]. Provided value: -1.0");
  }
}
