package io.fedrec.client;

import io.fedrec.core.model.Checks;
import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * How a {@link FederatedClient} backs off after transport failures ({@code UNAVAILABLE}, {@code
 * DEADLINE_EXCEEDED}) and spreads its retries: the {@code n}-th consecutive failure waits {@code
 * min(maxBackoff, initialBackoff * multiplier^(n-1))}, plus a uniformly drawn jitter of up to
 * {@code jitter} times that delay. The same jitter is added to the coordinator's {@code
 * RetryAfter} delays, so that a cohort told to come back together does not return in lockstep.
 *
 * <p>After {@code maxAttempts} consecutive failures the client reports the last error to {@link
 * ClientEventListener#onError} and starts counting again; it never gives up on its own.
 *
 * <pre>{@code
 * RetryPolicy policy = RetryPolicy.builder()
 *     .initialBackoff(Duration.ofMillis(500)).maxBackoff(Duration.ofSeconds(30))
 *     .multiplier(2).maxAttempts(5).jitter(0.2)
 *     .build();
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class RetryPolicy {
  private static final RetryPolicy DEFAULTS = builder().build();

  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final double multiplier;
  private final int maxAttempts;
  private final double jitter;

  private RetryPolicy(Builder b) {
    this.initialBackoff = b.initialBackoff;
    this.maxBackoff = b.maxBackoff;
    this.multiplier = b.multiplier;
    this.maxAttempts = b.maxAttempts;
    this.jitter = b.jitter;
  }

  /**
   * Initial backoff 1 s, maximum 60 s, multiplier 2, 5 attempts, jitter 0.2 (the values gRPC's
   * own connection backoff uses, except for a smaller jitter because check-ins are already spread
   * by the coordinator's delays).
   */
  public static RetryPolicy defaults() {
    return DEFAULTS;
  }

  public static Builder builder() {
    return new Builder();
  }

  public Duration initialBackoff() {
    return initialBackoff;
  }

  public Duration maxBackoff() {
    return maxBackoff;
  }

  public double multiplier() {
    return multiplier;
  }

  public int maxAttempts() {
    return maxAttempts;
  }

  public double jitter() {
    return jitter;
  }

  /**
   * The delay before retrying after {@code attempt} consecutive failures, without jitter.
   *
   * @param attempt the number of consecutive failures so far, {@code >= 1}
   */
  public Duration backoff(int attempt) {
    Checks.inRange("attempt", attempt, 1, Integer.MAX_VALUE);
    double nanos = initialBackoff.toNanos() * Math.pow(multiplier, attempt - 1);
    long max = maxBackoff.toNanos();
    return Duration.ofNanos(nanos >= max ? max : (long) nanos);
  }

  /** {@code delay} plus a jitter drawn uniformly from {@code [0, jitter * delay]}. */
  public Duration withJitter(Duration delay, RandomGenerator random) {
    Objects.requireNonNull(delay, "delay");
    if (jitter == 0 || delay.isZero() || delay.isNegative()) {
      return delay.isNegative() ? Duration.ZERO : delay;
    }
    long extra = (long) (delay.toNanos() * jitter * random.nextDouble());
    return delay.plusNanos(extra);
  }

  @Override
  public String toString() {
    return "RetryPolicy{initialBackoff=" + initialBackoff + ", maxBackoff=" + maxBackoff
        + ", multiplier=" + multiplier + ", maxAttempts=" + maxAttempts + ", jitter=" + jitter + "}";
  }

  /** Builds a {@link RetryPolicy}; {@link #build()} validates. Not thread-safe. */
  public static final class Builder {
    private Duration initialBackoff = Duration.ofSeconds(1);
    private Duration maxBackoff = Duration.ofSeconds(60);
    private double multiplier = 2;
    private int maxAttempts = 5;
    private double jitter = 0.2;

    private Builder() {}

    /** Delay after the first failure; {@code > 0}. */
    public Builder initialBackoff(Duration initialBackoff) {
      this.initialBackoff = initialBackoff;
      return this;
    }

    /** Upper bound of the delay; {@code >= initialBackoff}. */
    public Builder maxBackoff(Duration maxBackoff) {
      this.maxBackoff = maxBackoff;
      return this;
    }

    /** Growth factor per consecutive failure; finite and {@code >= 1}. */
    public Builder multiplier(double multiplier) {
      this.multiplier = multiplier;
      return this;
    }

    /** Consecutive failures before {@link ClientEventListener#onError} fires; {@code >= 1}. */
    public Builder maxAttempts(int maxAttempts) {
      this.maxAttempts = maxAttempts;
      return this;
    }

    /** Largest extra delay as a fraction of the delay; in {@code [0, 1]}. */
    public Builder jitter(double jitter) {
      this.jitter = jitter;
      return this;
    }

    /** @throws IllegalArgumentException naming the first invalid setting and its value */
    public RetryPolicy build() {
      if (initialBackoff == null || initialBackoff.isNegative() || initialBackoff.isZero()) {
        throw new IllegalArgumentException(
            "initialBackoff must be > 0. Provided value: " + initialBackoff);
      }
      if (maxBackoff == null || maxBackoff.compareTo(initialBackoff) < 0) {
        throw new IllegalArgumentException(
            "maxBackoff must be >= initialBackoff " + initialBackoff + ". Provided value: "
                + maxBackoff);
      }
      Checks.finiteInRange("multiplier", multiplier, 1, 1e6);
      Checks.inRange("maxAttempts", maxAttempts, 1, Integer.MAX_VALUE);
      Checks.finiteInRange("jitter", jitter, 0, 1);
      return new RetryPolicy(this);
    }
  }
}
