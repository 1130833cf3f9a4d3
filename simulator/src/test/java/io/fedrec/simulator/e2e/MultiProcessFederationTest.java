package io.fedrec.simulator.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedrec.coordinator.round.SecAggSettings;
import io.fedrec.coordinator.store.StateStore;
import io.fedrec.coordinator.store.StoredRound;
import io.fedrec.core.model.GlobalModel;
import io.fedrec.core.model.TrainingConfig;
import io.fedrec.simulator.data.Split;
import io.fedrec.simulator.eval.Evaluator;
import io.fedrec.simulator.sim.Simulation;
import io.fedrec.simulator.sim.SimulationConfig;
import io.fedrec.simulator.sim.SimulationResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real federation of three processes over TCP: a coordinator and two silo clients, each
 * holding half the users of a small synthetic set. With full participation every round sums the
 * same per-user updates as an in-JVM simulation with {@code usersPerClient = half}, so the final
 * models must agree (the aggregation is exact; the tolerance only allows for float details of the
 * CSV round trip).
 */
class MultiProcessFederationTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(90);
  private static final int ROUNDS = 10;

  @TempDir Path tmp;

  @Test
  void federation_twoSiloProcessesOverMutualTls_matchesInJvmSimulation() throws Exception {
    run(false);
  }

  /**
   * The same federation with secure aggregation: the coordinator only ever holds the masked
   * inputs and their sum. Quantization makes the model differ from the plaintext one by about
   * 1e-5 per parameter, well inside the tolerance.
   */
  @Test
  void federation_secureAggregationOverMutualTls_matchesInJvmSimulation() throws Exception {
    run(true);
  }

  private void run(boolean secure) throws Exception {
    Split split = Federations.SMALL;
    int half = split.numUsers() / 2;
    Path a = Federations.writeUsers(split.train(), 0, half, tmp.resolve("silo-a.csv"));
    Path b = Federations.writeUsers(split.train(), half, split.numUsers(),
        tmp.resolve("silo-b.csv"));
    Path config = Federations.writeConfig(tmp.resolve("federation.properties"), split, ROUNDS, 2);
    if (secure) {
      // a silo's submission sums `half` users: the range and weight bounds grow with it
      Files.writeString(config, "secagg=true\nsecagg_max_weight=" + half
          + "\nsecagg_clip_range=" + half + "\n", StandardOpenOption.APPEND);
    }
    Path state = tmp.resolve("state");
    Path certs = tmp.resolve("certs");
    try (JvmProcess ca = JvmProcess.start("certs", tmp, "certs", "--out", certs.toString(),
        "--clients", "silo-a,silo-b")) {
      assertEquals(0, ca.awaitExit(TIMEOUT), ca.transcript());
    }
    String caFile = certs.resolve("ca.pem").toString();

    GlobalModel federated;
    try (JvmProcess coordinator = JvmProcess.start("coordinator", tmp, "coordinator",
            "--port", "0", "--bind", "127.0.0.1", "--allow-no-privacy", "--config", config.toString(),
            "--state-dir", state.toString(), "--exit-when-finished",
            "--tls-cert", certs.resolve("server.pem").toString(),
            "--tls-key", certs.resolve("server.key").toString(), "--client-ca", caFile)) {
      String port = coordinator.awaitLine(
          "coordinator listening on 127\\.0\\.0\\.1:(\\d+); starting at round 1 of " + ROUNDS,
          TIMEOUT).group(1);
      try (JvmProcess clientA = JvmProcess.start("silo-a", tmp, "client",
              "--target", "127.0.0.1:" + port, "--data", a.toString(), "--client-id", "silo-a",
              "--max-rounds", Integer.toString(ROUNDS), "--ca", caFile,
              "--cert", certs.resolve("silo-a.pem").toString(),
              "--key", certs.resolve("silo-a.key").toString());
          JvmProcess clientB = JvmProcess.start("silo-b", tmp, "client",
              "--target", "127.0.0.1:" + port, "--data", b.toString(), "--client-id", "silo-b",
              "--max-rounds", Integer.toString(ROUNDS), "--ca", caFile,
              "--cert", certs.resolve("silo-b.pem").toString(),
              "--key", certs.resolve("silo-b.key").toString())) {
        coordinator.awaitLine("round " + ROUNDS + " published: submitted 2/2, weight "
            + split.numUsers(), TIMEOUT);
        if (secure) {
          assertTrue(coordinator.transcript().contains("secagg"), coordinator.transcript());
        }
        assertEquals(0, coordinator.awaitExit(TIMEOUT), coordinator.transcript());
        assertEquals(0, clientA.awaitExit(TIMEOUT), clientA.transcript());
        assertEquals(0, clientB.awaitExit(TIMEOUT), clientB.transcript());
        assertTrue(clientA.transcript().contains("participated in " + ROUNDS + " rounds"),
            clientA.transcript());
      }
    }
    try (StateStore store = StateStore.directory(state)) {
      StoredRound latest = store.loadLatest().orElseThrow();
      federated = latest.model();
      assertEquals(ROUNDS, store.history().size());
    }

    SimulationConfig sim = SimulationConfig.builder().rounds(ROUNDS).clientsPerRound(2)
        .usersPerClient(half).evalEvery(ROUNDS).threads(2)
        .secagg(secure ? SecAggSettings.on() : SecAggSettings.OFF).build();
    SimulationResult inJvm = new Simulation(sim, split).run();
    TrainingConfig training = TrainingConfig.defaults(16);
    double federatedRmse = Evaluator.evaluate(federated, training, split, null).rmse();
    double simulatedRmse = inJvm.finalMetrics().rmse();
    assertEquals(ROUNDS, federated.version());
    assertEquals(simulatedRmse, federatedRmse, 0.005,
        "multi-process " + federatedRmse + " vs in-JVM " + simulatedRmse);
  }
}
