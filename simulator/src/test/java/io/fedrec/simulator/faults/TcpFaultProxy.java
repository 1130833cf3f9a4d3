package io.fedrec.simulator.faults;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

/**
 * A loopback TCP proxy that forwards the bytes of every accepted connection to an upstream port
 * and can damage a connection the way a network does. Each accepted connection gets one {@link
 * Fault} from a schedule (seeded: {@link Rates#seeded}), in accept order. A fault may impair the
 * connection for its whole life:
 *
 * <ul>
 *   <li>latency: every chunk read from either side waits a fixed delay before it is written to
 *       the other side;
 *   <li>throttling: writes are paced to a fixed rate in bytes per second;
 * </ul>
 *
 * <p>and may end it once it has carried a number of bytes (both directions counted; the chunk in
 * flight is cut at that offset):
 *
 * <ul>
 *   <li>{@link Kind#RESET}: both sockets are closed with {@code SO_LINGER 0}, which sends a TCP RST
 *       instead of a FIN;
 *   <li>{@link Kind#BLACK_HOLE}: nothing more is forwarded in either direction while both sockets
 *       stay open, so the peers see silence rather than an error and only their deadlines fire;
 *       after {@code holdMillis} the connection is reset (a real black hole ends when a keepalive
 *       or the kernel gives up).
 * </ul>
 *
 * <p>Counters ({@link #injected}) say how many connections were impaired ({@code LATENCY}, {@code
 * THROTTLE}) and how many cuts actually fired ({@code RESET}, {@code BLACK_HOLE}: a connection
 * that closes before its offset is not counted).
 *
 * <p>Blocking sockets, two daemon threads per connection. Thread-safe. The schedule is seeded, but
 * which connection gets which fault depends on the order in which the peers connect, so a run is
 * not byte-for-byte reproducible.
 */
final class TcpFaultProxy implements AutoCloseable {

  /** What is done to connections. */
  enum Kind {
    NONE,
    LATENCY,
    THROTTLE,
    RESET,
    BLACK_HOLE
  }

  /**
   * One connection's fault.
   *
   * @param delayMillis delay per chunk; 0 for none
   * @param bytesPerSecond pace of writes; 0 for unpaced
   * @param cut {@link Kind#NONE}, {@link Kind#RESET} or {@link Kind#BLACK_HOLE}
   * @param offset bytes carried before the cut
   * @param holdMillis {@link Kind#BLACK_HOLE}: silence before the reset
   */
  record Fault(long delayMillis, long bytesPerSecond, Kind cut, long offset, long holdMillis) {
    static final Fault NONE = new Fault(0, 0, Kind.NONE, 0, 0);

    static Fault reset(long offset) {
      return new Fault(0, 0, Kind.RESET, offset, 0);
    }

    static Fault blackHole(long offset, long holdMillis) {
      return new Fault(0, 0, Kind.BLACK_HOLE, offset, holdMillis);
    }
  }

  /**
   * A seeded schedule: each connection is delayed with probability {@code latency} (1 to {@code
   * maxDelayMillis} per chunk) or else throttled with probability {@code throttle} ({@code
   * minBytesPerSecond} to 5 times that), and is cut after an exponentially distributed number of
   * bytes of mean {@code meanBytesToCut} (0: never), a black hole with probability {@code
   * blackHoleShare}, else a reset. Every connection dies eventually, so cuts keep coming in
   * proportion to the traffic however long the campaign runs.
   */
  record Rates(double latency, double throttle, long maxDelayMillis, long minBytesPerSecond,
      long meanBytesToCut, double blackHoleShare, long holdMillis) {
    Rates {
      if (latency < 0 || throttle < 0 || latency + throttle > 1 || meanBytesToCut < 0
          || blackHoleShare < 0 || blackHoleShare > 1) {
        throw new IllegalArgumentException("latency + throttle must be in [0, 1], meanBytesToCut"
            + " >= 0, blackHoleShare in [0, 1]. Provided values: " + latency + ", " + throttle
            + ", " + meanBytesToCut + ", " + blackHoleShare);
      }
    }

    /** A schedule drawing each connection's fault from {@code new Random(seed)}. */
    IntFunction<Fault> seeded(long seed) {
      Random random = new Random(seed);
      return connection -> {
        synchronized (random) {
          return draw(random);
        }
      };
    }

    private Fault draw(Random random) {
      double u = random.nextDouble();
      long delay = u < latency ? 1 + random.nextInt((int) maxDelayMillis) : 0;
      long pace = u >= latency && u < latency + throttle
          ? minBytesPerSecond + random.nextInt((int) minBytesPerSecond * 4) : 0;
      if (meanBytesToCut == 0) {
        return new Fault(delay, pace, Kind.NONE, 0, 0);
      }
      long offset = 1 + (long) (-Math.log(1 - random.nextDouble()) * meanBytesToCut);
      boolean blackHole = random.nextDouble() < blackHoleShare;
      return new Fault(delay, pace, blackHole ? Kind.BLACK_HOLE : Kind.RESET, offset,
          blackHole ? holdMillis : 0);
    }
  }

