package io.fedrec.core.aggregate;

import static io.fedrec.core.aggregate.OptimizerFixtures.smallModel;
import static io.fedrec.core.aggregate.OptimizerFixtures.smallUpdates;
import static io.fedrec.core.aggregate.OptimizerFixtures.tiny;
import static io.fedrec.core.aggregate.OptimizerFixtures.update;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedrec.core.model.GlobalModel;
import io.fedrec.core.model.ModelShape;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The checkpoint and failure contract of {@link StatefulServerOptimizer}, for every optimizer. */
class StatefulServerOptimizerTest {

  private static StatefulServerOptimizer create(String name) {
    return (StatefulServerOptimizer) ServerOptimizers.create(name, Map.of());
  }

  @ParameterizedTest
  @ValueSource(strings = {"fedavgm", "fedadagrad", "fedadam", "fedyogi"})
  void restore_encodedStateAfterTwoRounds_continuesLikeUninterruptedRun(String name) {
    AggregateResult[] updates = smallUpdates(21, 6);
    StatefulServerOptimizer uninterrupted = create(name);
    GlobalModel expected = smallModel(20);
    for (AggregateResult u : updates) {
      expected = uninterrupted.apply(expected, u);
    }

    StatefulServerOptimizer first = create(name);
    GlobalModel model = smallModel(20);
    model = first.apply(model, updates[0]);
    model = first.apply(model, updates[1]);
    byte[] checkpoint = first.state().encode();
    // A different process: a fresh optimizer that already ran on other data is overwritten.
    StatefulServerOptimizer resumed = create(name);
    resumed.apply(smallModel(99), updates[5]);
    resumed.restore(OptimizerState.decode(checkpoint));
    for (int r = 2; r < updates.length; r++) {
      model = resumed.apply(model, updates[r]);
    }

    assertEquals(expected, model);
    assertEquals(uninterrupted.state(), resumed.state());
    assertEquals(6, resumed.state().step());
  }

  @ParameterizedTest
  @ValueSource(strings = {"fedavgm", "fedadagrad", "fedadam", "fedyogi"})
  void state_beforeFirstApply_isStepZeroWithoutVectors(String name) {
    OptimizerState s = create(name).state();
    assertEquals(name, s.name());
    assertEquals(0, s.step());
    assertTrue(s.vectorNames().isEmpty());
  }

  @ParameterizedTest
  @ValueSource(strings = {"fedavgm", "fedadagrad", "fedadam", "fedyogi"})
  void restore_freshState_resetsOptimizer(String name) {
    StatefulServerOptimizer opt = create(name);
    OptimizerState fresh = opt.state();
    AggregateResult[] updates = smallUpdates(31, 2);
    GlobalModel start = smallModel(30);
    GlobalModel firstRun = opt.apply(start, updates[0]);
    opt.apply(firstRun, updates[1]);

    opt.restore(fresh);

    assertEquals(fresh, opt.state());
    assertEquals(firstRun, opt.apply(start, updates[0]));
  }

  @ParameterizedTest
  @ValueSource(strings = {"fedavgm", "fedadagrad", "fedadam", "fedyogi"})
  void state_snapshot_isUnaffectedByLaterRounds(String name) {
    StatefulServerOptimizer opt = create(name);
    AggregateResult[] updates = smallUpdates(41, 2);
    GlobalModel m1 = opt.apply(smallModel(40), updates[0]);
    OptimizerState snapshot = opt.state();
    byte[] bytes = snapshot.encode();

    opt.apply(m1, updates[1]);

    assertEquals(OptimizerState.decode(bytes), snapshot);
    assertNotEquals(snapshot, opt.state());
  }

  @ParameterizedTest
  @ValueSource(strings = {"fedavgm", "fedadagrad", "fedadam", "fedyogi"})
  void apply_nanUpdate_throwsIllegalStateAndLaterRoundsMatchRunWithoutIt(String name) {
    AggregateResult[] updates = smallUpdates(51, 3);
    StatefulServerOptimizer clean = create(name);
    StatefulServerOptimizer failing = create(name);
    GlobalModel a = smallModel(50);
    GlobalModel b = a;
    a = clean.apply(a, updates[0]);
    b = failing.apply(b, updates[0]);
    float[] bad = updates[1].meanUpdate().clone();
    bad[3] = Float.NaN;
    GlobalModel beforeFailure = b;

    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> failing.apply(beforeFailure, update(bad)));

