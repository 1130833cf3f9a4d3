package io.fedrec.core.aggregate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ServerOptimizersTest {

  @Test
  void create_eachKnownName_returnsOptimizerOfThatName() {
    for (String name : ServerOptimizers.NAMES) {
      assertEquals(name, ServerOptimizers.create(name, Map.of()).name());
    }
  }

  @Test
  void create_fedavg_usesEtaAsServerLearningRate() {
    FedAvg opt =
        assertInstanceOf(FedAvg.class, ServerOptimizers.create("fedavg", Map.of("eta", 0.5)));
    assertEquals(0.5f, opt.serverLearningRate());
    FedAvg byDefault = assertInstanceOf(FedAvg.class, ServerOptimizers.create("fedavg", Map.of()));
    assertEquals(1f, byDefault.serverLearningRate());
  }

  @Test
  void create_fedavgmWithParams_overridesDefaults() {
    FedAvgM opt =
        assertInstanceOf(
            FedAvgM.class, ServerOptimizers.create("fedavgm", Map.of("eta", 0.3, "beta", 0.5)));
    assertEquals(0.3, opt.eta());
    assertEquals(0.5, opt.beta());
  }

  @Test
  void create_fedyogiWithSomeParams_keepsOtherDefaults() {
    FedYogi opt =
        assertInstanceOf(
            FedYogi.class, ServerOptimizers.create("fedyogi", Map.of("tau", 1e-2, "beta2", 0.999)));
    assertEquals(FedYogi.DEFAULT_ETA, opt.eta());
    assertEquals(FedYogi.DEFAULT_BETA1, opt.beta1());
    assertEquals(0.999, opt.beta2());
    assertEquals(1e-2, opt.tau());
  }

  @Test
  void create_nameInOtherCase_isAccepted() {
    assertInstanceOf(FedAdam.class, ServerOptimizers.create(" FedAdam ", Map.of()));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "fedadam    | beta1 | 1.5    | beta1 must be in [0, 1). Provided value: 1.5",
        "fedyogi    | beta2 | 1.0    | beta2 must be in [0, 1). Provided value: 1.0",
        "fedadagrad | beta1 | -0.1   | beta1 must be in [0, 1). Provided value: -0.1",
        "fedavgm    | beta  | NaN    | beta must be in [0, 1). Provided value: NaN",
        "fedadam    | tau   | 0.0    | tau must be > 0 and finite. Provided value: 0.0",
        "fedyogi    | tau   | -1e-3  | tau must be > 0 and finite. Provided value: -0.001",
        "fedadagrad | eta   | 0.0    | eta must be finite and in [1.0E-6, 1000000.0]."
            + " Provided value: 0.0",
        "fedavg     | eta   | Infinity | eta must be finite and in [1.0E-6, 1000000.0]."
            + " Provided value: Infinity",
      })
  void create_valueBreakingRule_throwsNamingParameterRuleAndValue(
      String name, String param, double value, String message) {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ServerOptimizers.create(name, Map.of(param, value)));
    assertEquals(message, e.getMessage());
  }

  @Test
  void create_unknownName_listsKnownNames() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> ServerOptimizers.create("fedsgd", Map.of()));
    assertEquals(
        "server optimizer name must be one of [fedavg, fedavgm, fedadagrad, fedadam, fedyogi]."
            + " Provided value: \"fedsgd\"",
        e.getMessage());
  }

  @Test
  void create_parameterTheOptimizerDoesNotTake_listsAcceptedOnes() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ServerOptimizers.create("fedadagrad", Map.of("beta2", 0.99)));
    assertEquals(
        "fedadagrad parameters must be among [eta, beta1, tau]. Provided value: \"beta2\"",
        e.getMessage());
  }

  @Test
  void create_nullParameterValue_throwsNamingParameter() {
    Map<String, Double> params = new HashMap<>();
    params.put("eta", null);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> ServerOptimizers.create("fedadam", params));
    assertEquals("eta must be a number. Provided value: null", e.getMessage());
  }

  @Test
  void create_eachCall_returnsFreshOptimizer() {
    ServerOptimizer a = ServerOptimizers.create("fedadam", Map.of());
    ServerOptimizer b = ServerOptimizers.create("fedadam", Map.of());
    assertNotSame(a, b);
    assertEquals(0, ((StatefulServerOptimizer) b).state().step());
  }
}
