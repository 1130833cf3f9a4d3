package io.fedrec.coordinator.round;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedrec.core.model.TrainingConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Hostile-input campaign over {@link FederationConfig#fromProperties} (issue 8, "Hostile input").
 * A seeded generator starts from valid configurations (with and without central DP) and applies 1
 * to 4 mutations: boundary and non-numeric values, empty, padded, oversized and control-character
 * strings, removed keys, unknown keys, privacy keys without a privacy mode. Property: the parser
 * returns a configuration that survives a {@code toProperties} round trip, or throws {@link
 * IllegalArgumentException} with a message; never another exception.
 *
 * <p>Iterations: system property {@code fedrec.fuzz.iterations} (default 2000); seed: {@code
 * fedrec.fuzz.seed}.
 */
class FederationConfigFuzzTest {
  private static final String[] KEYS = {
    "num_items", "rank", "feedback", "user_regularization", "user_bias_regularization",
    "item_regularization", "local_steps", "local_learning_rate", "rating_min", "rating_max",
    "item_weight_decay", "implicit_alpha", "rounds", "clients_per_round", "min_clients",
    "selection_timeout_ms", "round_timeout_ms", "server_learning_rate", "initial_mean",
    "init_scale", "seed", "retry_delay_ms", "max_chunk_bytes", "privacy_mode", "privacy_clip_norm",
    "privacy_noise_multiplier", "privacy_epsilon", "privacy_delta", "privacy_population",
    "privacy_users_per_round",
  };
  private static final String[] VALUES = {
    "0", "-1", "1", "-0", "2147483647", "2147483648", "-2147483648", "9223372036854775807",
    "9223372036854775808", "-9223372036854775809", "1e400", "-1e400", "1e-400", "NaN", "Infinity",
    "-Infinity", "0x10", "1_000", "1,5", "1.5", " 7 ", "", " ", "\t", "\u0000", "\uFEFF3",
    "\uFF11\uFF12", "explicit", "implicit", "central", "none", "CENTRAL", "local", "1e6", "1e-6",
    "4096", "4194304", "4194305", "4098", "2592000000", "2592000001", "10000000", "10000001",
  };

  private final int iterations = Integer.getInteger("fedrec.fuzz.iterations", 2000);
  private final long seed = Long.getLong("fedrec.fuzz.seed", 20261124L);

  @Test
  void fromProperties_mutatedProperties_configOrIllegalArgumentWithMessage() {
    Random rnd = new Random(seed);
    Properties[] bases = {plain().toProperties(), central()};
    int accepted = 0;
    for (int i = 0; i < iterations; i++) {
      Properties p = new Properties();
      p.putAll(bases[rnd.nextInt(bases.length)]);
      List<String> trace = new ArrayList<>();
      for (int m = 1 + rnd.nextInt(4); m > 0; m--) {
        mutate(p, rnd, trace);
      }
      FederationConfig c;
      try {
        c = FederationConfig.fromProperties(p);
      } catch (IllegalArgumentException e) {
        assertTrue(e.getMessage() != null && !e.getMessage().isBlank(),
            "seed=" + seed + " iteration=" + i + " " + trace + ": empty message");
        continue;
      } catch (RuntimeException e) {
        throw new AssertionError("seed=" + seed + " iteration=" + i + " " + trace
            + ": fromProperties must throw only IllegalArgumentException. Provided: " + e, e);
      }
      accepted++;
      assertEquals(c, FederationConfig.fromProperties(c.toProperties()),
          "seed=" + seed + " iteration=" + i + " " + trace + ": round trip");
    }
    // the generator must still reach the accepting paths, or it tests only the first check
    assertTrue(accepted > 0, "no mutated configuration was accepted in " + iterations);
  }

  private static FederationConfig plain() {
    return FederationConfig.builder().numItems(1682).training(TrainingConfig.defaults(8))
        .rounds(50).clientsPerRound(20).minClients(5).selectionTimeout(Duration.ofSeconds(5))
        .roundTimeout(Duration.ofSeconds(60)).maxChunkBytes(8192).build();
  }

  private static Properties central() {
    Properties p = plain().toProperties();
    p.setProperty("privacy_mode", "central");
    p.setProperty("privacy_clip_norm", "1.0");
    p.setProperty("privacy_noise_multiplier", "1.1");
    p.setProperty("privacy_epsilon", "8");
    p.setProperty("privacy_delta", "1e-6");
    p.setProperty("privacy_population", "100000");
    return p;
  }

  private static void mutate(Properties p, Random rnd, List<String> trace) {
    String key = KEYS[rnd.nextInt(KEYS.length)];
    switch (rnd.nextInt(6)) {
      case 0 -> {
        trace.add("remove " + key);
        p.remove(key);
      }
      case 1 -> {
        String k = rnd.nextBoolean() ? "num_items " : "x" + rnd.nextInt(100);
        trace.add("unknown key " + k);
        p.setProperty(k, "1");
      }
      case 2 -> {
        String v = "9".repeat(1 + rnd.nextInt(100_000));
        trace.add(key + "=<" + v.length() + " nines>");
        p.setProperty(key, v);
      }
      case 3 -> {
        StringBuilder sb = new StringBuilder();
        for (int k = rnd.nextInt(40); k > 0; k--) {
          int cp = rnd.nextInt(3) == 0 ? rnd.nextInt(0x20) : rnd.nextInt(0x10000);
          if (!Character.isSurrogate((char) cp)) {
            sb.append((char) cp);
          }
        }
        trace.add(key + "=<random " + sb.length() + " chars>");
        p.setProperty(key, sb.toString());
      }
      default -> {
        String v = VALUES[rnd.nextInt(VALUES.length)];
        trace.add(key + "=\"" + v.replaceAll("[^\\x20-\\x7e]", "?") + "\"");
        p.setProperty(key, v);
      }
    }
  }
}
