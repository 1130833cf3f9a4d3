package io.fedrec.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A single-threaded scheduled executor on virtual time: tasks run only inside {@link
 * #runUntilIdle}, on the caller's thread, in due-time order; time jumps instead of passing. Records
 * every delay it was asked for. Not thread-safe.
 */
public final class ManualScheduledExecutor extends AbstractExecutorService
    implements ScheduledExecutorService {
  private final PriorityQueue<Job> queue =
      new PriorityQueue<>((a, b) -> a.dueNanos != b.dueNanos
          ? Long.compare(a.dueNanos, b.dueNanos) : Long.compare(a.order, b.order));
  public final List<Duration> delays = Collections.synchronizedList(new ArrayList<>());
  private long nowNanos;
  private long seq;
  private boolean shutdown;

  /** Runs due tasks, advancing virtual time, until none is left or {@code maxTasks} ran. */
  public int runUntilIdle(int maxTasks) {
    int ran = 0;
    while (ran < maxTasks) {
      Job job = queue.poll();
      if (job == null) {
        break;
      }
      if (job.cancelled) {
        continue;
      }
      nowNanos = Math.max(nowNanos, job.dueNanos);
      job.done = true;
      job.task.run();
      ran++;
    }
    return ran;
  }

  public int pending() {
    int n = 0;
    for (Job j : queue) {
      if (!j.cancelled) {
        n++;
      }
    }
    return n;
  }

  @Override
  public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
    if (shutdown) {
      throw new java.util.concurrent.RejectedExecutionException("shut down");
    }
    long nanos = unit.toNanos(delay);
    delays.add(Duration.ofNanos(nanos));
    Job job = new Job(command, nowNanos + Math.max(0, nanos), seq++);
    queue.add(job);
    return job;
  }

  @Override
  public void execute(Runnable command) {
    schedule(command, 0, TimeUnit.NANOSECONDS);
  }

  @Override
  public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
    throw new UnsupportedOperationException();
  }

  @Override
  public ScheduledFuture<?> scheduleAtFixedRate(Runnable c, long i, long p, TimeUnit u) {
    throw new UnsupportedOperationException();
  }

  @Override
  public ScheduledFuture<?> scheduleWithFixedDelay(Runnable c, long i, long d, TimeUnit u) {
    throw new UnsupportedOperationException();
  }

  @Override
  public void shutdown() {
    shutdown = true;
  }

  @Override
  public List<Runnable> shutdownNow() {
    shutdown = true;
    List<Runnable> left = new ArrayList<>();
    for (Job j : queue) {
      left.add(j.task);
    }
    queue.clear();
    return left;
  }

  @Override
  public boolean isShutdown() {
    return shutdown;
  }

  @Override
  public boolean isTerminated() {
    return shutdown && queue.isEmpty();
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) {
    return isTerminated();
  }

  private final class Job implements ScheduledFuture<Object> {
    final Runnable task;
    final long dueNanos;
    final long order;
    boolean cancelled;
    boolean done;

    Job(Runnable task, long dueNanos, long order) {
      this.task = task;
      this.dueNanos = dueNanos;
      this.order = order;
    }

    @Override
    public long getDelay(TimeUnit unit) {
      return unit.convert(dueNanos - nowNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public int compareTo(Delayed o) {
      return Long.compare(getDelay(TimeUnit.NANOSECONDS), o.getDelay(TimeUnit.NANOSECONDS));
    }

    @Override
    public boolean cancel(boolean mayInterrupt) {
      if (done) {
        return false;
      }
      cancelled = true;
      return true;
    }

    @Override
    public boolean isCancelled() {
      return cancelled;
    }

    @Override
    public boolean isDone() {
      return done || cancelled;
    }

    @Override
    public Object get() {
      return null;
    }

    @Override
    public Object get(long timeout, TimeUnit unit) {
      return null;
    }
  }
}