    assertTrue(e.getMessage().contains("round not published"), e.getMessage());
    assertEquals(clean.state(), failing.state());
    for (int r = 1; r < 3; r++) {
      a = clean.apply(a, updates[r]);
      b = failing.apply(b, updates[r]);
    }
    assertEquals(a, b);
    assertEquals(clean.state(), failing.state());
  }

  @ParameterizedTest
  @ValueSource(strings = {"fedavgm", "fedadagrad", "fedadam", "fedyogi"})
  void apply_updateLengthDiffersFromModel_throwsIllegalArgument(String name) {
    StatefulServerOptimizer opt = create(name);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> opt.apply(tiny(0f, 0f, 0f), update(1f, 2f, 3f, 4f)));
    assertEquals("meanUpdate length must equal numParameters 3. Provided value: 4", e.getMessage());
    assertEquals(0, opt.state().step());
  }

  @ParameterizedTest
  @ValueSource(strings = {"fedavgm", "fedadagrad", "fedadam", "fedyogi"})
  void apply_modelOfOtherDimensionAfterFirstRound_throwsIllegalState(String name) {
    StatefulServerOptimizer opt = create(name);
    opt.apply(tiny(0f, 0f, 0f), update(1f, 2f, 3f));
    GlobalModel bigger = GlobalModel.of(0, new ModelShape(2, 1), new float[5]);

    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> opt.apply(bigger, update(new float[5])));

    assertTrue(
        e.getMessage().contains("state has dimension 3 but the model has 5"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"fedavgm", "fedadagrad", "fedadam", "fedyogi"})
  void restore_stateOfAnotherOptimizer_throwsNamingBoth(String name) {
    StatefulServerOptimizer opt = create(name);
    String other = name.equals("fedadam") ? "fedyogi" : "fedadam";
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> opt.restore(new OptimizerState(other, 0, Map.of())));
    assertEquals(
        "state belongs to optimizer '" + other + "', not '" + name + "'", e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"fedavgm", "fedadagrad", "fedadam", "fedyogi"})
  void restore_stepWithoutVectors_throwsAndKeepsState(String name) {
    StatefulServerOptimizer opt = create(name);
    opt.apply(tiny(0f, 0f, 0f), update(1f, 2f, 3f));
    OptimizerState before = opt.state();

    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> opt.restore(new OptimizerState(name, 4, Map.of())));

    assertTrue(e.getMessage().contains("state at step 4 must hold vectors"), e.getMessage());
    assertEquals(before, opt.state());
  }

  @ParameterizedTest
  @ValueSource(strings = {"fedadagrad", "fedadam", "fedyogi"})
  void restore_missingSecondMoment_throwsListingExpectedVectors(String name) {
    StatefulServerOptimizer opt = create(name);
    OptimizerState onlyM = new OptimizerState(name, 1, Map.of("m", new float[3]));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> opt.restore(onlyM));
    assertEquals(
        name + " state must hold vectors [m, v]. Provided value: [m]", e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"fedadagrad", "fedadam", "fedyogi"})
  void restore_vectorsOfUnequalLength_throws(String name) {
    StatefulServerOptimizer opt = create(name);
    OptimizerState s =
        new OptimizerState(name, 1, Map.of("m", new float[3], "v", new float[4]));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> opt.restore(s));
    assertEquals(
        name + " state vectors must have equal lengths. Provided values: m[3], v[4]",
        e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"fedadagrad", "fedadam", "fedyogi"})
  void restore_negativeSecondMoment_throwsNamingIndex(String name) {
    StatefulServerOptimizer opt = create(name);
    OptimizerState s =
        new OptimizerState(
            name, 1, Map.of("m", new float[3], "v", new float[] {1f, -0.5f, 1f}));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> opt.restore(s));
    assertEquals(
        name + " state v must be >= 0. Provided value at index 1: -0.5", e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"fedavgm", "fedadagrad", "fedadam", "fedyogi"})
  void apply_defaultsOverSixRounds_matchDoublePrecisionReference(String name) {
    StatefulServerOptimizer opt = create(name);
    GlobalModel model = smallModel(60);
    AggregateResult[] updates = smallUpdates(61, 6);
    double[] expected = reference(name, model.parameters(), updates);

    for (AggregateResult u : updates) {
      model = opt.apply(model, u);
    }

    float[] actual = model.parameters();
    for (int i = 0; i < actual.length; i++) {
      // float32 state: about 1e-7 relative error per round; parameters are O(1).
      assertEquals(expected[i], actual[i], 1e-5, name + " parameter " + i);
    }
  }

  /**
   * The update equations written out once more, in double and with the documented defaults,
   * independent of the production loops.
   */
  private static double[] reference(String name, float[] theta0, AggregateResult[] updates) {
    int n = theta0.length;
    double[] theta = new double[n];
    double[] m = new double[n];
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      theta[i] = theta0[i];
    }
    double eta;
    double beta1;
    double beta2;
    double tau;
    switch (name) {
      case "fedavgm" -> {
        eta = 1.0;
        beta1 = 0.9;
        beta2 = Double.NaN;
        tau = Double.NaN;
      }
      case "fedadagrad" -> {
        eta = 0.1;
        beta1 = 0.9;
        beta2 = Double.NaN;
        tau = 1e-3;
      }
      default -> {
        eta = 0.01;
        beta1 = 0.9;
        beta2 = 0.99;
        tau = 1e-3;
      }
    }
    Arrays.fill(v, tau * tau);
    for (AggregateResult u : updates) {
      float[] delta = u.meanUpdate();
      for (int i = 0; i < n; i++) {
        double d = delta[i];
        switch (name) {
          case "fedavgm" -> {
            m[i] = beta1 * m[i] + d;
            theta[i] += eta * m[i];
            continue;
          }
          case "fedadagrad" -> v[i] = v[i] + d * d;
          case "fedadam" -> v[i] = beta2 * v[i] + (1 - beta2) * d * d;
          case "fedyogi" -> v[i] = v[i] - (1 - beta2) * d * d * Math.signum(v[i] - d * d);
          default -> throw new AssertionError(name);
        }
        m[i] = beta1 * m[i] + (1 - beta1) * d;
        theta[i] += eta * m[i] / (Math.sqrt(v[i]) + tau);
      }
    }
    return theta;
  }
}
