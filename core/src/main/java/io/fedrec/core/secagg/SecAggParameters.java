package io.fedrec.core.secagg;

import java.util.Arrays;

/**
 * Public parameters of one SecAgg+ round, known to the server and every client before it starts.
 *
 * @param round round number, bound into every key derivation and ciphertext
 * @param cohortSize number of clients {@code n}; clients are indexed {@code 0..n-1}
 * @param neighbours neighbours per client {@code k} (see {@link NeighbourGraph})
 * @param threshold Shamir threshold {@code t}, in {@code [2, k + 1]} (a client's shares are held
 *     by its {@code k} neighbours and itself); default {@link NeighbourGraph#defaultThreshold}
 * @param bits bits per coordinate {@code b}: inputs and the sum live modulo {@code 2^b}
 * @param vectorLength coordinates per input
 * @param graphSeed 32 public random bytes from which the neighbour graph is derived
 */
public record SecAggParameters(
    long round,
    int cohortSize,
    int neighbours,
    int threshold,
    int bits,
    int vectorLength,
    byte[] graphSeed) {

  public SecAggParameters {
    if (cohortSize < 2) {
      throw new IllegalArgumentException("cohortSize must be >= 2. Provided value: " + cohortSize);
    }
    if (neighbours < 1 || neighbours > cohortSize - 1) {
      throw new IllegalArgumentException(
          "neighbours must be in [1, " + (cohortSize - 1) + "]. Provided value: " + neighbours);
    }
    if (threshold < 2 || threshold > neighbours + 1) {
      throw new IllegalArgumentException(
          "threshold must be in [2, neighbours + 1 = "
              + (neighbours + 1)
              + "]. Provided value: "
              + threshold);
    }
    if (bits < 1 || bits > 32) {
      throw new IllegalArgumentException("bits must be in [1, 32]. Provided value: " + bits);
    }
    if (vectorLength < 1) {
      throw new IllegalArgumentException(
          "vectorLength must be >= 1. Provided value: " + vectorLength);
    }
    graphSeed = Bytes.checkLength("graphSeed", graphSeed, 32).clone();
    // Fails here, not mid-round, on an odd k that is not n - 1.
    NeighbourGraph.create(graphSeed, cohortSize, neighbours);
  }

  /**
   * Parameters with {@link NeighbourGraph#defaultNeighbours} and {@link
   * NeighbourGraph#defaultThreshold}.
   */
  public static SecAggParameters withDefaults(
      long round, int cohortSize, int bits, int vectorLength, byte[] graphSeed) {
    int k = NeighbourGraph.defaultNeighbours(cohortSize);
    return new SecAggParameters(
        round, cohortSize, k, NeighbourGraph.defaultThreshold(k), bits, vectorLength, graphSeed);
  }

  @Override
  public byte[] graphSeed() {
    return graphSeed.clone();
  }

  /** The neighbour graph of this round (recomputed on each call). */
  public NeighbourGraph graph() {
    return NeighbourGraph.create(graphSeed, cohortSize, neighbours);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SecAggParameters p
        && round == p.round
        && cohortSize == p.cohortSize
        && neighbours == p.neighbours
        && threshold == p.threshold
        && bits == p.bits
        && vectorLength == p.vectorLength
        && Arrays.equals(graphSeed, p.graphSeed);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(round) * 31 + cohortSize * 17 + neighbours * 7 + threshold;
  }

  @Override
  public String toString() {
    return "SecAggParameters{round="
        + round
        + ", n="
        + cohortSize
        + ", k="
        + neighbours
        + ", t="
        + threshold
        + ", bits="
        + bits
        + ", m="
        + vectorLength
        + "}";
  }
}
