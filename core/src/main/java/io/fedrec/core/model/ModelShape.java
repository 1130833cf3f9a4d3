package io.fedrec.core.model;

/**
 * Dimensions of the biased matrix-factorisation model and the layout of its flat parameter
 * vector: item factors {@code Q} ({@code numItems x rank}, row-major), then item biases
 * {@code b} ({@code numItems}), then the global mean {@code mu} (one value).
 *
 * <p>Model, update and checkpoint all use this layout, so an update is a vector of exactly
 * {@link #numParameters()} floats whatever the client's data.
 */
public record ModelShape(int numItems, int rank) {

  /** Largest catalogue accepted; keeps {@code numItems * (rank + 1) + 1} inside an int. */
  public static final int MAX_ITEMS = 10_000_000;

  /** Largest latent dimension accepted. */
  public static final int MAX_RANK = 512;

  public ModelShape {
    Checks.inRange("numItems", numItems, 1, MAX_ITEMS);
    Checks.inRange("rank", rank, 1, MAX_RANK);
    if ((long) numItems * (rank + 1) + 1 > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(
          "numItems * (rank + 1) + 1 must fit in a Java array. Provided values: numItems="
              + numItems + ", rank=" + rank);
    }
  }

  /** Total number of float parameters. */
  public int numParameters() {
    return numItems * (rank + 1) + 1;
  }

  /** Index of {@code Q[item][0]}. */
  public int factorOffset(int item) {
    return item * rank;
  }

  /** Index of the bias of {@code item}. */
  public int biasOffset(int item) {
    return numItems * rank + item;
  }

  /** Index of the global mean. */
  public int muOffset() {
    return numItems * (rank + 1);
  }
}
