package io.fedrec.coordinator.round;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The secagg_* keys and the rules that tie secure aggregation to the rest of the config. */
class FederationConfigSecAggTest {
  private static Properties base() {
    Properties p = new Properties();
    p.setProperty("num_items", "10");
    p.setProperty("clients_per_round", "50");
    p.setProperty("min_clients", "40");
    return p;
  }

  @Test
  void secaggKeys_roundTripThroughProperties() {
    Properties p = base();
    p.setProperty("secagg", "true");
    p.setProperty("secagg_clip_range", "2.5");
    p.setProperty("secagg_scale", "4096");
    p.setProperty("secagg_max_weight", "7");
    p.setProperty("secagg_neighbours", "12");
    p.setProperty("secagg_threshold", "0.75");
    p.setProperty("secagg_phase_timeout_ms", "30000");
    FederationConfig c = FederationConfig.fromProperties(p);
    assertEquals(new SecAggSettings(true, 2.5, 4096, 7, 12, 0.75, Duration.ofSeconds(30)),
        c.secagg());
    assertEquals(c, FederationConfig.fromProperties(c.toProperties()));
    // k = 12 of n = 50; t = ceil(0.75 * 13) = 10; bits: 50 * ceil(2.5 * 4096) = 512,000 < 2^19
    assertEquals(12, c.secagg().neighboursFor(50));
    assertEquals(10, c.secagg().thresholdFor(12));
    assertEquals(20, c.secagg().bitsFor(50));
  }

  @Test
  void thresholdIsAlwaysAStrictMajority() {
    SecAggSettings s = new SecAggSettings(true, 1, 1024, 1, 0, 0.51, Duration.ofSeconds(1));
    // k = 10: ceil(0.51 * 11) = 6 = floor(11 / 2) + 1
    assertEquals(6, s.thresholdFor(10));
    assertEquals(11, new SecAggSettings(true, 1, 1024, 1, 0, 1.0, Duration.ofSeconds(1))
        .thresholdFor(10));
  }

  @Test
  void invalidSecaggSettings_areRefusedWithTheKey() {
    Properties stray = base();
    stray.setProperty("secagg_scale", "1024");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> FederationConfig.fromProperties(stray));
    assertEquals("secagg_scale is set but secagg is not set (false); set secagg=true",
        e.getMessage());

    Properties flag = base();
    flag.setProperty("secagg", "yes");
    e = assertThrows(IllegalArgumentException.class, () -> FederationConfig.fromProperties(flag));
    assertEquals("secagg must be true or false. Provided value: yes", e.getMessage());

    Properties odd = base();
    odd.setProperty("secagg", "true");
    odd.setProperty("secagg_neighbours", "3");
    e = assertThrows(IllegalArgumentException.class, () -> FederationConfig.fromProperties(odd));
    assertTrue(e.getMessage().startsWith("secagg_neighbours must be 0 (default) or an even"),
        e.getMessage());

    Properties huge = base();
    huge.setProperty("secagg", "true");
    huge.setProperty("secagg_scale", "1e9");
    e = assertThrows(IllegalArgumentException.class, () -> FederationConfig.fromProperties(huge));
    assertTrue(e.getMessage().contains("must be < 2^31"), e.getMessage());

    Properties alone = base();
    alone.setProperty("secagg", "true");
    alone.setProperty("clients_per_round", "1");
    alone.setProperty("min_clients", "1");
    e = assertThrows(IllegalArgumentException.class, () -> FederationConfig.fromProperties(alone));
    assertTrue(e.getMessage().startsWith("secure aggregation needs min_clients >= 2"),
        e.getMessage());
  }

  @Test
  void roundTimeoutShorterThanSelectionAndFourPhases_refusedNamingTheKeys() {
    FederationConfig.Builder b = FederationConfig.builder().numItems(3)
        .selectionTimeout(Duration.ofSeconds(10)).roundTimeout(Duration.ofSeconds(49))
        .secagg(new SecAggSettings(true, 1, 1024, 1, 0, 0, Duration.ofSeconds(10)));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, b::build);
    assertEquals("round_timeout must be >= selection_timeout + 4 x secagg_phase_timeout_ms with"
        + " secagg=true (each of the four SecAgg+ phases may wait its full timeout). Provided"
        + " values: round_timeout=49000 ms, selection_timeout=10000 ms,"
        + " secagg_phase_timeout_ms=10000 ms", e.getMessage());
    b.roundTimeout(Duration.ofSeconds(50)).build(); // exactly enough
  }

  @Test
  void distributedPrivacy_requiresSecureAggregation() {
    Properties p = base();
    p.setProperty("privacy_mode", "distributed");
    p.setProperty("privacy_clip_norm", "0.5");
    p.setProperty("privacy_epsilon", "8");
    p.setProperty("privacy_delta", "1e-5");
    p.setProperty("privacy_population", "1000");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> FederationConfig.fromProperties(p));
    assertTrue(e.getMessage().startsWith("privacy_mode distributed needs secagg=true"),
        e.getMessage());
    p.setProperty("secagg", "true");
    FederationConfig c = FederationConfig.fromProperties(p);
    assertEquals(PrivacySettings.Mode.DISTRIBUTED, c.privacy().mode());
  }
}
