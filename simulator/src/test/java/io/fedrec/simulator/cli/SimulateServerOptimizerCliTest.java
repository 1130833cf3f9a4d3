package io.fedrec.simulator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fedrec simulate --server-optimizer NAME [--server-lr X]}. */
class SimulateServerOptimizerCliTest {
  @TempDir Path tmp;

  @Test
  void simulate_unknownServerOptimizer_exit2NamingFlagAndValue() {
    CliTest.Run r = CliTest.run("simulate", "--server-optimizer", "sgd");
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("--server-optimizer must be one of [fedavg, fedavgm, fedadagrad,"
        + " fedadam, fedyogi]. Provided value: \"sgd\""), r.err());
    assertFalse(r.err().contains("\tat "), r.err());
  }

  @Test
  void simulate_fedAdamWithoutServerLr_runsWithItsDefaultRate() {
    CliTest.Run r = CliTest.run("simulate", "--rounds", "2", "--clients-per-round", "10",
        "--users", "3000", "--server-optimizer", "FedAdam", "--out", tmp.resolve("adam").toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("server fedadam lr 0.01,"), r.out());
    assertTrue(r.out().contains("after 2 rounds"), r.out());
  }

  @Test
  void simulate_fedAvgMWithServerLr_usesTheGivenRate() {
    CliTest.Run r = CliTest.run("simulate", "--rounds", "1", "--clients-per-round", "10",
        "--users", "3000", "--server-optimizer", "fedavgm", "--server-lr", "2",
        "--out", tmp.resolve("avgm").toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("server fedavgm lr 2,"), r.out());
  }

  @Test
  void simulate_default_fedAvgWithRate10WithoutPrivacyAnd30WithIt() {
    CliTest.Run r = CliTest.run("simulate", "--rounds", "1", "--clients-per-round", "10",
        "--users", "3000", "--privacy", "none", "--out", tmp.resolve("avg").toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("server fedavg lr 10,"), r.out());
    CliTest.Run p = CliTest.run("simulate", "--rounds", "1", "--clients-per-round", "10",
        "--users", "3000", "--out", tmp.resolve("avg-private").toString());
    assertEquals(0, p.code(), p.err());
    assertTrue(p.out().contains("server fedavg lr 30,"), p.out());
  }
}
