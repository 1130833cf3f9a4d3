package io.fedrec.simulator.sim;

import java.util.Locale;

/** How a simulation's virtual clients reach its coordinator. */
public enum Transport {
  /** Plain method calls on the {@code RoundEngine}: no serialisation. */
  DIRECT,
  /**
   * {@link #DIRECT}, and in rounds without privacy or secure aggregation the clients submit only
   * the rows their users touched and the coordinator adds the prior once per round ({@code
   * SparseContribution}): the fastest; the model equals the dense path's up to rounding, not bit
   * for bit.
   */
  SPARSE,
  /** The real gRPC service over gRPC's in-process transport: full serialisation, no sockets. */
  INPROCESS,
  /** The real gRPC service over plaintext TCP on the loopback interface. */
  TCP;

  /** The command-line spelling: {@code direct}, {@code sparse}, {@code inprocess}, {@code tcp}. */
  public String cliName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Parses the command-line spelling (case-insensitive).
   *
   * @throws IllegalArgumentException naming the allowed values and the provided one
   */
  public static Transport parse(String name) {
    if (name != null) {
      for (Transport t : values()) {
        if (t.cliName().equalsIgnoreCase(name.trim())) {
          return t;
        }
      }
    }
    throw new IllegalArgumentException(
        "transport must be one of direct, sparse, inprocess, tcp. Provided value: " + name);
  }
}
