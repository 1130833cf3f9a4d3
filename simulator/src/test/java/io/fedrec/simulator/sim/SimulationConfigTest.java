package io.fedrec.simulator.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.fedrec.core.model.TrainingConfig;
import org.junit.jupiter.api.Test;

class SimulationConfigTest {
  @Test
  void build_defaults_matchDocumentation() {
    SimulationConfig c = SimulationConfig.builder().build();
    assertEquals(500, c.rounds());
    assertEquals(100, c.clientsPerRound());
    assertEquals(1, c.usersPerClient());
    assertEquals(TrainingConfig.defaults(16), c.training());
    assertEquals(10, c.serverLearningRate());
    assertEquals(0.1, c.initScale());
    assertEquals(0, c.seed());
    assertEquals(25, c.evalEvery());
    assertEquals(Transport.DIRECT, c.transport());
    assertEquals(Runtime.getRuntime().availableProcessors(), c.threads());
  }

  @Test
  void build_rankOnly_usesDefaultTrainingOfThatRank() {
    assertEquals(TrainingConfig.defaults(8), SimulationConfig.builder().rank(8).build().training());
  }

  @Test
  void build_zeroRounds_messageNamesOptionRuleAndValue() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SimulationConfig.builder().rounds(0).build());
    assertEquals("rounds must be in [1, 1000000]. Provided value: 0", e.getMessage());
  }

  @Test
  void build_zeroClientsPerRound_rejected() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SimulationConfig.builder().clientsPerRound(0).build());
    assertEquals("clientsPerRound must be in [1, 524288]. Provided value: 0", e.getMessage());
  }

  @Test
  void build_nonFiniteServerLearningRate_rejected() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SimulationConfig.builder().serverLearningRate(Double.NaN).build());
    assertEquals(
        "serverLearningRate must be finite and in [1.0E-6, 1000000.0]. Provided value: NaN",
        e.getMessage());
  }

  @Test
  void build_rankDifferentFromTraining_rejected() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SimulationConfig.builder().rank(8).training(TrainingConfig.defaults(16)).build());
    assertEquals("rank must equal the training config's rank 16. Provided value: 8",
        e.getMessage());
  }

  @Test
  void build_zeroThreads_rejected() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SimulationConfig.builder().threads(0).build());
    assertEquals("threads must be in [1, 1024]. Provided value: 0", e.getMessage());
  }

  @Test
  void toBuilder_roundTrip_equalSettings() {
    SimulationConfig c = SimulationConfig.builder().rounds(7).seed(3).usersPerClient(4)
        .transport(Transport.TCP).rank(8).build();
    assertEquals(c.toString(), c.toBuilder().build().toString());
  }

  @Test
  void parse_transportNames_caseInsensitive() {
    assertEquals(Transport.INPROCESS, Transport.parse("InProcess"));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Transport.parse("udp"));
    assertEquals("transport must be one of direct, sparse, inprocess, tcp. Provided value: udp",
        e.getMessage());
  }

  @Test
  void advance_simulatedClock_movesOnlyWhenTold() {
    SimulatedClock clock = new SimulatedClock();
    assertEquals(SimulatedClock.DEFAULT_START, clock.instant());
    clock.advance(java.time.Duration.ofSeconds(5));
    assertEquals(SimulatedClock.DEFAULT_START.plusSeconds(5), clock.instant());
    assertThrows(IllegalArgumentException.class,
        () -> clock.advance(java.time.Duration.ofSeconds(-1)));
  }
}
