package io.fedrec.coordinator.metrics;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import com.codahale.metrics.jmx.JmxReporter;
import java.util.function.LongSupplier;

/**
 * The coordinator's operational metrics in a Dropwizard {@link MetricRegistry}: RPC outcomes,
 * rounds published and abandoned, traffic, and round durations. Names are listed in
 * {@code docs/operations.md}. Thread-safe.
 *
 * <p>Metrics count events, never identities: no client id or user data appears in a name or value.
 */
public final class CoordinatorMetrics {
  private static final String PREFIX = "fedrec.coordinator.";

  private final MetricRegistry registry;
  private final Meter checkIns;
  private final Meter tasksAssigned;
  private final Meter retriesSent;
  private final Meter downloads;
  private final Meter submissionsAccepted;
  private final Meter requestsRejected;
  private final Meter failuresReported;
  private final Counter roundsPublished;
  private final Counter roundsAbandoned;
  private final Counter dropouts;
  private final Counter bytesUp;
  private final Counter bytesDown;
  private final Timer roundDuration;
  private final Timer selectionDuration;

  public CoordinatorMetrics() {
    this(new MetricRegistry());
  }

  public CoordinatorMetrics(MetricRegistry registry) {
    this.registry = registry;
    checkIns = registry.meter(PREFIX + "check_ins");
    tasksAssigned = registry.meter(PREFIX + "tasks_assigned");
    retriesSent = registry.meter(PREFIX + "retries_sent");
    downloads = registry.meter(PREFIX + "downloads");
    submissionsAccepted = registry.meter(PREFIX + "submissions_accepted");
    requestsRejected = registry.meter(PREFIX + "requests_rejected");
    failuresReported = registry.meter(PREFIX + "failures_reported");
    roundsPublished = registry.counter(PREFIX + "rounds_published");
    roundsAbandoned = registry.counter(PREFIX + "rounds_abandoned");
    dropouts = registry.counter(PREFIX + "dropouts");
    bytesUp = registry.counter(PREFIX + "bytes_up");
    bytesDown = registry.counter(PREFIX + "bytes_down");
    roundDuration = registry.timer(PREFIX + "round_duration");
    selectionDuration = registry.timer(PREFIX + "selection_duration");
  }

  public MetricRegistry registry() {
    return registry;
  }

  /** Publishes the registry as JMX MBeans under the domain {@code fedrec}; stop it on shutdown. */
  public JmxReporter startJmx() {
    JmxReporter reporter = JmxReporter.forRegistry(registry).inDomain("fedrec").build();
    reporter.start();
    return reporter;
  }

  /** Registers (or replaces) a gauge, e.g. the current round. */
  public void gauge(String name, LongSupplier value) {
    registry.remove(PREFIX + name);
    registry.register(PREFIX + name, (Gauge<Long>) value::getAsLong);
  }

  public void checkIn() {
    checkIns.mark();
  }

  public void taskAssigned() {
    tasksAssigned.mark();
  }

  public void retrySent() {
    retriesSent.mark();
  }

  public void download(long bytes) {
    downloads.mark();
    bytesDown.inc(bytes);
  }

  public void submissionAccepted(long bytes) {
    submissionsAccepted.mark();
    bytesUp.inc(bytes);
  }

  public void requestRejected() {
    requestsRejected.mark();
  }

  public void failureReported() {
    failuresReported.mark();
  }

  public void roundPublished(long durationNanos, int roundDropouts) {
    roundsPublished.inc();
    dropouts.inc(roundDropouts);
    roundDuration.update(durationNanos, java.util.concurrent.TimeUnit.NANOSECONDS);
  }

  /** Time from a round's opening to the close of its selection phase. */
  public void selectionClosed(long durationNanos) {
    selectionDuration.update(durationNanos, java.util.concurrent.TimeUnit.NANOSECONDS);
  }

  public void roundAbandoned() {
    roundsAbandoned.inc();
  }

  public long roundsPublished() {
    return roundsPublished.getCount();
  }

  public long roundsAbandoned() {
    return roundsAbandoned.getCount();
  }

  public long requestsRejected() {
    return requestsRejected.getCount();
  }

  public long submissionsAccepted() {
    return submissionsAccepted.getCount();
  }
}
