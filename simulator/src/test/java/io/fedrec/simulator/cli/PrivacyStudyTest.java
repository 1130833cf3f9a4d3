package io.fedrec.simulator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fedrec.simulator.data.TestDatasets;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The utility bar of the privacy study (docs/privacy-audit.md, "Utility vs privacy"): central
 * DP-FedAvg on MovieLens-100K u1 at epsilon 8, delta 1e-5, with the settings of {@code
 * scripts/privacy-study.sh} (keep the two in step), reaches test RMSE at most 0.975 within the
 * budget. About 10 s; skipped when the data set is absent.
 */
class PrivacyStudyTest {
  @TempDir Path tmp;

  @Test
  void simulate_ml100kCentralEpsilon8_studySettings_rmseAtMost0975WithinBudget()
      throws Exception {
    Optional<Path> dir = TestDatasets.ml100k();
    assumeTrue(dir.isPresent(), "MovieLens-100K not found under fedrec.datasets");
    Path out = tmp.resolve("eps8");
    CliTest.Run r = CliTest.run("simulate", "--dataset", "movielens-100k",
        "--data-dir", dir.get().toString(), "--split", "u1", "--secagg", "off",
        "--privacy", "central", "--epsilon", "8", "--delta", "1e-5",
        "--clients-per-round", "300", "--rounds", "60", "--server-lr", "7", "--rank", "2",
        "--local-steps", "5", "--user-reg", "3", "--eval-every", "1000", "--seed", "0",
        "--out", out.toString());
    assertEquals(0, r.code(), r.err());
    @SuppressWarnings("unchecked")
    Map<String, Object> summary = (Map<String, Object>) MiniJson.parse(
        Files.readString(out.resolve("summary.json"), StandardCharsets.UTF_8));
    double rmse = (Double) summary.get("rmse");
    assertTrue(rmse <= 0.975, "test RMSE " + rmse);
    @SuppressWarnings("unchecked")
    Map<String, Object> privacy = (Map<String, Object>) summary.get("privacy");
    assertEquals("central", privacy.get("mode"));
    double epsilon = (Double) privacy.get("epsilon");
    assertTrue(epsilon <= 8 && epsilon > 7.9, "epsilon " + epsilon);
    assertTrue((Double) privacy.get("epsilon_rdp") >= epsilon, "RDP bounds PLD from above");
    assertEquals(1e-5, (Double) privacy.get("delta"), 1e-12);
    assertEquals(300.0 / 943, (Double) privacy.get("sampling_rate"), 1e-9);
    assertFalse((Boolean) privacy.get("stopped_by_budget"));
    assertEquals(60.0, summary.get("rounds_completed"));
  }
}
