package io.fedrec.simulator.faults;

import io.fedrec.proto.v1.CoordinatorGrpc;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Grpc;
import io.grpc.HandlerRegistry;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A forwarding gRPC server that sits between clients and a coordinator and damages calls at the
 * message level. Every method is forwarded generically: requests and responses travel as opaque
 * bytes (a byte-array {@link MethodDescriptor.Marshaller}), headers and the client's deadline are
 * passed on, and the coordinator's status comes back unchanged. Each call draws one {@link Fault}
 * from a {@link Plan}:
 *
 * <ul>
 *   <li>{@link Kind#DUPLICATE_MESSAGE}: request message {@code index} of a client stream ({@code
 *       SubmitUpdate}; 0 is the header) is sent twice;
 *   <li>{@link Kind#REORDER_MESSAGES}: request messages {@code index} and {@code index + 1} of a
 *       client stream are swapped;
 *   <li>{@link Kind#DROP_STREAM}: after {@code index} messages (requests and responses counted
 *       together) the next one is lost and the call dies: the coordinator's side is cancelled and
 *       the client gets {@code UNAVAILABLE}. For a unary call, index 0 loses the request and index
 *       1 loses the response of a request the coordinator has handled;
 *   <li>{@link Kind#DELAY_RESPONSE}: everything the coordinator sends back (headers, messages,
 *       status) reaches the client {@code delayMillis} later; longer than the client's deadline,
 *       the client gives up on a call the coordinator has completed;
 *   <li>{@link Kind#REPLAY}: once the call has ended, its request messages are sent again as a new
 *       call with the same headers, as a retrying middlebox would; the answer is recorded ({@link
 *       #replayOutcomes}) and not forwarded.
 * </ul>
 *
 * <p>{@link #injected} counts the faults that fired (a duplicate beyond the last message does
 * not). Thread-safe: the two halves of a call are serialised on a per-call lock.
 */
final class GrpcFaultProxy implements AutoCloseable {

  /** What can happen to a call. */
  enum Kind {
    NONE,
    DUPLICATE_MESSAGE,
    REORDER_MESSAGES,
    DROP_STREAM,
    DELAY_RESPONSE,
    REPLAY
  }

  /** One call's fault; {@code index} and {@code delayMillis} as the kind documents. */
  record Fault(Kind kind, int index, long delayMillis) {
    static final Fault NONE = new Fault(Kind.NONE, 0, 0);
  }

  /** Chooses the fault of each call, in arrival order. Implementations must be thread-safe. */
  interface Plan {
    /**
     * The fault of the next call of {@code method} (bare name, e.g. {@code "SubmitUpdate"}).
     *
     * @param clientStreaming whether the client sends a stream (the only calls that can be
     *     duplicated or reordered)
     */
    Fault next(String method, boolean clientStreaming);
  }

  /**
   * A seeded random plan: per call, the probabilities of each kind (the rest is {@link
   * Kind#NONE}); message indices uniform in {@code [0, maxIndex)} for streams and in {@code
   * {0, 1}} for unary calls; delays uniform in {@code [1, maxDelayMillis]}. Duplicates and
   * reorders drawn for calls that are not client streams become {@link Kind#NONE}.
   */
  record Rates(double duplicate, double reorder, double drop, double delay, double replay,
      int maxIndex, long maxDelayMillis) {
    Plan seeded(long seed) {
      Random random = new Random(seed);
      return (method, clientStreaming) -> {
        synchronized (random) {
          double u = random.nextDouble();
          int streamIndex = random.nextInt(maxIndex);
          long delayMillis = 1 + (long) (random.nextDouble() * maxDelayMillis);
          if ((u -= duplicate) < 0) {
            return clientStreaming ? new Fault(Kind.DUPLICATE_MESSAGE, streamIndex, 0) : Fault.NONE;
          }
          if ((u -= reorder) < 0) {
            return clientStreaming ? new Fault(Kind.REORDER_MESSAGES, streamIndex, 0) : Fault.NONE;
          }
          if ((u -= drop) < 0) {
            boolean unary = !clientStreaming && !method.equals("DownloadModel");
            return new Fault(Kind.DROP_STREAM, unary ? streamIndex % 2 : streamIndex, 0);
          }
          if ((u -= delay) < 0) {
            return new Fault(Kind.DELAY_RESPONSE, 0, delayMillis);
          }
          if ((u -= replay) < 0) {
            return new Fault(Kind.REPLAY, 0, 0);
          }
          return Fault.NONE;
        }
      };
    }
  }

  /** A plan that gives queued faults to the next calls of a method, then {@link Fault#NONE}. */
  static final class ScriptedPlan implements Plan {
    private final Map<String, Deque<Fault>> queues = new HashMap<>();

    synchronized ScriptedPlan then(String method, Fault fault) {
      queues.computeIfAbsent(method, m -> new ArrayDeque<>()).add(fault);
      return this;
    }

    @Override
    public synchronized Fault next(String method, boolean clientStreaming) {
      Deque<Fault> q = queues.get(method);
      return q == null || q.isEmpty() ? Fault.NONE : q.poll();
    }
  }

  private static final MethodDescriptor.Marshaller<byte[]> BYTES =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
          return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
          try {
            return stream.readAllBytes();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      };

  private final Plan plan;
  private final ManagedChannel upstream;
  private final Server server;
  private final ScheduledExecutorService delays = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "grpc-fault-proxy-delay");
    t.setDaemon(true);
    return t;
  });
  private final Map<String, MethodDescriptor.MethodType> types = new HashMap<>();
  private final Map<Kind, AtomicLong> injected = new EnumMap<>(Kind.class);
  private final Map<String, AtomicLong> replayOutcomes = new ConcurrentHashMap<>();

  /** Listens on a free loopback port and forwards to {@code 127.0.0.1:upstreamPort}. */
  GrpcFaultProxy(int upstreamPort, Plan plan) throws IOException {
    this.plan = plan;
    for (Kind k : Kind.values()) {
      injected.put(k, new AtomicLong());
    }
    for (MethodDescriptor<?, ?> m : CoordinatorGrpc.getServiceDescriptor().getMethods()) {
      types.put(m.getFullMethodName(), m.getType());
    }
    this.upstream = Grpc.newChannelBuilderForAddress(
        InetAddress.getLoopbackAddress().getHostAddress(), upstreamPort,
        InsecureChannelCredentials.create()).build();
    this.server = NettyServerBuilder.forAddress(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
            InsecureServerCredentials.create())
        .fallbackHandlerRegistry(new HandlerRegistry() {
          @Override
          public ServerMethodDefinition<?, ?> lookupMethod(String method, String authority) {
            MethodDescriptor<byte[], byte[]> descriptor =
                MethodDescriptor.<byte[], byte[]>newBuilder()
                .setFullMethodName(method)
                .setType(types.getOrDefault(method, MethodDescriptor.MethodType.UNKNOWN))
                .setRequestMarshaller(BYTES)
                .setResponseMarshaller(BYTES)
                .build();
            return ServerMethodDefinition.create(descriptor, handler(descriptor));
          }
        })
        .build()
        .start();
  }

  /** The port clients dial. */
  int port() {
    return server.getPort();
  }

  /** How often each kind fired so far. */
  long injected(Kind kind) {
    return injected.get(kind).get();
  }

  /**
   * Replayed calls by outcome, keyed {@code "<method> <original code> -> <replay code>"}, e.g.
   * {@code "SubmitUpdate OK -> FAILED_PRECONDITION"}.
   */
  Map<String, Long> replayOutcomes() {
    Map<String, Long> out = new TreeMap<>();
    replayOutcomes.forEach((k, v) -> out.put(k, v.get()));
    return out;
  }

  @Override
  public void close() throws InterruptedException {
    server.shutdownNow();
    upstream.shutdownNow();
    delays.shutdownNow();
    server.awaitTermination(5, TimeUnit.SECONDS);
    upstream.awaitTermination(5, TimeUnit.SECONDS);
  }

  private ServerCallHandler<byte[], byte[]> handler(MethodDescriptor<byte[], byte[]> descriptor) {
    return (call, headers) -> {
      boolean clientStreaming = !descriptor.getType().clientSendsOneMessage();
      Fault fault = plan.next(descriptor.getBareMethodName(), clientStreaming);
      Deadline deadline = Context.current().getDeadline();
      CallOptions options = deadline == null ? CallOptions.DEFAULT
          : CallOptions.DEFAULT.withDeadline(deadline);
      ForwardedCall forwarded = new ForwardedCall(descriptor, call, headers, fault,
          upstream.newCall(descriptor, options));
      forwarded.start();
      return forwarded;
    };
  }

  /** One client call and its upstream twin. */
  private final class ForwardedCall extends ServerCall.Listener<byte[]> {
    private final MethodDescriptor<byte[], byte[]> descriptor;
    private final ServerCall<byte[], byte[]> down;
    private final Metadata headers;
    private final Fault fault;
    private final ClientCall<byte[], byte[]> up;
    private final List<byte[]> sent = new ArrayList<>();
    private int messages;
    private int requests;
    private byte[] held;
    private boolean killed;
    private boolean downClosed;
    private boolean delayCounted;

    ForwardedCall(MethodDescriptor<byte[], byte[]> descriptor, ServerCall<byte[], byte[]> down,
        Metadata headers, Fault fault, ClientCall<byte[], byte[]> up) {
      this.descriptor = descriptor;
      this.down = down;
      this.headers = headers;
      this.fault = fault;
      this.up = up;
    }

    synchronized void start() {
      Metadata forwardedHeaders = new Metadata();
      forwardedHeaders.merge(headers);
      up.start(new ClientCall.Listener<>() {
        @Override
        public void onHeaders(Metadata responseHeaders) {
          respond(() -> down.sendHeaders(responseHeaders));
        }

        @Override
        public void onMessage(byte[] message) {
          synchronized (ForwardedCall.this) {
            if (killed) {
              return;
            }
            if (dropsNow()) {
              kill();
              return;
            }
            messages++;
          }
          respond(() -> down.sendMessage(message));
        }

        @Override
        public void onClose(Status status, Metadata trailers) {
          respond(() -> {
            if (!downClosed) {
              downClosed = true;
              down.close(status, trailers);
            }
          });
          boolean replay;
          synchronized (ForwardedCall.this) {
            replay = fault.kind() == Kind.REPLAY && !killed;
          }
          if (replay) {
            replay(status);
          }
        }
      }, forwardedHeaders);
      up.request(Integer.MAX_VALUE);
      down.request(Integer.MAX_VALUE);
    }

    /** Runs a response event now, or after the fault's delay; never after the call died. */
    private void respond(Runnable event) {
      Runnable guarded = () -> {
        synchronized (this) {
          if (!killed) {
            event.run();
          }
        }
      };
      if (fault.kind() == Kind.DELAY_RESPONSE) {
        synchronized (this) {
          if (!delayCounted) {
            delayCounted = true;
            injected.get(Kind.DELAY_RESPONSE).incrementAndGet();
          }
        }
        delays.schedule(guarded, fault.delayMillis(), TimeUnit.MILLISECONDS);
      } else {
        guarded.run();
      }
    }

    private boolean dropsNow() {
      return fault.kind() == Kind.DROP_STREAM && messages == fault.index();
    }

    /** Loses the call: the coordinator's side is cancelled, the client's fails UNAVAILABLE. */
    private void kill() {
      killed = true;
      injected.get(Kind.DROP_STREAM).incrementAndGet();
      up.cancel("stream dropped by the fault proxy", null);
      if (!downClosed) {
        downClosed = true;
        down.close(Status.UNAVAILABLE.withDescription("stream dropped by the fault proxy"),
            new Metadata());
      }
    }

    @Override
    public synchronized void onMessage(byte[] message) {
      if (killed) {
        return;
      }
      if (dropsNow()) {
        kill();
        return;
      }
      if (fault.kind() == Kind.REPLAY) {
        sent.add(message);
      }
      int index = requests++;
      if (fault.kind() == Kind.DUPLICATE_MESSAGE && index == fault.index()) {
        injected.get(Kind.DUPLICATE_MESSAGE).incrementAndGet();
        forward(message);
        forward(message);
      } else if (fault.kind() == Kind.REORDER_MESSAGES && index == fault.index()) {
        held = message;
      } else if (held != null) {
        injected.get(Kind.REORDER_MESSAGES).incrementAndGet();
        forward(message);
        forward(held);
        held = null;
      } else {
        forward(message);
      }
    }

    private void forward(byte[] message) {
      messages++;
      up.sendMessage(message);
    }

    @Override
    public synchronized void onHalfClose() {
      if (killed) {
        return;
      }
      if (held != null) {
        forward(held); // nothing came after it: the order is unchanged
        held = null;
      }
      up.halfClose();
    }

    @Override
    public synchronized void onCancel() {
      if (!killed) {
        killed = true;
        up.cancel("the client cancelled the call", null);
      }
    }

    /** Sends the recorded requests again as a fresh call and records the outcome. */
    private void replay(Status original) {
      List<byte[]> messagesToReplay;
      synchronized (this) {
        messagesToReplay = List.copyOf(sent);
      }
      injected.get(Kind.REPLAY).incrementAndGet();
      // outside the client's call context, which is cancelled now that the call has ended
      Context previous = Context.ROOT.attach();
      ClientCall<byte[], byte[]> again;
      try {
        again = upstream.newCall(descriptor,
            CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS));
      } finally {
        Context.ROOT.detach(previous);
      }
      Metadata replayHeaders = new Metadata();
      replayHeaders.merge(headers);
      again.start(new ClientCall.Listener<>() {
        @Override
        public void onClose(Status status, Metadata trailers) {
          replayOutcomes.computeIfAbsent(descriptor.getBareMethodName() + " "
              + original.getCode() + " -> " + status.getCode(), k -> new AtomicLong())
              .incrementAndGet();
        }
      }, replayHeaders);
      again.request(Integer.MAX_VALUE);
      for (byte[] m : messagesToReplay) {
        again.sendMessage(m);
      }
      again.halfClose();
    }
  }
}
