package io.fedrec.client;

import java.time.Duration;

/**
 * Observes a {@link FederatedClient}'s participation loop. Every method has an empty default, so
 * implement only what you need.
 *
 * <h2>Event order</h2>
 *
 * <p>Each loop step starts with {@link #onCheckIn}, followed by exactly one of:
 *
 * <ol>
 *   <li>{@link #onRetry} — the coordinator asked to come back later, or the check-in failed with
 *       {@code UNAVAILABLE}/{@code DEADLINE_EXCEEDED}; the next step runs after {@code delay};
 *   <li>{@link #onFinished} — the federation is finished; no further events follow;
 *   <li>{@link #onTaskReceived}, then {@link #onModelUpdated} if a new model was downloaded (not
 *       when the cached one is still current), then one of {@link #onUpdateSubmitted}, {@link
 *       #onTaskFailed}, or {@link #onRetry} when the download or upload failed with {@code
 *       UNAVAILABLE}/{@code DEADLINE_EXCEEDED}. After {@code onUpdateSubmitted}, {@link
 *       #onFinished} follows when {@code maxRounds} participations are done.
 * </ol>
 *
 * <p>A step that resumes an upload interrupted by a transport failure does not check in again: it
 * fires only {@link #onUpdateSubmitted}, {@link #onTaskFailed} or {@link #onRetry}. After {@link
 * #onTaskFailed} the next step runs after the retry policy's backoff, without an {@code onRetry}.
 * {@link #onError} follows {@link #onRetry} (transport failures) or {@link #onTaskFailed} each time
 * the policy's {@code maxAttempts} consecutive failures are reached; it also follows a check-in
 * rejected with a non-retryable status. An exception thrown by the data source while a task is
 * trained fails that task: the coordinator is told {@code training_error} (with the exception's
 * type, never its message, which may hold user data) and {@link #onTaskFailed} fires. The loop
 * keeps going after a backoff in every case.
 *
 * <p><b>Thread safety:</b> events are delivered one at a time on the client's executor thread, in
 * the order above. Implementations must return quickly and must not block; exceptions they throw
 * are caught and ignored so that a faulty listener cannot stop the loop.
 */
public interface ClientEventListener {

  /** A listener that ignores every event. */
  ClientEventListener NONE = new ClientEventListener() {};

  /** The client is about to check in with the coordinator. */
  default void onCheckIn(String clientId) {}

  /** The next check-in (or upload attempt) is scheduled after {@code delay}, jitter included. */
  default void onRetry(Duration delay, String reason) {}

  /** The coordinator selected this client for {@code round}. */
  default void onTaskReceived(long round) {}

  /** A new global model (the input of round {@code version}) was downloaded and verified. */
  default void onModelUpdated(long version) {}

  /** The summed update of {@code users} local users was accepted for {@code round}. */
  default void onUpdateSubmitted(long round, int users) {}

  /**
   * The task of {@code round} violates the client's {@link PrivacyPolicy} ({@code reason} says
   * how); the coordinator is told {@code policy_refused} and {@link #onTaskFailed} follows.
   */
  default void onPolicyRefusal(long round, String reason) {}

  /**
   * {@code users} local users were left out of {@code round} by the {@link PrivacyPolicy} (their
   * per-user epsilon cap would be exceeded); the others take part.
   */
  default void onUsersExcluded(long round, int users, String reason) {}

  /** The task of {@code round} failed; the coordinator was told when possible. */
  default void onTaskFailed(long round, Throwable cause) {}

  /** The federation finished after {@code lastRound}; the loop has stopped. */
  default void onFinished(long lastRound) {}

  /** Repeated or unexpected failure of the loop; the loop keeps going after a backoff. */
  default void onError(Throwable error) {}
}
