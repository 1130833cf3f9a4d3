package io.fedrec.coordinator.service;

import io.fedrec.coordinator.round.EngineStatus;
import io.fedrec.coordinator.round.RoundEngine;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.ServerInterceptors;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs a {@link RoundEngine} as a gRPC server, in the style of grpc-java's examples: the caller
 * picks the transport through the {@link ServerBuilder} (Netty on a port, in-process in tests),
 * {@link #start()} binds, {@link #stop()} drains gracefully. Adds the standard health service
 * ({@code grpc.health.v1}, service name {@code io.fedrec.v1.Coordinator} and the server as a
 * whole) and a ticker thread that applies round timeouts every {@value #TICK_MILLIS} ms.
 *
 * <p>Readiness ({@link #isReady()}, served as {@code /ready} by {@link
 * io.fedrec.coordinator.metrics.PrometheusEndpoint}) holds between {@link #start()} and the
 * beginning of {@link #stop()}, while the engine has a round open or has finished cleanly.
 *
 * <p>The inbound message limit is set from the configuration's {@code max_chunk_bytes}, so an
 * oversized chunk is refused by gRPC before it is buffered.
 */
public final class CoordinatorServer {
  static final long TICK_MILLIS = 250;
  private static final System.Logger LOG = System.getLogger(CoordinatorServer.class.getName());
  private static final Duration GRACE = Duration.ofSeconds(10);

  private final Server server;
  private final RoundEngine engine;
  private final HealthStatusManager health = new HealthStatusManager();
  private final ScheduledExecutorService ticker;
  /** True from a successful start until stop begins; read by readiness probes on other threads. */
  private volatile boolean serving;

  /** A server without client authentication (in-process tests, trusted networks). */
  public CoordinatorServer(ServerBuilder<?> builder, RoundEngine engine) {
    this(builder, engine, ClientAuthentication.none());
  }

  /**
   * A server whose calls pass {@code authentication}; with {@link
   * ClientAuthentication#requireCertificates()} the builder must carry TLS server credentials
   * that request client certificates and trust the client CA.
   */
  public CoordinatorServer(
      ServerBuilder<?> builder, RoundEngine engine, ClientAuthentication authentication) {
    this(builder, engine, authentication, null);
  }

  /**
   * As {@link #CoordinatorServer(ServerBuilder, RoundEngine, ClientAuthentication)}, with a
   * per-client rate limit ({@code null}: none); its refusals are exported as the gauge {@code
   * requests_rate_limited}.
   */
  public CoordinatorServer(ServerBuilder<?> builder, RoundEngine engine,
      ClientAuthentication authentication, ClientRateLimiter limiter) {
    this(builder, engine, authentication, limiter, null);
  }

  /**
   * As {@link #CoordinatorServer(ServerBuilder, RoundEngine, ClientAuthentication,
   * ClientRateLimiter)}, with global admission control ({@code null}: none); calls over its limit
   * are shed before authentication and rate limiting, and its counts are exported as the gauges
   * {@code calls_in_flight} and {@code calls_shed}.
   */
  public CoordinatorServer(ServerBuilder<?> builder, RoundEngine engine,
      ClientAuthentication authentication, ClientRateLimiter limiter, LoadShedder shedder) {
    this.engine = Objects.requireNonNull(engine, "engine");
    if (limiter != null) {
      engine.metrics().gauge("requests_rate_limited", limiter::rejected);
    }
    if (shedder != null) {
      engine.metrics().gauge("calls_in_flight", shedder::inFlight);
      engine.metrics().gauge("calls_shed", shedder::shed);
    }
    // the last interceptor runs first: shedding costs a shed call as little as possible
    io.grpc.ServerServiceDefinition service = shedder == null
        ? ServerInterceptors.intercept(new CoordinatorService(engine, limiter), authentication)
        : ServerInterceptors.intercept(new CoordinatorService(engine, limiter), authentication,
            shedder);
    this.server = builder
        .addService(service)
        .addService(health.getHealthService())
        .maxInboundMessageSize(engine.config().maxChunkBytes() + 64 * 1024)
        .build();
    this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "fedrec-coordinator-ticker");
      t.setDaemon(true);
      return t;
    });
  }

  /** Binds and starts serving. */
  public CoordinatorServer start() throws IOException {
    server.start();
    health.setStatus("", ServingStatus.SERVING);
    health.setStatus(io.fedrec.proto.v1.CoordinatorGrpc.SERVICE_NAME, ServingStatus.SERVING);
    ticker.scheduleWithFixedDelay(this::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
    serving = true;
    return this;
  }

  private void tick() {
    try {
      engine.tick();
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.ERROR, "round tick failed", e);
    }
  }

  /**
   * Whether this coordinator should receive traffic: started, not shutting down, and the engine
   * either has a round open or finished cleanly (all rounds published, or the privacy budget
   * reached; both leave a finish reason). Cheap; callable from any thread.
   */
  public boolean isReady() {
    if (!serving) {
      return false;
    }
    EngineStatus status = engine.status();
    return status.phase() != EngineStatus.Phase.FINISHED || engine.finishReason() != null;
  }

  /** The bound port (useful after binding port 0); -1 for transports without ports. */
  public int port() {
    return server.getPort();
  }

  public RoundEngine engine() {
    return engine;
  }

  /**
   * Stops accepting calls, lets running ones finish for up to 10 s, then cancels the rest.
   * Idempotent.
   */
  public void stop() throws InterruptedException {
    serving = false;
    health.enterTerminalState();
    ticker.shutdownNow();
    server.shutdown();
    if (!server.awaitTermination(GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
      server.shutdownNow();
      server.awaitTermination(GRACE.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  /** Blocks until the server has terminated. */
  public void blockUntilShutdown() throws InterruptedException {
    server.awaitTermination();
  }
}
