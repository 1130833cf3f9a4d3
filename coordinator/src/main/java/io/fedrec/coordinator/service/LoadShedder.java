package io.fedrec.coordinator.service;

import io.fedrec.proto.v1.CheckInResponse;
import io.fedrec.proto.v1.CoordinatorGrpc;
import io.fedrec.proto.v1.RetryAfter;
import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Global admission control for the coordinator's RPCs: at most {@code maxInFlight} calls of the
 * {@code io.fedrec.v1.Coordinator} service run at once (a model download or an upload stream
 * counts from its start until it closes or is cancelled), so that a surge of clients costs each
 * of them a short answer instead of costing the server its memory and latency.
 *
 * <p>Work of the round in progress comes first: a check-in (a client asking whether there is work
 * for it) is admitted only while fewer than {@link #checkInLimit()} = 3/4 of the slots are taken,
 * so the last quarter stays free for downloads, uploads and SecAgg+ messages of clients already
 * holding a task. Shedding those instead would stall every round on its slowest shed member (a
 * load benchmark with one limit for all calls published a twelfth of the rounds).
 *
 * <p>A call over its limit is answered at once, before any request is read:
 *
 * <ul>
 *   <li>{@code CheckIn}: a normal {@link CheckInResponse} carrying {@link RetryAfter} with {@code
 *       retryMillis} and reason {@value #REASON}, which every SDK already honours (with jitter,
 *       so a shed crowd does not return in lockstep);
 *   <li>every other method: {@code UNAVAILABLE} ("coordinator overloaded: ..."), with the trailer
 *       {@value #RETRY_AFTER_KEY} holding {@code retryMillis}; the SDK retries {@code UNAVAILABLE}
 *       with exponential backoff and jitter, and a retried upload is never counted twice.
 * </ul>
 *
 * Other services (health) are never shed, so probes keep answering under load. The counts of
 * calls in flight and shed are exported as the gauges {@code calls_in_flight} and {@code
 * calls_shed}.
 *
 * <p>Thread-safe.
 */
public final class LoadShedder implements ServerInterceptor {
  /** The reason of a shed check-in's {@link RetryAfter}. */
  public static final String REASON = "overloaded";

  /** Trailer of a shed call: milliseconds after which to retry. */
  public static final String RETRY_AFTER_KEY = "fedrec-retry-after-ms";

  static final Metadata.Key<String> RETRY_AFTER =
      Metadata.Key.of(RETRY_AFTER_KEY, Metadata.ASCII_STRING_MARSHALLER);

  private final int maxInFlight;
  private final int checkInLimit;
  private final long retryMillis;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger peak = new AtomicInteger();
  private final AtomicLong shed = new AtomicLong();

  /**
   * @param maxInFlight calls admitted at once, in {@code [1, 1_000_000]}
   * @param retryMillis delay suggested to shed clients, in {@code [1, 3_600_000]}
   */
  public LoadShedder(int maxInFlight, long retryMillis) {
    if (maxInFlight < 1 || maxInFlight > 1_000_000) {
      throw new IllegalArgumentException(
          "max_concurrent_calls must be in [1, 1000000]. Provided value: " + maxInFlight);
    }
    if (retryMillis < 1 || retryMillis > 3_600_000) {
      throw new IllegalArgumentException(
          "shed_retry_ms must be in [1, 3600000]. Provided value: " + retryMillis);
    }
    this.maxInFlight = maxInFlight;
    this.checkInLimit = Math.max(1, maxInFlight * 3 / 4);
    this.retryMillis = retryMillis;
  }

  public int maxInFlight() {
    return maxInFlight;
  }

  /** Calls in flight above which check-ins are shed: 3/4 of {@link #maxInFlight()}, at least 1. */
  public int checkInLimit() {
    return checkInLimit;
  }

  /** Calls running now. */
  public int inFlight() {
    return inFlight.get();
  }

  /** The most calls that ran at once since start (never above {@link #maxInFlight()}). */
  public int peakInFlight() {
    return peak.get();
  }

  /** Calls answered "overloaded" since start. */
  public long shed() {
    return shed.get();
  }

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    if (!CoordinatorGrpc.SERVICE_NAME.equals(call.getMethodDescriptor().getServiceName())) {
      return next.startCall(call, headers);
    }
    boolean checkIn = call.getMethodDescriptor().getFullMethodName()
        .equals(CoordinatorGrpc.getCheckInMethod().getFullMethodName());
    int now = inFlight.incrementAndGet();
    if (now > (checkIn ? checkInLimit : maxInFlight)) {
      inFlight.decrementAndGet();
      shed.incrementAndGet();
      reject(call, checkIn, now - 1);
      return new ServerCall.Listener<>() {};
    }
    peak.accumulateAndGet(now, Math::max);
    AtomicBoolean released = new AtomicBoolean();
    Runnable release = () -> {
      if (released.compareAndSet(false, true)) {
        inFlight.decrementAndGet();
      }
    };
    ServerCall<ReqT, RespT> tracked = new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
      @Override
      public void close(Status status, Metadata trailers) {
        try {
          super.close(status, trailers);
        } finally {
          release.run();
        }
      }
    };
    ServerCall.Listener<ReqT> listener;
    try {
      listener = next.startCall(tracked, headers);
    } catch (RuntimeException e) {
      release.run();
      throw e;
    }
    return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
      @Override
      public void onCancel() {
        try {
          super.onCancel();
        } finally {
          release.run();
        }
      }

      @Override
      public void onComplete() {
        try {
          super.onComplete();
        } finally {
          release.run();
        }
      }
    };
  }

  @SuppressWarnings("unchecked")
  private <ReqT, RespT> void reject(ServerCall<ReqT, RespT> call, boolean checkIn, int running) {
    Metadata trailers = new Metadata();
    trailers.put(RETRY_AFTER, Long.toString(retryMillis));
    if (checkIn) {
      call.sendHeaders(new Metadata());
      ((ServerCall<ReqT, CheckInResponse>) call).sendMessage(CheckInResponse.newBuilder()
          .setRetry(RetryAfter.newBuilder().setDelayMillis(retryMillis).setReason(REASON))
          .build());
      call.close(Status.OK, trailers);
      return;
    }
    call.close(Status.UNAVAILABLE.withDescription("coordinator overloaded: " + running
        + " calls in flight (limit " + maxInFlight + "); retry after " + retryMillis + " ms"),
        trailers);
  }
}
