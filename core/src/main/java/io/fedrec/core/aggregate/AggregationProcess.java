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

    /**
     * Whether {@link #acceptSparse} and {@link #acceptPrior} are supported: only by aggregations
     * of plaintext updates without clipping or noise.
     */
    default boolean acceptsSparse() {
      return false;
    }

    /**
     * Adds a sparse contribution's data part and weight; its prior shares are the caller's to
     * add once, with {@link #acceptPrior}, before {@link #finish()}.
     *
     * @throws UnsupportedOperationException unless {@link #acceptsSparse()}
     * @throws IllegalArgumentException if it does not fit the model
     */
    default void acceptSparse(SparseContribution contribution) {
      throw new UnsupportedOperationException("this aggregation takes dense contributions only");
    }

    /**
     * Adds {@code prior} (dense, model layout) to the sum without weight or count: the prior
     * shares of the round's sparse contributions, added once.
     *
     * @throws UnsupportedOperationException unless {@link #acceptsSparse()}
     */
    default void acceptPrior(float[] prior) {
      throw new UnsupportedOperationException("this aggregation takes dense contributions only");
    }

    /** Number of contributions accepted so far. */
    int count();

    /** Closes the round and returns its aggregate. Callable once. */
    AggregateResult finish();
  }
}
