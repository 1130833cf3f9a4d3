package io.fedrec.simulator.faults;

import io.fedrec.proto.v1.CoordinatorGrpc;
import io.fedrec.proto.v1.SubmitUpdateResponse;
import io.fedrec.proto.v1.UpdateChunk;
import io.fedrec.proto.v1.UpdateHeader;
import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Installed on the coordinator's own server (behind every proxy), records what the coordinator
 * really answered: the status of every call by method, and every accepted submission ({@code
 * SubmitUpdate} answered with {@code accepted = true}) keyed by {@link #key client, round and
 * task token}. A task token names one assignment of one round attempt, so a correct coordinator
 * accepts each key at most once; a round that is abandoned and re-run gives new tokens.
 *
 * <p>Thread-safe.
 */
final class CallRecorder implements ServerInterceptor {
  private final Map<String, AtomicLong> statuses = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> accepted = new ConcurrentHashMap<>();
  private final Map<Long, AtomicLong> acceptedByRound = new ConcurrentHashMap<>();

  /** The key of one assignment: {@code client/round/token-hex}. */
  static String key(String clientId, long round, byte[] token) {
    return clientId + "/" + round + "/" + HexFormat.of().formatHex(token);
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    String method = call.getMethodDescriptor().getBareMethodName();
    boolean submit = call.getMethodDescriptor().getFullMethodName()
        .equals(CoordinatorGrpc.getSubmitUpdateMethod().getFullMethodName());
    UpdateHeader[] header = new UpdateHeader[1];
    ServerCall<Q, R> recording = new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
      @Override
      public void sendMessage(R message) {
        if (submit && message instanceof SubmitUpdateResponse r && r.getAccepted()
            && header[0] != null) {
          UpdateHeader h = header[0];
          accepted.computeIfAbsent(key(h.getClientId(), h.getRound(),
              h.getTaskToken().toByteArray()), k -> new AtomicLong()).incrementAndGet();
          acceptedByRound.computeIfAbsent(h.getRound(), k -> new AtomicLong()).incrementAndGet();
        }
        super.sendMessage(message);
      }

      @Override
      public void close(Status status, Metadata trailers) {
        statuses.computeIfAbsent(method + " " + status.getCode(), k -> new AtomicLong())
            .incrementAndGet();
        super.close(status, trailers);
      }
    };
    return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(
        next.startCall(recording, headers)) {
      @Override
      public void onMessage(Q message) {
        if (submit && header[0] == null && message instanceof UpdateChunk c && c.hasHeader()) {
          header[0] = c.getHeader();
        }
        super.onMessage(message);
      }

      @Override
      public void onCancel() {
        statuses.computeIfAbsent(method + " cancelled", k -> new AtomicLong()).incrementAndGet();
        super.onCancel();
      }
    };
  }

  /** Calls by {@code "<method> <status code>"} (or {@code "<method> cancelled"}), sorted. */
  Map<String, Long> statuses() {
    return snapshot(statuses);
  }

  /** Accepted submissions per assignment key; a correct coordinator has every value 1. */
  Map<String, Long> accepted() {
    return snapshot(accepted);
  }

  /** Accepted submissions of round {@code round}, over all its attempts. */
  long acceptedInRound(long round) {
    AtomicLong n = acceptedByRound.get(round);
    return n == null ? 0 : n.get();
  }

  /** Whether {@code clientId} had a submission accepted in round {@code round}. */
  boolean acceptedAny(String clientId, long round) {
    String prefix = clientId + "/" + round + "/";
    return accepted.keySet().stream().anyMatch(k -> k.startsWith(prefix));
  }

  private static <K extends Comparable<K>> Map<K, Long> snapshot(Map<K, AtomicLong> m) {
    Map<K, Long> out = new TreeMap<>();
    m.forEach((k, v) -> out.put(k, v.get()));
    return out;
  }
}
