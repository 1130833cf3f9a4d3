package io.fedrec.simulator.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ParallelRangesTest {
  private final ExecutorService pool = Executors.newFixedThreadPool(3);

  @AfterEach
  void shutdown() throws InterruptedException {
    pool.shutdownNow();
    pool.awaitTermination(10, TimeUnit.SECONDS);
  }

  @Test
  void run_onPool_visitsEveryIndexOnce() {
    int[] visits = new int[1000];
    ParallelRanges.run(1000, 7, pool, (from, to) -> {
      for (int x = from; x < to; x++) {
        visits[x]++;
      }
    });
    int[] ones = new int[1000];
    java.util.Arrays.fill(ones, 1);
    assertArrayEquals(ones, visits);
  }

  @Test
  void run_taskThrows_rethrowsSameException() {
    IllegalStateException boom = new IllegalStateException("boom");
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> ParallelRanges.run(100, 10, pool, (from, to) -> {
          if (from == 50) {
            throw boom;
          }
        }));
    assertSame(boom, e);
  }

  @Test
  void run_nullPool_runsInlineAsOneRange() {
    int[] calls = new int[3];
    ParallelRanges.run(100, 10, null, (from, to) -> {
      calls[0]++;
      calls[1] = from;
      calls[2] = to;
    });
    assertArrayEquals(new int[] {1, 0, 100}, calls);
  }

  @Test
  void run_zeroChunk_throws() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ParallelRanges.run(10, 0, null, (from, to) -> {}));
    assertEquals("chunk must be >= 1. Provided value: 0", e.getMessage());
  }
}
