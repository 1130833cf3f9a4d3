package io.fedrec.coordinator.round;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.fedrec.core.model.TrainingConfig;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class FederationConfigTest {

  @Test
  void build_onlyNumItems_appliesDocumentedDefaults() {
    FederationConfig c = FederationConfig.builder().numItems(50).build();
    assertEquals(16, c.rank());
    assertEquals(TrainingConfig.defaults(16), c.training());
    assertEquals(100, c.rounds());
    assertEquals(100, c.clientsPerRound());
    assertEquals(100, c.minClients());
    assertEquals(Duration.ofSeconds(60), c.selectionTimeout());
    assertEquals(Duration.ofSeconds(600), c.roundTimeout());
    assertEquals(10.0, c.serverLearningRate());
    assertEquals(1 << 20, c.maxChunkBytes());
    assertEquals(50 * 17 + 1, c.shape().numParameters());
  }

  @Test
  void toProperties_roundTrip_preservesEverySetting() {
    FederationConfig c = FederationConfig.builder()
        .numItems(1682)
        .training(new TrainingConfig(8, 5f, 4f, 0.2f, 3, 0.01f, 0.5f, 5.5f, 1e-3f))
        .rounds(7)
        .clientsPerRound(20)
        .minClients(5)
        .selectionTimeout(Duration.ofMillis(1500))
        .roundTimeout(Duration.ofSeconds(30))
        .serverLearningRate(2.5)
        .initialMean(3.25f)
        .initScale(0.05)
        .seed(42)
        .retryDelay(Duration.ofMillis(200))
        .maxChunkBytes(8192)
        .build();
    FederationConfig back = FederationConfig.fromProperties(c.toProperties());
    assertEquals(c, back);
    assertEquals(5, back.minClients());
    assertEquals(0.01f, back.training().localLearningRate());
  }

  @Test
  void fromProperties_missingNumItems_namesTheKey() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> FederationConfig.fromProperties(new Properties()));
    assertEquals("num_items is required", e.getMessage());
  }

  @Test
  void fromProperties_unknownKey_listsKnownKeys() {
    Properties p = new Properties();
    p.setProperty("num_items", "10");
    p.setProperty("round", "3");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> FederationConfig.fromProperties(p));
    assertEquals(true, e.getMessage().startsWith("unknown configuration key 'round'; known keys: ["));
  }

  @Test
  void fromProperties_unparsableNumber_namesKeyAndValue() {
    Properties p = new Properties();
    p.setProperty("num_items", "10");
    p.setProperty("clients_per_round", "many");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> FederationConfig.fromProperties(p));
    assertEquals("clients_per_round must be an integer. Provided value: many", e.getMessage());
  }

  @Test
  void build_minClientsAboveCohort_rejected() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> FederationConfig.builder().numItems(10).clientsPerRound(4).minClients(5).build());
    assertEquals("min_clients must be in [1, 4]. Provided value: 5", e.getMessage());
  }

  @Test
  void build_selectionTimeoutLongerThanRound_rejected() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> FederationConfig.builder().numItems(10)
            .selectionTimeout(Duration.ofSeconds(20)).roundTimeout(Duration.ofSeconds(10)).build());
    assertEquals("selection_timeout must be <= round_timeout. Provided values: "
        + "selection_timeout=20000 ms, round_timeout=10000 ms", e.getMessage());
  }

  @Test
  void build_chunkNotMultipleOfFour_rejected() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> FederationConfig.builder().numItems(10).maxChunkBytes(5000 + 2).build());
    assertEquals("max_chunk_bytes must be a multiple of 4. Provided value: 5002", e.getMessage());
  }

  @Test
  void build_zeroRounds_rejected() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> FederationConfig.builder().numItems(10).rounds(0).build());
    assertEquals("rounds must be in [1, 1000000]. Provided value: 0", e.getMessage());
  }
}
