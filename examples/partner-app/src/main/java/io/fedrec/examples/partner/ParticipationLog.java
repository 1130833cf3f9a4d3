package io.fedrec.examples.partner;

import io.fedrec.client.ClientEventListener;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Logs the SDK's participation events through {@link System.Logger} (which a platform routes to
 * its own logging, e.g. SLF4J) and keeps a few counters for the platform's health page.
 *
 * <p>Events arrive one at a time on the SDK's loop thread in the order documented on {@link
 * ClientEventListener}; every method only logs and counts, so it returns at once as the listener
 * contract requires. Counters may be read from any thread.
 */
public final class ParticipationLog implements ClientEventListener {
  private static final Logger LOG = System.getLogger(ParticipationLog.class.getName());

  // Arguments are passed as strings: MessageFormat would print round 1234 as "1,234".

  private final AtomicLong checkIns = new AtomicLong();
  private final AtomicLong tasks = new AtomicLong();
  private final AtomicLong submissions = new AtomicLong();
  private final AtomicLong taskFailures = new AtomicLong();
  private final AtomicLong errors = new AtomicLong();
  private volatile long modelVersion = -1;
  private volatile long finishedAfter = -1;

  @Override
  public void onCheckIn(String clientId) {
    checkIns.incrementAndGet();
    LOG.log(Level.DEBUG, "fedrec: {0} checking in", clientId);
  }

  @Override
  public void onRetry(Duration delay, String reason) {
    LOG.log(Level.INFO, "fedrec: next check-in in {0} ms ({1})",
        String.valueOf(delay.toMillis()), reason);
  }

  @Override
  public void onTaskReceived(long round) {
    tasks.incrementAndGet();
    LOG.log(Level.INFO, "fedrec: selected for round {0}", String.valueOf(round));
  }

  @Override
  public void onModelUpdated(long version) {
    modelVersion = version;
    LOG.log(Level.INFO, "fedrec: downloaded global model v{0}", String.valueOf(version));
  }

  @Override
  public void onUpdateSubmitted(long round, int users) {
    submissions.incrementAndGet();
    LOG.log(Level.INFO, "fedrec: round {0}: submitted the summed update of {1} users",
        String.valueOf(round), String.valueOf(users));
  }

  @Override
  public void onTaskFailed(long round, Throwable cause) {
    taskFailures.incrementAndGet();
    LOG.log(Level.WARNING, "fedrec: round {0}: task failed: {1}", String.valueOf(round),
        String.valueOf(cause));
  }

  @Override
  public void onFinished(long lastRound) {
    finishedAfter = lastRound;
    LOG.log(Level.INFO, "fedrec: federation finished after round {0}",
        String.valueOf(lastRound));
  }

  @Override
  public void onError(Throwable error) {
    errors.incrementAndGet();
    // Never fatal: the SDK keeps retrying with backoff, and serving goes on with the last model.
    LOG.log(Level.WARNING, "fedrec: participation problem (the SDK retries): {0}",
        String.valueOf(error));
  }

  /** Check-ins so far, including retries. */
  public long checkIns() {
    return checkIns.get();
  }

  /** Rounds this client was selected for. */
  public long tasks() {
    return tasks.get();
  }

  /** Updates the coordinator accepted. */
  public long submissions() {
    return submissions.get();
  }

  /** Tasks that failed (the coordinator was told). */
  public long taskFailures() {
    return taskFailures.get();
  }

  /** {@code onError} events: repeated transport failures or unexpected errors. */
  public long errors() {
    return errors.get();
  }

  /** Version of the last downloaded model, -1 before the first. */
  public long modelVersion() {
    return modelVersion;
  }

  /** The last round when the federation finished (or {@code maxRounds} was reached), else -1. */
  public long finishedAfter() {
    return finishedAfter;
  }
}
