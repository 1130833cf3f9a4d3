package io.fedrec.client.internal;

import java.time.Duration;
import java.util.Objects;

/**
 * The outcome of one {@link ClientSession#step()}: failures come back as data so that the loop
 * driving the session decides what to do next.
 *
 * <p>Immutable and thread-safe.
 */
public sealed interface StepResult
    permits StepResult.Participated, StepResult.Retry, StepResult.Finished, StepResult.Failed {

  /**
   * The update for {@code round} was accepted (or a retried upload was answered "duplicate",
   * which means the first attempt arrived).
   *
   * @param round the round taken part in
   * @param users number of local users whose updates were summed (the submission's weight)
   * @param lossSum sum over those users of the squared errors after reconstruction
   * @param ratings number of ratings the update was computed from (stays on the client)
   */
  record Participated(long round, int users, double lossSum, long ratings) implements StepResult {}

  /**
   * Step again after {@code delay}: the coordinator asked for it (reason from {@code
   * RetryAfter}, e.g. {@code "cohort_full"}), or an RPC failed with {@code UNAVAILABLE} or {@code
   * DEADLINE_EXCEEDED} (reason {@link #UNAVAILABLE} or {@link #DEADLINE_EXCEEDED}; the delay is
   * then a suggestion the caller replaces with its own backoff).
   */
  record Retry(Duration delay, String reason) implements StepResult {
    /** Reason of a retry caused by an RPC failing with {@code UNAVAILABLE}. */
    public static final String UNAVAILABLE = "unavailable";

    /** Reason of a retry caused by an RPC failing with {@code DEADLINE_EXCEEDED}. */
    public static final String DEADLINE_EXCEEDED = "deadline_exceeded";

    public Retry {
      Objects.requireNonNull(delay, "delay");
      Objects.requireNonNull(reason, "reason");
    }

    /** True when the retry was caused by a transport failure rather than by the coordinator. */
    public boolean isTransportFailure() {
      return reason.equals(UNAVAILABLE) || reason.equals(DEADLINE_EXCEEDED);
    }
  }

  /** The federation is finished; {@code lastRound} is the last published round. */
  record Finished(long lastRound) implements StepResult {}

  /**
   * The task of {@code round} failed (or, with {@code round == -1}, the check-in itself failed
   * with a status that retrying will not fix).
   */
  record Failed(long round, Throwable cause) implements StepResult {
    public Failed {
      Objects.requireNonNull(cause, "cause");
    }
  }
}
