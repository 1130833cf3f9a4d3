package io.fedrec.simulator.cli;

import java.util.Map;

/**
 * Turns validation messages of the library ({@code "clientsPerRound must be in [1, 524288].
 * Provided value: 0"}) into command-line messages that name the flag instead ({@code
 * "--clients-per-round must be in [1, 524288]. Provided value: 0"}). Stateless.
 */
final class Flags {
  private Flags() {}

  /**
   * A usage {@link CliException} whose message starts with the flag mapped from the message's
   * leading parameter name, or the original message (prefixed with {@code fallbackPrefix} when
   * not null) when no name matches.
   */
  static CliException rename(
      IllegalArgumentException e, Map<String, String> flagsByName, String fallbackPrefix) {
    String message = e.getMessage() == null ? e.toString() : e.getMessage();
    for (Map.Entry<String, String> m : flagsByName.entrySet()) {
      String name = m.getKey();
      if (message.startsWith(name + " ") || message.startsWith(name + ":")) {
        return CliException.usage(m.getValue() + message.substring(name.length()), e);
      }
    }
    return CliException.usage(
        fallbackPrefix == null ? message : fallbackPrefix + message, e);
  }

  /** Checks {@code min <= value <= max} for a flag. */
  static long inRange(String flag, long value, long min, long max) {
    if (value < min || value > max) {
      throw CliException.usage(
          flag + " must be in [" + min + ", " + max + "]. Provided value: " + value);
    }
    return value;
  }
}
