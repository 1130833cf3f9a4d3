package io.fedrec.coordinator.round;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.fedrec.core.aggregate.FedAvg;
import io.fedrec.core.aggregate.StatefulServerOptimizer;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The {@code server_optimizer}, {@code server_beta*} and {@code server_tau} keys. */
class FederationConfigServerOptimizerTest {

  private static FederationConfig.Builder base() {
    return FederationConfig.builder().numItems(10);
  }

  @Test
  void build_default_fedAvgWithServerLearningRate10() {
    FederationConfig c = base().build();
    assertEquals("fedavg", c.serverOptimizer());
    assertEquals(Map.of("eta", 10.0), c.serverOptimizerParams());
    assertEquals(FedAvg.class, c.newServerOptimizer().getClass());
    assertEquals("fedavg", c.toProperties().getProperty("server_optimizer"));
    assertFalse(c.toProperties().containsKey("server_beta1"));
  }

  @Test
  void toProperties_fedAdamWithParameters_roundTrips() {
    FederationConfig c = base().serverOptimizer("FedAdam").serverLearningRate(0.03)
        .serverBeta1(0.8).serverBeta2(0.95).serverTau(1e-2).build();
    assertEquals("fedadam", c.serverOptimizer());
    FederationConfig back = FederationConfig.fromProperties(c.toProperties());
    assertEquals(c, back);
    assertEquals(Map.of("eta", 0.03, "beta1", 0.8, "beta2", 0.95, "tau", 0.01),
        back.serverOptimizerParams());
    assertEquals("fedadam", back.newServerOptimizer().name());
  }

  @Test
  void fromProperties_fedAvgMWithBeta_buildsMomentum() {
    Properties p = new Properties();
    p.setProperty("num_items", "10");
    p.setProperty("server_optimizer", "fedavgm");
    p.setProperty("server_learning_rate", "1");
    p.setProperty("server_beta", "0.5");
    FederationConfig c = FederationConfig.fromProperties(p);
    assertEquals(Map.of("eta", 1.0, "beta", 0.5), c.serverOptimizerParams());
    assertEquals("0.5", c.toProperties().getProperty("server_beta"));
    assertEquals("fedavgm", c.newServerOptimizer().name());
    assertEquals(true, c.newServerOptimizer() instanceof StatefulServerOptimizer);
  }

  @Test
  void build_unknownOptimizer_namesKeyAndValue() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> base().serverOptimizer("sgd").build());
    assertEquals("server_optimizer must be one of [fedavg, fedavgm, fedadagrad, fedadam, fedyogi]."
        + " Provided value: \"sgd\"", e.getMessage());
  }

  @Test
  void build_betaOutOfRange_namesTheKey() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> base().serverOptimizer("fedyogi").serverLearningRate(0.01).serverBeta1(1.5)
            .build());
    assertEquals("server_beta1 must be in [0, 1). Provided value: 1.5", e.getMessage());
  }

  @Test
  void build_nonPositiveTau_namesTheKey() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> base().serverOptimizer("fedadagrad").serverLearningRate(0.1).serverTau(0.0)
            .build());
    assertEquals(true, e.getMessage().startsWith("server_tau must be"), e.getMessage());
  }

  @Test
  void build_parameterTheOptimizerDoesNotTake_refused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> base().serverOptimizer("fedadam").serverLearningRate(0.01).serverBeta(0.9)
            .build());
    assertEquals("server_beta does not apply to server_optimizer fedadam, which takes"
        + " [server_learning_rate, server_beta1, server_beta2, server_tau]. Provided value: 0.9",
        e.getMessage());
  }

  @Test
  void fromProperties_unparsableBeta_namesKeyAndValue() {
    Properties p = new Properties();
    p.setProperty("num_items", "10");
    p.setProperty("server_optimizer", "fedadam");
    p.setProperty("server_beta2", "high");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> FederationConfig.fromProperties(p));
    assertEquals("server_beta2 must be a number. Provided value: high", e.getMessage());
  }
}
