package io.fedrec.simulator.load;

import io.fedrec.core.codec.FloatCodec;
import io.fedrec.proto.v1.CheckInRequest;
import io.fedrec.proto.v1.CheckInResponse;
import io.fedrec.proto.v1.CoordinatorGrpc;
import io.fedrec.proto.v1.DownloadModelRequest;
import io.fedrec.proto.v1.ModelChunk;
import io.fedrec.proto.v1.SubmitUpdateResponse;
import io.fedrec.proto.v1.Task;
import io.fedrec.proto.v1.UpdateChunk;
import io.fedrec.proto.v1.UpdateHeader;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.BooleanSupplier;

/**
 * Drives a coordinator with many virtual devices for load tests and the load benchmark: each
 * device has its own channel (its own TCP connection, and TLS session when the credentials say
 * so) and runs the protocol a client runs, without training: check in, and with a task download
 * the whole model and submit an all-zero update of the announced size; honour "retry later"
 * answers (the delay, or the {@code fedrec-retry-after-ms} trailer of a shed call) and keep a
 * task across {@code UNAVAILABLE} as the SDK does. A pool of {@code workers} threads serves the
 * devices round-robin with blocking calls, so at most {@code workers} calls are in flight.
 *
 * <p>Every call has a deadline; outcomes are counted by gRPC status code ({@link Stats}). Not
 * reusable: {@link #run} once, then {@link #close}.
 */
public final class LoadDriver implements AutoCloseable {
  private static final Metadata.Key<String> RETRY_AFTER =
      Metadata.Key.of("fedrec-retry-after-ms", Metadata.ASCII_STRING_MARSHALLER);

  private final List<ManagedChannel> channels = new ArrayList<>();
  private final List<CoordinatorGrpc.CoordinatorBlockingStub> stubs = new ArrayList<>();
  private final List<CoordinatorGrpc.CoordinatorStub> asyncStubs = new ArrayList<>();
  private final AtomicReferenceArray<Task> tasks;
  private final long[] notBefore;
  private final int workers;
  private final long deadlineMillis;
  private final Stats stats = new Stats();

  /**
   * Opens {@code devices} channels to {@code host:port}; connections are made lazily, on each
   * device's first call.
   */
  public LoadDriver(String host, int port, ChannelCredentials credentials, int devices,
      int workers, long deadlineMillis) {
    if (devices < 1 || workers < 1 || deadlineMillis < 1) {
      throw new IllegalArgumentException("devices, workers and deadlineMillis must be >= 1");
    }
    for (int i = 0; i < devices; i++) {
      ManagedChannel c = Grpc.newChannelBuilderForAddress(host, port, credentials).build();
      channels.add(c);
      stubs.add(CoordinatorGrpc.newBlockingStub(c));
      asyncStubs.add(CoordinatorGrpc.newStub(c));
    }
    this.tasks = new AtomicReferenceArray<>(devices);
    this.notBefore = new long[devices];
    this.workers = workers;
    this.deadlineMillis = deadlineMillis;
  }

  /** Outcomes so far. */
  public Stats stats() {
    return stats;
  }

