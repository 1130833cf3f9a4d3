package io.fedrec.simulator.sim;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock that moves only when told to, so that a simulated federation's timeouts depend on the
 * simulation's decisions and never on how fast the machine is.
 *
 * <p>Thread-safe: the instant is read and advanced atomically.
 */
public final class SimulatedClock extends Clock {
  /** Where simulations start: 2025-01-01T00:00:00Z. */
  public static final Instant DEFAULT_START = Instant.parse("2025-01-01T00:00:00Z");

  private final ZoneId zone;
  private volatile Instant now;

  public SimulatedClock() {
    this(DEFAULT_START);
  }

  public SimulatedClock(Instant start) {
    this(start, ZoneOffset.UTC);
  }

  private SimulatedClock(Instant start, ZoneId zone) {
    this.now = start;
    this.zone = zone;
  }

  /**
   * Moves the clock forward.
   *
   * @throws IllegalArgumentException if {@code step} is negative
   */
  public synchronized void advance(Duration step) {
    if (step.isNegative()) {
      throw new IllegalArgumentException("step must be >= 0. Provided value: " + step);
    }
    now = now.plus(step);
  }

  @Override
  public Instant instant() {
    return now;
  }

  @Override
  public long millis() {
    return now.toEpochMilli();
  }

  @Override
  public ZoneId getZone() {
    return zone;
  }

  /** A view of the same moving instant in another zone. */
  @Override
  public Clock withZone(ZoneId newZone) {
    SimulatedClock outer = this;
    return new Clock() {
      @Override
      public ZoneId getZone() {
        return newZone;
      }

      @Override
      public Clock withZone(ZoneId z) {
        return outer.withZone(z);
      }

      @Override
      public Instant instant() {
        return outer.instant();
      }
    };
  }

  @Override
  public String toString() {
    return "SimulatedClock[" + now + "]";
  }
}