  private final ServerSocket listener;
  private final InetSocketAddress upstream;
  private final IntFunction<Fault> schedule;
  private final Thread acceptor;
  private final List<Connection> connections = new CopyOnWriteArrayList<>();
  private final Map<Kind, AtomicLong> injected = new EnumMap<>(Kind.class);
  private volatile boolean closed;
  /** Connections accepted; touched only by the acceptor thread. */
  private int accepted;

  /**
   * Listens on a free loopback port and forwards to {@code 127.0.0.1:upstreamPort}; connection
   * {@code i} (in accept order, from 0) gets {@code schedule.apply(i)}.
   */
  TcpFaultProxy(int upstreamPort, IntFunction<Fault> schedule) throws IOException {
    this.upstream = new InetSocketAddress(InetAddress.getLoopbackAddress(), upstreamPort);
    this.schedule = schedule;
    for (Kind k : Kind.values()) {
      injected.put(k, new AtomicLong());
    }
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.acceptor = new Thread(this::acceptLoop, "tcp-fault-proxy-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** The port clients dial. */
  int port() {
    return listener.getLocalPort();
  }

  /** How often each kind was injected so far (see the class documentation). */
  long injected(Kind kind) {
    return injected.get(kind).get();
  }

  /** Connections accepted so far. */
  int connections() {
    return connections.size();
  }

  private void acceptLoop() {
    while (!closed) {
      Socket client;
      try {
        client = listener.accept();
      } catch (IOException e) {
        return; // closed
      }
      Fault fault = schedule.apply(accepted++);
      if (fault.delayMillis() > 0) {
        injected.get(Kind.LATENCY).incrementAndGet();
      }
      if (fault.bytesPerSecond() > 0) {
        injected.get(Kind.THROTTLE).incrementAndGet();
      }
      try {
        Socket server = new Socket();
        server.connect(upstream, 5_000);
        Connection c = new Connection(client, server, fault);
        connections.add(c);
        c.start();
      } catch (IOException e) {
        closeQuietly(client);
      }
    }
  }

  @Override
  public void close() throws IOException {
    closed = true;
    listener.close();
    for (Connection c : connections) {
      c.close(false);
    }
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // nothing left to do with a broken socket
    }
  }

  /** One proxied connection: two pumps sharing a byte count and a fault. */
  private final class Connection {
    private final Socket client;
    private final Socket server;
    private final Fault fault;
    private long carried;
    private boolean fired;
    private boolean done;

    Connection(Socket client, Socket server, Fault fault) throws SocketException {
      this.client = client;
      this.server = server;
      this.fault = fault;
      client.setTcpNoDelay(true);
      server.setTcpNoDelay(true);
    }

    void start() {
      pump(client, server, "up");
      pump(server, client, "down");
    }

    private void pump(Socket from, Socket to, String direction) {
      Thread t = new Thread(() -> {
        byte[] buf = new byte[16 * 1024];
        try {
          InputStream in = from.getInputStream();
          OutputStream out = to.getOutputStream();
          int n;
          while ((n = in.read(buf)) >= 0) {
            int forward = admit(n);
            if (forward < 0) {
              return;
            }
            if (fault.delayMillis() > 0) {
              TimeUnit.MILLISECONDS.sleep(fault.delayMillis());
            }
            if (fault.bytesPerSecond() > 0) {
              TimeUnit.MICROSECONDS.sleep(forward * 1_000_000L / fault.bytesPerSecond());
            }
            out.write(buf, 0, forward);
            out.flush();
            if (forward < n) {
              fire();
              return;
            }
          }
          // orderly end of one direction: pass the FIN on
          to.shutdownOutput();
        } catch (IOException e) {
          close(false);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          close(false);
        }
      }, "tcp-fault-proxy-" + direction + "-" + port());
      t.setDaemon(true);
      t.start();
    }

    /**
     * Counts {@code n} bytes; returns how many of them to forward (fewer than {@code n} when the
     * fault fires inside this chunk), or -1 when the fault has already fired.
     */
    private synchronized int admit(int n) {
      if (fired || done) {
        return -1;
      }
      if (fault.cut() != Kind.NONE && carried + n >= fault.offset()) {
        // carried < offset <= carried + n: forward the bytes before the offset, at most n - 1
        int forward = (int) (fault.offset() - carried - 1);
        carried = fault.offset();
        return forward;
      }
      carried += n;
      return n;
    }

    private void fire() {
      synchronized (this) {
        if (fired || done) {
          return;
        }
        fired = true;
      }
      injected.get(fault.cut()).incrementAndGet();
      if (fault.cut() == Kind.RESET) {
        close(true);
        return;
      }
      // black hole: keep both sockets open and silent, then reset
      Thread t = new Thread(() -> {
        try {
          TimeUnit.MILLISECONDS.sleep(fault.holdMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        close(true);
      }, "tcp-fault-proxy-hold");
      t.setDaemon(true);
      t.start();
    }

    void close(boolean reset) {
      synchronized (this) {
        if (done) {
          return;
        }
        done = true;
      }
      for (Socket s : new Socket[] {client, server}) {
        try {
          if (reset) {
            s.setSoLinger(true, 0);
          }
        } catch (SocketException ignored) {
          // already closed
        }
        closeQuietly(s);
      }
    }
  }
}
