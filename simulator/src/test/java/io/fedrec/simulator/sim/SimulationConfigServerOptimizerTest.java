package io.fedrec.simulator.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** {@link SimulationConfig#serverOptimizer()}. */
class SimulationConfigServerOptimizerTest {

  @Test
  void build_default_fedAvg() {
    assertEquals("fedavg", SimulationConfig.builder().build().serverOptimizer());
  }

  @Test
  void build_mixedCaseName_normalisedAndKeptByToBuilder() {
    SimulationConfig c = SimulationConfig.builder().serverOptimizer(" FedYogi ")
        .serverLearningRate(0.01).build();
    assertEquals("fedyogi", c.serverOptimizer());
    assertEquals("fedyogi", c.toBuilder().build().serverOptimizer());
  }

  @Test
  void build_unknownName_messageNamesSettingAndValue() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SimulationConfig.builder().serverOptimizer("adam").build());
    assertEquals("serverOptimizer must be one of [fedavg, fedavgm, fedadagrad, fedadam, fedyogi]."
        + " Provided value: \"adam\"", e.getMessage());
  }

  @Test
  void build_nullName_rejected() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SimulationConfig.builder().serverOptimizer(null).build());
    assertEquals("serverOptimizer must be one of [fedavg, fedavgm, fedadagrad, fedadam, fedyogi]."
        + " Provided value: null", e.getMessage());
  }
}
