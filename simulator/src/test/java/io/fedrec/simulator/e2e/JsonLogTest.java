package io.fedrec.simulator.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedrec.simulator.cli.MiniJson;
import io.fedrec.simulator.data.Split;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fedrec coordinator --log-format json}: one parsable JSON object per round event. */
class JsonLogTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(90);

  @TempDir Path tmp;

  @Test
  void coordinator_jsonLog_writesOneObjectPerEvent() throws Exception {
    Split split = Federations.SMALL;
    Path data = Federations.writeUsers(split.train(), 0, split.numUsers(), tmp.resolve("all.csv"));
    Path config = Federations.writeConfig(tmp.resolve("federation.properties"), split, 2, 1);
    String port = Integer.toString(Federations.freePort());
    try (JvmProcess coordinator = JvmProcess.start("coordinator", tmp, "coordinator", "--port",
            port, "--bind", "127.0.0.1", "--allow-no-privacy", "--config", config.toString(),
            "--exit-when-finished", "--insecure", "--log-format", "json");
        JvmProcess client = JvmProcess.start("client", tmp, "client", "--target",
            "127.0.0.1:" + port, "--data", data.toString(), "--client-id", "only", "--insecure")) {
      String listening = coordinator.awaitLine("^(\\{\"ts\":.*\"event\":\"listening\".*)$",
          TIMEOUT).group(1);
      @SuppressWarnings("unchecked")
      Map<String, Object> start = (Map<String, Object>) MiniJson.parse(listening);
      assertEquals("127.0.0.1:" + port, start.get("address"));
      assertEquals("none", start.get("privacy_mode"));
      String published = coordinator.awaitLine(
          "^(\\{\"ts\":.*\"event\":\"round_published\",\"round\":2,.*)$", TIMEOUT).group(1);
      @SuppressWarnings("unchecked")
      Map<String, Object> round = (Map<String, Object>) MiniJson.parse(published);
      assertEquals(1.0, round.get("submitted"));
      assertEquals(1.0, round.get("selected"));
      assertEquals((double) split.numUsers(), round.get("weight"));
      assertTrue(((String) round.get("model_sha256")).matches("[0-9a-f]{64}"));
      assertEquals(0, coordinator.awaitExit(TIMEOUT), coordinator.transcript());
    }
  }
}
