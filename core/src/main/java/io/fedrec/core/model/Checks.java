package io.fedrec.core.model;

/**
 * Argument checks whose messages name the parameter, the rule and the provided value, e.g.
 * {@code "rank must be in [1, 512]. Provided value: 0"}.
 */
public final class Checks {
  private Checks() {}

  public static int inRange(String name, int value, int min, int max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(
          name + " must be in [" + min + ", " + max + "]. Provided value: " + value);
    }
    return value;
  }

  public static long inRange(String name, long value, long min, long max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(
          name + " must be in [" + min + ", " + max + "]. Provided value: " + value);
    }
    return value;
  }

  /** Requires a finite value in {@code [min, max]}. */
  public static double finiteInRange(String name, double value, double min, double max) {
    if (!Double.isFinite(value) || value < min || value > max) {
      throw new IllegalArgumentException(
          name + " must be finite and in [" + min + ", " + max + "]. Provided value: " + value);
    }
    return value;
  }

  public static double positiveFinite(String name, double value) {
    if (!Double.isFinite(value) || value <= 0) {
      throw new IllegalArgumentException(
          name + " must be > 0 and finite. Provided value: " + value);
    }
    return value;
  }

  public static double nonNegativeFinite(String name, double value) {
    if (!Double.isFinite(value) || value < 0) {
      throw new IllegalArgumentException(
          name + " must be >= 0 and finite. Provided value: " + value);
    }
    return value;
  }

  /** Client ids: 1 to 128 characters from {@code [A-Za-z0-9._:-]}. */
  public static String clientId(String clientId) {
    if (clientId == null || clientId.isEmpty() || clientId.length() > 128) {
      throw new IllegalArgumentException(
          "client_id must be 1 to 128 characters. Provided value: " + quote(clientId));
    }
    for (int i = 0; i < clientId.length(); i++) {
      char c = clientId.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '.'
              || c == '_'
              || c == ':'
              || c == '-';
      if (!ok) {
        throw new IllegalArgumentException(
            "client_id may only contain [A-Za-z0-9._:-]. Provided value: " + quote(clientId));
      }
    }
    return clientId;
  }

  private static String quote(String s) {
    if (s == null) {
      return "null";
    }
    String shown = s.length() > 64 ? s.substring(0, 64) + "..." : s;
    return '"' + shown.replaceAll("[^\\x20-\\x7e]", "?") + '"';
  }
}
