package io.fedrec.core.aggregate;

/**
 * A stateful aggregation, in the style of TFF's aggregation processes: for each round the
 * coordinator calls {@link #begin} to get an accumulator, feeds it every accepted contribution
 * and calls {@link RoundAggregator#finish()} once the round closes.
 *
 * <p>Processes compose: clipping, noise, quantisation and secure summation wrap an inner process
 * (see {@link AggregationFactory}). A process that cannot guarantee its contract (e.g. a privacy
 * parameter missing) must throw from {@code begin} or {@code finish}, so that the round is
 * abandoned rather than published: privacy fails closed.
 */
public interface AggregationProcess {

  /** Starts accumulating round {@code round} for vectors of {@code dimension} floats. */
  RoundAggregator begin(long round, int dimension);

  /** Short name recorded in round records, e.g. {@code "weighted_mean"}. */
  String name();

  /** Per-round accumulator. Implementations are thread-safe: contributions arrive concurrently. */
  interface RoundAggregator {
    /**
     * Adds one contribution.
     *
     * @throws IllegalArgumentException if the vector's length differs from the dimension
     * @throws IllegalStateException after {@link #finish()}
     */
    void accept(ClientContribution contribution);

    /** Number of contributions accepted so far. */
    int count();

    /** Closes the round and returns its aggregate. Callable once. */
    AggregateResult finish();
  }
}
