package io.fedrec.core.aggregate;

import io.fedrec.core.model.GlobalModel;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * State keeping shared by the server optimizers that carry per-coordinate vectors: allocation on
 * the first round, the dimension check, commit-on-success, export and validated restore.
 * Subclasses only write the update loop.
 *
 * <p>Commit-on-success: a step writes the new vectors into a spare set of arrays and the spare is
 * swapped in only after the new model was built, so a step that throws leaves the state exactly
 * as it was. The two sets are reused from round to round, so a round allocates nothing of the
 * state's size.
 */
abstract class MomentServerOptimizer implements StatefulServerOptimizer {
  private final String[] vectorNames;
  private float[][] vectors; // null until the first successful apply or a restore with vectors
  private float[][] spare;
  private float[] scratch;
  private long step;

  /** {@code vectorNames}: the state vectors, in the order {@link #advance} receives them. */
  MomentServerOptimizer(String... vectorNames) {
    this.vectorNames = vectorNames.clone();
  }

  /**
   * Computes one server step (the subclass's whole hot loop): reads {@code state[k]}, writes
   * the new {@code next[k]} for every vector and returns the next model, normally through
   * {@link GlobalModel#plusScaled}, which rejects non-finite parameters.
   *
   * @param scratch a buffer of the model's dimension the subclass may overwrite
   * @throws IllegalStateException if the step or the new state has a non-finite value; nothing
   *     has been published or committed then
   */
  abstract GlobalModel advance(
      GlobalModel current, float[] delta, float[][] state, float[][] next, float[] scratch);

  /** The value every coordinate of vector {@code k} starts from. */
  abstract float initialValue(int k);

  /**
   * Rejects restored values this optimizer could never have produced (e.g. a negative second
   * moment) with an {@link IllegalArgumentException}. The default accepts any finite value.
   */
  void checkRestored(String vectorName, float[] values) {}

  @Override
  public final synchronized GlobalModel apply(GlobalModel current, AggregateResult aggregate) {
    float[] delta = aggregate.meanUpdate();
    int n = current.shape().numParameters();
    if (delta.length != n) {
      throw new IllegalArgumentException(
          "meanUpdate length must equal numParameters " + n + ". Provided value: " + delta.length);
    }
    float[][] state = vectors;
    if (state == null) {
      state = new float[vectorNames.length][n];
      for (int k = 0; k < state.length; k++) {
        Arrays.fill(state[k], initialValue(k));
      }
    } else if (state[0].length != n) {
      throw new IllegalStateException(
          name() + " state has dimension " + state[0].length + " but the model has " + n
              + " parameters; restore a state of this model or start a fresh optimizer");
    }
    if (spare == null || spare[0].length != n) {
      spare = new float[vectorNames.length][n];
    }
    if (scratch == null || scratch.length != n) {
      scratch = new float[n];
    }
    GlobalModel next = advance(current, delta, state, spare, scratch);
    // Commit: the arrays just written become the state, the previous ones next round's spare.
    float[][] written = spare;
    spare = state;
    vectors = written;
    step++;
    return next;
  }

  @Override
  public final synchronized OptimizerState state() {
    Map<String, float[]> out = new LinkedHashMap<>();
    if (vectors != null) {
      for (int k = 0; k < vectorNames.length; k++) {
        out.put(vectorNames[k], vectors[k]); // the record copies
      }
    }
    return new OptimizerState(name(), step, out);
  }

  @Override
  public final synchronized void restore(OptimizerState s) {
    if (s == null) {
      throw new IllegalArgumentException("state must not be null");
    }
    if (!s.name().equals(name())) {
      throw new IllegalArgumentException(
          "state belongs to optimizer '" + s.name() + "', not '" + name() + "'");
    }
    Set<String> expected = new TreeSet<>(Arrays.asList(vectorNames));
    if (s.vectorNames().isEmpty()) {
      if (s.step() != 0) {
        throw new IllegalArgumentException(
            name() + " state at step " + s.step() + " must hold vectors " + expected
                + ". Provided value: []");
      }
      vectors = null;
      step = 0;
      return;
    }
    if (!s.vectorNames().equals(expected)) {
      throw new IllegalArgumentException(
          name() + " state must hold vectors " + expected + ". Provided value: " + s.vectorNames());
    }
    float[][] restored = new float[vectorNames.length][];
    for (int k = 0; k < vectorNames.length; k++) {
      restored[k] = s.vector(vectorNames[k]);
      if (restored[k].length != restored[0].length) {
        throw new IllegalArgumentException(
            name() + " state vectors must have equal lengths. Provided values: "
                + vectorNames[0] + "[" + restored[0].length + "], "
                + vectorNames[k] + "[" + restored[k].length + "]");
      }
      checkRestored(vectorNames[k], restored[k]);
    }
    vectors = restored;
    spare = null;
    scratch = null;
    step = s.step();
  }

  /**
   * Number of successful {@code apply} calls, counting those recorded in a restored state; the
   * same as {@code state().step()} without the copy.
   */
  public final synchronized long step() {
    return step;
  }

  /** An {@link IllegalStateException} for a non-finite state value; the round is abandoned. */
  static IllegalStateException nonFiniteState(String vectorName, int index, float value) {
    return new IllegalStateException(
        "server step produced a non-finite optimizer state " + vectorName + "[" + index + "] = "
            + value + "; round not published");
  }
}
