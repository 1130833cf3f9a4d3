package io.fedrec.core.aggregate;

/**
 * A {@link ServerOptimizer} that carries state from round to round (momentum, second moments)
 * and can export and restore it, so that a restarted coordinator continues exactly where the
 * checkpointed one stopped.
 *
 * <p><b>Contract.</b> {@link #apply} advances the state if and only if it returns a model: when it
 * throws (a mismatched dimension, a non-finite step) the state is unchanged. If the caller then
 * fails to publish the returned model it must put the previous state back itself:
 *
 * <pre>{@code
 * OptimizerState before = optimizer.state();
 * GlobalModel next = optimizer.apply(model, aggregate);
 * try {
 *   store.publish(next, record, optimizer.state()); // model and state in one checkpoint
 * } catch (RuntimeException e) {
 *   optimizer.restore(before);   // the round is abandoned; so is its step
 *   throw e;
 * }
 * }</pre>
 *
 * A checkpoint should hold the model of version {@code k} together with the state exported right
 * after the {@code apply} that produced it.
 *
 * <p><b>Thread safety.</b> Implementations in this package synchronise {@code apply},
 * {@code state} and {@code restore}, so a checkpoint thread may call {@code state()} while the
 * round loop runs; {@code apply} is meant to be called by one thread at a time (the round loop),
 * and concurrent calls simply run one after the other.
 */
public interface StatefulServerOptimizer extends ServerOptimizer {

  /**
   * A snapshot of the current state: {@link #name()}, the number of successful {@code apply}
   * calls, and copies of the state vectors. Before the first {@code apply} the vectors are empty
   * (their dimension is not known yet) and the step is 0.
   */
  OptimizerState state();

  /**
   * Replaces the state with {@code state}; the next {@code apply} continues from it. A state
   * with no vectors and step 0 resets the optimizer.
   *
   * @throws IllegalArgumentException if {@code state} was not exported by an optimizer of the
   *     same {@link #name()}, or its vectors are not the ones this optimizer keeps, differ in
   *     length or hold values the optimizer can never produce (e.g. a negative second moment);
   *     the current state is then unchanged
   */
  void restore(OptimizerState state);
}
