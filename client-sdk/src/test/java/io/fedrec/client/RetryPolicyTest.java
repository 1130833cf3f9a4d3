package io.fedrec.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

  @Test
  void backoff_consecutiveAttempts_growsGeometricallyUpToMax() {
    RetryPolicy policy = RetryPolicy.builder().initialBackoff(Duration.ofMillis(100))
        .maxBackoff(Duration.ofMillis(500)).multiplier(2).build();

    assertEquals(Duration.ofMillis(100), policy.backoff(1));
    assertEquals(Duration.ofMillis(200), policy.backoff(2));
    assertEquals(Duration.ofMillis(400), policy.backoff(3));
    assertEquals(Duration.ofMillis(500), policy.backoff(4));
    assertEquals(Duration.ofMillis(500), policy.backoff(1000));
  }

  @Test
  void withJitter_seededRandom_staysWithinJitterFraction() {
    RetryPolicy policy = RetryPolicy.builder().jitter(0.5).build();
    SplittableRandom random = new SplittableRandom(3);
    for (int i = 0; i < 1000; i++) {
      Duration d = policy.withJitter(Duration.ofMillis(1000), random);
      assertTrue(d.compareTo(Duration.ofMillis(1000)) >= 0 && d.compareTo(Duration.ofMillis(1500)) <= 0,
          d.toString());
    }
  }

  @Test
  void withJitter_zeroJitter_returnsDelay() {
    RetryPolicy policy = RetryPolicy.builder().jitter(0).build();

    assertEquals(Duration.ofMillis(700),
        policy.withJitter(Duration.ofMillis(700), new SplittableRandom(1)));
  }

  @Test
  void build_maxBelowInitial_throwsNamingSetter() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> RetryPolicy.builder().initialBackoff(Duration.ofSeconds(2))
            .maxBackoff(Duration.ofSeconds(1)).build());

    assertEquals("maxBackoff must be >= initialBackoff PT2S. Provided value: PT1S", e.getMessage());
  }

  @Test
  void build_jitterAboveOne_throwsNamingSetter() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> RetryPolicy.builder().jitter(1.5).build());

    assertEquals("jitter must be finite and in [0.0, 1.0]. Provided value: 1.5", e.getMessage());
  }

  @Test
  void build_zeroAttempts_throwsNamingSetter() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> RetryPolicy.builder().maxAttempts(0).build());

    assertTrue(e.getMessage().startsWith("maxAttempts must be in [1, "), e.getMessage());
  }
}
