package io.fedrec.core.dp;

/**
 * The integer noise the clients add in distributed (and local) DP: a federation chooses one, every
 * task announces it, and the accountant follows it.
 */
public enum NoiseDistribution {
  /**
   * The discrete Gaussian (Canonne, Kamath, Steinke 2020), summed across clients as in Kairouz,
   * Liu, Steinke 2021 and accounted as the Gaussian mechanism ({@link RdpAccountant}, {@link
   * PldAccountant}).
   */
  DISCRETE_GAUSSIAN("discrete_gaussian"),
  /**
   * The symmetric Skellam distribution (Agarwal, Kairouz, Liu 2021): closed under summation, so
   * the aggregate noise is exactly Skellam; accounted by {@link SkellamAccountant}.
   */
  SKELLAM("skellam");

  private final String key;

  NoiseDistribution(String key) {
    this.key = key;
  }

  /** The name used in configuration, on the wire and in the ledger. */
  public String key() {
    return key;
  }

  /**
   * The distribution named {@code key}; the empty string (a task from before the choice existed)
   * is the discrete Gaussian.
   *
   * @throws IllegalArgumentException naming the valid values
   */
  public static NoiseDistribution parse(String key) {
    if (key != null && key.isEmpty()) {
      return DISCRETE_GAUSSIAN;
    }
    for (NoiseDistribution d : values()) {
      if (d.key.equals(key)) {
        return d;
      }
    }
    throw new IllegalArgumentException(
        "noise distribution must be one of discrete_gaussian, skellam. Provided value: " + key);
  }
}