  /**
   * Runs until {@code stop} says so or {@code maxMillis} passed; returns the wall time in
   * milliseconds.
   */
  public long run(BooleanSupplier stop, long maxMillis) throws InterruptedException {
    long start = System.nanoTime();
    long end = start + TimeUnit.MILLISECONDS.toNanos(maxMillis);
    AtomicInteger next = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
      Thread t = new Thread(r, "fedrec-load");
      t.setDaemon(true);
      return t;
    });
    List<CompletableFuture<Void>> running = new ArrayList<>();
    for (int w = 0; w < workers; w++) {
      running.add(CompletableFuture.runAsync(() -> {
        int misses = 0;
        while (System.nanoTime() < end && !stop.getAsBoolean()) {
          int d = Math.floorMod(next.getAndIncrement(), channels.size());
          boolean ready;
          synchronized (notBefore) {
            ready = notBefore[d] <= System.nanoTime();
            if (ready) {
              notBefore[d] = Long.MAX_VALUE; // claimed by this worker
            }
          }
          if (!ready) {
            if (++misses >= channels.size()) { // every device is waiting: do not spin
              misses = 0;
              try {
                Thread.sleep(1);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
              }
            }
            continue;
          }
          misses = 0;
          long wait = step(d);
          synchronized (notBefore) {
            notBefore[d] = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(wait);
          }
        }
      }, pool));
    }
    try {
      CompletableFuture.allOf(running.toArray(new CompletableFuture[0])).get();
    } catch (ExecutionException e) {
      throw new IllegalStateException("a load worker failed", e.getCause());
    } finally {
      pool.shutdownNow();
      pool.awaitTermination(10, TimeUnit.SECONDS);
    }
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
  }

  /** One protocol step of device {@code d}; returns how long it should wait before the next. */
  private long step(int d) {
    Task task = tasks.get(d);
    String id = "load-" + d;
    CoordinatorGrpc.CoordinatorBlockingStub stub =
        stubs.get(d).withDeadlineAfter(deadlineMillis, TimeUnit.MILLISECONDS);
    try {
      if (task == null) {
        CheckInResponse r = stub.checkIn(CheckInRequest.newBuilder().setClientId(id).build());
        stats.ok(Rpc.CHECK_IN);
        if (r.hasTask()) {
          // a device goes on at once, as a real client does
          task = r.getTask();
          tasks.set(d, task);
        } else if (r.hasRetry()) {
          if ("overloaded".equals(r.getRetry().getReason())) {
            stats.shedCheckIns.incrementAndGet();
          }
          return r.getRetry().getDelayMillis();
        } else {
          return 60_000; // finished: stay away
        }
      }
      long floats = 0;
      Iterator<ModelChunk> chunks = stub.downloadModel(DownloadModelRequest.newBuilder()
          .setClientId(id).setRound(task.getRound()).setTaskToken(task.getTaskToken()).build());
      while (chunks.hasNext()) {
        floats += chunks.next().getValues().getLeFloat32().size() / 4;
      }
      stats.ok(Rpc.DOWNLOAD);
      stats.floatsDownloaded.addAndGet(floats);
      submit(d, id, task);
      stats.ok(Rpc.SUBMIT);
      tasks.set(d, null);
      return 0;
    } catch (StatusRuntimeException e) {
      Status.Code code = e.getStatus().getCode();
      stats.failed(code);
      String after = e.getTrailers() == null ? null : e.getTrailers().get(RETRY_AFTER);
      if (after != null) {
        stats.shedCalls.incrementAndGet();
        return Long.parseLong(after);
      }
      if (code != Status.Code.UNAVAILABLE && code != Status.Code.DEADLINE_EXCEEDED) {
        tasks.set(d, null); // the round moved on or refused it: check in again
      }
      return 100;
    }
  }

  /** Streams an all-zero update of the task's size, header first. */
  private void submit(int d, String id, Task task) {
    int n = (int) task.getModel().getNumParameters();
    UpdateHeader header = UpdateHeader.newBuilder().setClientId(id).setRound(task.getRound())
        .setTaskToken(task.getTaskToken()).setWeight(1).setNumParameters(n).build();
    CompletableFuture<SubmitUpdateResponse> done = new CompletableFuture<>();
    StreamObserver<UpdateChunk> out = asyncStubs.get(d)
        .withDeadlineAfter(deadlineMillis, TimeUnit.MILLISECONDS)
        .submitUpdate(new StreamObserver<>() {
          @Override
          public void onNext(SubmitUpdateResponse value) {
            done.complete(value);
          }

          @Override
          public void onError(Throwable t) {
            done.completeExceptionally(t);
          }

          @Override
          public void onCompleted() {
            done.complete(null);
          }
        });
    out.onNext(UpdateChunk.newBuilder().setHeader(header).build());
    int perChunk = Math.max(1, (task.getMaxChunkBytes() - 64) / 4);
    float[] zeros = new float[Math.min(n, perChunk)];
    for (int off = 0; off < n; off += perChunk) {
      int len = Math.min(perChunk, n - off);
      out.onNext(UpdateChunk.newBuilder().setOffset(off)
          .setValues(FloatCodec.encode(zeros, 0, len)).build());
    }
    out.onCompleted();
    try {
      done.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Status.CANCELLED.withDescription("interrupted").asRuntimeException();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof StatusRuntimeException s) {
        throw s;
      }
      throw Status.fromThrowable(e.getCause()).asRuntimeException();
    }
  }

  @Override
  public void close() throws InterruptedException {
    for (ManagedChannel c : channels) {
      c.shutdownNow();
    }
    for (ManagedChannel c : channels) {
      c.awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  /** The RPC an outcome belongs to. */
  public enum Rpc { CHECK_IN, DOWNLOAD, SUBMIT }

  /** Outcome counts; thread-safe. */
  public static final class Stats {
    private final Map<Rpc, AtomicLong> ok = new EnumMap<>(Rpc.class);
    private final Map<Status.Code, AtomicLong> failures =
        Collections.synchronizedMap(new EnumMap<>(Status.Code.class));
    /** Check-ins answered "retry later" because the coordinator was overloaded. */
    public final AtomicLong shedCheckIns = new AtomicLong();
    /** Calls refused with a retry-after trailer. */
    public final AtomicLong shedCalls = new AtomicLong();
    public final AtomicLong floatsDownloaded = new AtomicLong();

    Stats() {
      for (Rpc r : Rpc.values()) {
        ok.put(r, new AtomicLong());
      }
    }

    void ok(Rpc rpc) {
      ok.get(rpc).incrementAndGet();
    }

    void failed(Status.Code code) {
      failures.computeIfAbsent(code, c -> new AtomicLong()).incrementAndGet();
    }

    /** Successful calls of {@code rpc}. */
    public long succeeded(Rpc rpc) {
      return ok.get(rpc).get();
    }

    /** Calls that succeeded, all RPCs together. */
    public long okTotal() {
      return ok.values().stream().mapToLong(AtomicLong::get).sum();
    }

    /** Failed calls by status code. */
    public Map<Status.Code, Long> failures() {
      Map<Status.Code, Long> out = new EnumMap<>(Status.Code.class);
      synchronized (failures) {
        failures.forEach((c, n) -> out.put(c, n.get()));
      }
      return out;
    }

    /** Every call made: successes plus failures. */
    public long total() {
      return okTotal() + failures().values().stream().mapToLong(Long::longValue).sum();
    }
  }
}
