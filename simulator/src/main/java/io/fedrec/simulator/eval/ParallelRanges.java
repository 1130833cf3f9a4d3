package io.fedrec.simulator.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * Runs independent work over index ranges {@code [0, n)} in fixed-size chunks, on a borrowed
 * pool or inline. Chunk boundaries depend only on {@code n} and the chunk size, never on the pool,
 * so callers that write per-index results and combine them in index order get results that are
 * bit-identical with and without a pool.
 *
 * <p>Thread-safe (stateless); the pool is never shut down here.
 */
public final class ParallelRanges {
  private ParallelRanges() {}

  /** Work on {@code [from, to)}; must touch only state owned by those indices or local. */
  @FunctionalInterface
  public interface RangeTask {
    void run(int from, int to);
  }

  /**
   * Runs {@code task} on {@code [0, n)} in chunks of {@code chunk} indices and waits for all.
   *
   * @param pool the executor, or null to run on the calling thread
   * @throws IllegalStateException if interrupted while waiting (the interrupt flag is restored)
   */
  public static void run(int n, int chunk, ExecutorService pool, RangeTask task) {
    if (chunk < 1) {
      throw new IllegalArgumentException("chunk must be >= 1. Provided value: " + chunk);
    }
    if (pool == null || n <= chunk) {
      task.run(0, n);
      return;
    }
    List<Callable<Void>> tasks = new ArrayList<>();
    for (int from = 0; from < n; from += chunk) {
      int f = from;
      int t = Math.min(n, from + chunk);
      tasks.add(() -> {
        task.run(f, t);
        return null;
      });
    }
    invokeAll(pool, tasks, "parallel work");
  }

  /**
   * Runs {@code tasks} on {@code pool}, waits for all, and returns their results in task order.
   * A task's unchecked exception or error is rethrown as is.
   *
   * @throws IllegalStateException if interrupted while waiting (the interrupt flag is restored)
   */
  public static <T> List<T> invokeAll(ExecutorService pool, List<Callable<T>> tasks, String what) {
    List<T> results = new ArrayList<>(tasks.size());
    try {
      for (Future<T> f : pool.invokeAll(tasks)) {
        results.add(f.get());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for " + what, e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(cause);
    }
    return results;
  }
}
