package io.fedrec.core.aggregate;

import io.fedrec.core.model.Checks;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Creates server optimizers by name, for configuration files and command lines:
 *
 * <pre>{@code
 * ServerOptimizer optimizer =
 *     ServerOptimizers.create("fedyogi", Map.of("eta", 0.01, "tau", 1e-3));
 * if (optimizer instanceof StatefulServerOptimizer stateful) {
 *   // checkpoint stateful.state() with every published model
 * }
 * }</pre>
 *
 * <table>
 *   <caption>Names and parameters (defaults in parentheses)</caption>
 *   <tr><th>name</th><th>parameters</th><th>class</th></tr>
 *   <tr><td>{@code fedavg}</td><td>eta (1.0)</td><td>{@link FedAvg}</td></tr>
 *   <tr><td>{@code fedavgm}</td><td>eta (1.0), beta (0.9)</td><td>{@link FedAvgM}</td></tr>
 *   <tr><td>{@code fedadagrad}</td><td>eta (0.1), beta1 (0.9), tau (0.001)</td>
 *       <td>{@link FedAdagrad}</td></tr>
 *   <tr><td>{@code fedadam}</td><td>eta (0.01), beta1 (0.9), beta2 (0.99), tau (0.001)</td>
 *       <td>{@link FedAdam}</td></tr>
 *   <tr><td>{@code fedyogi}</td><td>eta (0.01), beta1 (0.9), beta2 (0.99), tau (0.001)</td>
 *       <td>{@link FedYogi}</td></tr>
 * </table>
 *
 * Each class documents where its defaults come from. Rules: {@code eta} finite in
 * [1e-6, 1e6] (as {@link FedAvg}); {@code beta}, {@code beta1}, {@code beta2} in [0, 1);
 * {@code tau} finite and &gt; 0. A rejected value throws an {@link IllegalArgumentException}
 * naming the parameter, the rule and the value, e.g. {@code "beta1 must be in [0, 1). Provided
 * value: 1.5"}; so does an unknown name or parameter.
 */
public final class ServerOptimizers {
  /** The known names, in the order of the table above. */
  public static final List<String> NAMES =
      List.of("fedavg", "fedavgm", "fedadagrad", "fedadam", "fedyogi");

  /** Bounds of every server learning rate, the same as {@link FedAvg}'s. */
  static final double MIN_ETA = 1e-6;

  static final double MAX_ETA = 1e6;

  /** FedAvg's default: plain model averaging. */
  static final double DEFAULT_FEDAVG_ETA = 1.0;

  private ServerOptimizers() {}

  /**
   * A new optimizer called {@code name} (case-insensitive) with {@code params} overriding the
   * defaults. Stateful optimizers come back fresh (step 0).
   *
   * @throws IllegalArgumentException for an unknown name (the message lists the known ones), a
   *     parameter the optimizer does not take, or a value outside its rule
   */
  public static ServerOptimizer create(String name, Map<String, Double> params) {
    if (name == null) {
      throw new IllegalArgumentException("server optimizer name must be one of " + NAMES
          + ". Provided value: null");
    }
    if (params == null) {
      throw new IllegalArgumentException("params must not be null; pass Map.of() for defaults");
    }
    String key = name.trim().toLowerCase(Locale.ROOT);
    switch (key) {
      case "fedavg" -> {
        checkKnown(key, params, "eta");
        return new FedAvg(eta(get(params, "eta", DEFAULT_FEDAVG_ETA)));
      }
      case "fedavgm" -> {
        checkKnown(key, params, "eta", "beta");
        return FedAvgM.builder()
            .eta(get(params, "eta", FedAvgM.DEFAULT_ETA))
            .beta(get(params, "beta", FedAvgM.DEFAULT_BETA))
            .build();
      }
      case "fedadagrad" -> {
        checkKnown(key, params, "eta", "beta1", "tau");
        return FedAdagrad.builder()
            .eta(get(params, "eta", FedAdagrad.DEFAULT_ETA))
            .beta1(get(params, "beta1", FedAdagrad.DEFAULT_BETA1))
            .tau(get(params, "tau", FedAdagrad.DEFAULT_TAU))
            .build();
      }
      case "fedadam" -> {
        checkKnown(key, params, "eta", "beta1", "beta2", "tau");
        return FedAdam.builder()
            .eta(get(params, "eta", FedAdam.DEFAULT_ETA))
            .beta1(get(params, "beta1", FedAdam.DEFAULT_BETA1))
            .beta2(get(params, "beta2", FedAdam.DEFAULT_BETA2))
            .tau(get(params, "tau", FedAdam.DEFAULT_TAU))
            .build();
      }
      case "fedyogi" -> {
        checkKnown(key, params, "eta", "beta1", "beta2", "tau");
        return FedYogi.builder()
            .eta(get(params, "eta", FedYogi.DEFAULT_ETA))
            .beta1(get(params, "beta1", FedYogi.DEFAULT_BETA1))
            .beta2(get(params, "beta2", FedYogi.DEFAULT_BETA2))
            .tau(get(params, "tau", FedYogi.DEFAULT_TAU))
            .build();
      }
      default -> throw new IllegalArgumentException(
          "server optimizer name must be one of " + NAMES + ". Provided value: \"" + name + "\"");
    }
  }

  private static void checkKnown(String optimizer, Map<String, Double> params, String... known) {
    List<String> allowed = List.of(known);
    for (String p : params.keySet()) {
      if (p == null || !allowed.contains(p)) {
        throw new IllegalArgumentException(
            optimizer + " parameters must be among " + allowed + ". Provided value: "
                + (p == null ? "null" : "\"" + p + "\""));
      }
    }
  }

  private static double get(Map<String, Double> params, String key, double defaultValue) {
    if (!params.containsKey(key)) {
      return defaultValue;
    }
    Double v = params.get(key);
    if (v == null) {
      throw new IllegalArgumentException(key + " must be a number. Provided value: null");
    }
    return v;
  }

  /** Server learning rate: finite, in [{@value #MIN_ETA}, {@value #MAX_ETA}]. */
  static double eta(double value) {
    return Checks.finiteInRange("eta", value, MIN_ETA, MAX_ETA);
  }

  /** Exponential decay rates of Algorithm 2 and server momentum: in [0, 1). */
  static double decay(String name, double value) {
    if (!(value >= 0 && value < 1)) {
      throw new IllegalArgumentException(
          name + " must be in [0, 1). Provided value: " + value);
    }
    return value;
  }

  /** Adaptivity: finite and &gt; 0, so that {@code sqrt(v) + tau} is never 0. */
  static double tau(double value) {
    return Checks.positiveFinite("tau", value);
  }
}
