package io.fedrec.coordinator.service;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Per-client request rate limit: a token bucket per {@code client_id} ({@code rate} tokens per
 * second, up to {@code burst}), so that one misbehaving or hostile client cannot monopolise the
 * coordinator. A request over the limit is answered {@code RESOURCE_EXHAUSTED} with the time until
 * the next token in its description; it changes nothing else. Memory is bounded: at most {@code
 * maxClients} buckets are kept, the least recently used evicted first (an evicted client starts
 * again with a full bucket).
 *
 * <p>Thread-safe.
 */
public final class ClientRateLimiter {
  /** Buckets kept at most. */
  public static final int MAX_CLIENTS = 100_000;

  private final double rate;
  private final double burst;
  private final LongSupplier nanoTime;
  private final Map<String, double[]> buckets; // {tokens, last refill nanos}; guarded by this
  private long rejected;

  /**
   * @param rate tokens per second, > 0
   * @param burst bucket size, >= 1
   */
  public ClientRateLimiter(double rate, double burst) {
    this(rate, burst, System::nanoTime, MAX_CLIENTS);
  }

  ClientRateLimiter(double rate, double burst, LongSupplier nanoTime, int maxClients) {
    if (!(rate > 0) || Double.isInfinite(rate)) {
      throw new IllegalArgumentException("rate must be > 0 and finite. Provided value: " + rate);
    }
    if (!(burst >= 1) || Double.isInfinite(burst)) {
      throw new IllegalArgumentException("burst must be >= 1 and finite. Provided value: " + burst);
    }
    this.rate = rate;
    this.burst = burst;
    this.nanoTime = nanoTime;
    this.buckets = new LinkedHashMap<>(1024, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, double[]> eldest) {
        return size() > maxClients;
      }
    };
  }

  /**
   * Takes one token for {@code clientId}.
   *
   * @throws StatusRuntimeException RESOURCE_EXHAUSTED when the client is over its limit
   */
  public void acquire(String clientId) {
    long now = nanoTime.getAsLong();
    long waitMillis;
    synchronized (this) {
      double[] b = buckets.get(clientId);
      if (b == null) {
        b = new double[] {burst, now};
        buckets.put(clientId, b);
      }
      b[0] = Math.min(burst, b[0] + (now - (long) b[1]) / 1e9 * rate);
      b[1] = now;
      if (b[0] >= 1) {
        b[0] -= 1;
        return;
      }
      rejected++;
      waitMillis = (long) Math.ceil((1 - b[0]) / rate * 1000);
    }
    throw Status.RESOURCE_EXHAUSTED.withDescription("client " + clientId + " exceeded its rate"
        + " limit of " + rate + " requests per second (burst " + (long) burst + "); retry after "
        + waitMillis + " ms").asRuntimeException();
  }

  /** Requests refused so far. */
  public synchronized long rejected() {
    return rejected;
  }

  /** Clients currently tracked. */
  public synchronized int trackedClients() {
    return buckets.size();
  }
}
