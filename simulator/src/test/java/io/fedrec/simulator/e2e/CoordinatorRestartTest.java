package io.fedrec.simulator.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedrec.coordinator.round.RoundRecord;
import io.fedrec.coordinator.store.StateStore;
import io.fedrec.simulator.data.Split;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash recovery across processes: a coordinator checkpointing to {@code --state-dir} is killed
 * with SIGKILL after round 2 is published, started again on the same port and directory, resumes
 * after the last checkpointed round (at least 2) with the same client still attached, and
 * finishes; the ledger then holds rounds 1..N without gaps or repeats.
 */
class CoordinatorRestartTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(90);
  private static final int ROUNDS = 60;

  @TempDir Path tmp;

  @Test
  void coordinator_killedAfterRound2_resumesAndFinishesWithoutGaps() throws Exception {
    Split split = Federations.SMALL;
    Path data = Federations.writeUsers(split.train(), 0, split.numUsers(),
        tmp.resolve("all.csv"));
    Path config = Federations.writeConfig(tmp.resolve("federation.properties"), split, ROUNDS, 1);
    Path state = tmp.resolve("state");
    String port = Integer.toString(Federations.freePort());
    String[] coordinatorArgs = {"coordinator", "--port", port, "--bind", "127.0.0.1", "--allow-no-privacy",
        "--config", config.toString(), "--state-dir", state.toString(), "--exit-when-finished",
        "--insecure"};

    long resumedAfter;
    try (JvmProcess client = JvmProcess.start("client", tmp, "client",
        "--target", "127.0.0.1:" + port, "--data", data.toString(), "--client-id", "only",
        "--rpc-timeout-seconds", "10", "--insecure")) {
      try (JvmProcess first = JvmProcess.start("coordinator-1", tmp, coordinatorArgs)) {
        first.awaitLine("starting at round 1 of " + ROUNDS, TIMEOUT);
        first.awaitLine("^round 2 published: submitted 1/1", TIMEOUT);
        first.kill();
      }
      try (JvmProcess second = JvmProcess.start("coordinator-2", tmp, coordinatorArgs)) {
        resumedAfter = Long.parseLong(second.awaitLine(
            "listening on 127\\.0\\.0\\.1:" + port + "; resuming after round (\\d+) of " + ROUNDS,
            TIMEOUT).group(1));
        second.awaitLine("^round " + ROUNDS + " published", TIMEOUT);
        assertEquals(0, second.awaitExit(TIMEOUT), second.transcript());
      }
      // the same client process took part before the crash and in the last round after it
      client.awaitLine("^round 1: submitted", TIMEOUT);
      client.awaitLine("^round " + ROUNDS + ": submitted", TIMEOUT);
    }
    assertTrue(resumedAfter >= 2 && resumedAfter < ROUNDS,
        "resumed after round " + resumedAfter);
    try (StateStore store = StateStore.directory(state)) {
      List<RoundRecord> history = store.history();
      assertEquals(ROUNDS, history.size());
      for (int i = 0; i < history.size(); i++) {
        assertEquals(i + 1, history.get(i).round(), "history " + history);
      }
      assertEquals(ROUNDS, store.loadLatest().orElseThrow().model().version());
    }
  }
}
