package io.fedrec.core.aggregate;

/**
 * One client's validated submission to a round: its dense update (model layout) and its weight,
 * the number of users whose per-user updates it sums.
 *
 * <p>The aggregator reads {@code update} and does not keep it.
 */
public record ClientContribution(String clientId, float[] update, long weight) {
  public ClientContribution {
    if (weight < 1) {
      throw new IllegalArgumentException("weight must be >= 1. Provided value: " + weight);
    }
  }
}
