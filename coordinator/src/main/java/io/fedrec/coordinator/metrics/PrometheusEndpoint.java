package io.fedrec.coordinator.metrics;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.Histogram;
import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Snapshot;
import com.codahale.metrics.Timer;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * An HTTP endpoint for Prometheus: {@code GET /metrics} renders a Dropwizard {@link
 * MetricRegistry} in the text exposition format 0.0.4, and {@code GET /ready} answers 200 while
 * the supplied readiness holds and 503 otherwise (a load balancer or Kubernetes readiness probe).
 * Any other path is 404; any other method on those paths is 405. Served by the JDK's {@link
 * HttpServer} on one daemon thread, so it adds no dependency and cannot starve the gRPC server.
 *
 * <p>Mapping (names sanitised: every character outside {@code [a-zA-Z0-9_:]}, such as the dots of
 * Dropwizard names, becomes {@code _}):
 *
 * <ul>
 *   <li>counter {@code a.b} → counter {@code a_b_total};
 *   <li>meter {@code a.b} → counter {@code a_b_total} (events so far) and gauge {@code
 *       a_b_one_minute_rate} (events per second, exponentially weighted over one minute);
 *   <li>gauge with a numeric or boolean value → gauge {@code a_b} (other gauges are skipped);
 *   <li>timer {@code a.b} → summary {@code a_b_seconds} with quantiles 0.5, 0.95 and 0.99,
 *       {@code _count} and {@code _sum}, all in seconds;
 *   <li>histogram {@code a.b} → summary {@code a_b} in the histogram's own unit.
 * </ul>
 *
 * <p>Quantiles come from the Dropwizard reservoir (by default exponentially decaying, biased to
 * the last five minutes). Dropwizard keeps no exact sum, so {@code _sum} is estimated as the
 * reservoir's mean times the count: exact while every sample is in the reservoir with equal
 * weight, an approximation after that. If two metrics sanitise to the same name only the first
 * (in the registry's name order) is exported, since Prometheus rejects a repeated family.
 *
 * <p>Thread safety: all methods may be called from any thread; scrapes read the registry, which
 * is itself thread-safe.
 */
public final class PrometheusEndpoint {
  /** The content type of the text exposition format 0.0.4. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private static final double[] QUANTILES = {0.5, 0.95, 0.99};
  private static final double NANOS_PER_SECOND = TimeUnit.SECONDS.toNanos(1);

  private enum State { NEW, RUNNING, STOPPED }

  private final MetricRegistry registry;
  private final BooleanSupplier readiness;
  private final InetSocketAddress address;
  private State state = State.NEW;
  private HttpServer server;
  private ExecutorService executor;

  /**
   * An endpoint, not yet listening, that will bind {@code address} (port 0 for any free one).
   *
   * @param readiness evaluated on every {@code /ready} request; must be cheap and must not throw
   */
  public PrometheusEndpoint(
      MetricRegistry registry, BooleanSupplier readiness, InetSocketAddress address) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.readiness = Objects.requireNonNull(readiness, "readiness");
    this.address = Objects.requireNonNull(address, "address");
    if (address.isUnresolved()) {
      throw new IllegalArgumentException(
          "address must resolve to an IP address. Provided value: " + address.getHostString());
    }
  }

  /**
   * Binds and starts serving.
   *
   * @throws IOException if the address cannot be bound
   * @throws IllegalStateException if already started or stopped
   */
  public synchronized PrometheusEndpoint start() throws IOException {
    if (state != State.NEW) {
      throw new IllegalStateException("the endpoint can be started once; it is " + state);
    }
    HttpServer s = HttpServer.create(address, 0);
    executor = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "fedrec-prometheus");
      t.setDaemon(true);
      return t;
    });
    s.setExecutor(executor);
    s.createContext("/", this::handle);
    s.start();
    server = s;
    state = State.RUNNING;
    return this;
  }

  /** The bound port (useful after binding port 0). */
  public synchronized int port() {
    if (state != State.RUNNING) {
      throw new IllegalStateException("the endpoint has no port while " + state);
    }
    return server.getAddress().getPort();
  }

  /** The bound address. */
  public synchronized InetSocketAddress address() {
    if (state != State.RUNNING) {
      throw new IllegalStateException("the endpoint has no address while " + state);
    }
    return server.getAddress();
  }

  /**
   * Stops listening at once, cutting off a scrape in progress (Prometheus records a failed scrape
   * and tries again; a grace period would hold up shutdown, and on JDK 17 {@link
   * HttpServer#stop(int)} waits out the whole delay even when idle). Idempotent.
   */
  public synchronized void stop() {
    if (state == State.RUNNING) {
      server.stop(0);
      executor.shutdownNow();
    }
    state = State.STOPPED;
  }

  /** The registry in the text exposition format, as {@code GET /metrics} returns it. */
  public String scrape() {
    return format(registry);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try {
      String path = exchange.getRequestURI().getPath();
      if (!"/metrics".equals(path) && !"/ready".equals(path)) {
        respond(exchange, 404, "not found: only /metrics and /ready are served\n");
        return;
      }
      String method = exchange.getRequestMethod();
      if (!"GET".equals(method) && !"HEAD".equals(method)) {
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        respond(exchange, 405, "method " + method + " not allowed; use GET\n");
        return;
      }
      if ("/metrics".equals(path)) {
        respond(exchange, 200, scrape());
      } else {
        boolean ready;
        try {
          ready = readiness.getAsBoolean();
        } catch (RuntimeException e) {
          ready = false; // an unanswerable readiness is not ready
        }
        respond(exchange, ready ? 200 : 503, ready ? "ready\n" : "not ready\n");
      }
    } finally {
      exchange.close(); // also discards any request body, which no path uses
    }
  }

  private static void respond(HttpExchange exchange, int status, String text) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
    boolean head = "HEAD".equals(exchange.getRequestMethod());
    exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
    if (!head) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Text exposition format 0.0.4

  /** Renders {@code registry}; families in the registry's (sorted) name order. */
  static String format(MetricRegistry registry) {
    StringBuilder out = new StringBuilder(4096);
    Set<String> families = new HashSet<>();
    for (Map.Entry<String, Counter> e : registry.getCounters().entrySet()) {
      String name = counterName(e.getKey());
      if (families.add(name)) {
        family(out, name, "counter", e.getKey() + " (Dropwizard counter)");
        sample(out, name, e.getValue().getCount());
      }
    }
    for (Map.Entry<String, Meter> e : registry.getMeters().entrySet()) {
      String name = counterName(e.getKey());
      String rate = sanitize(e.getKey()) + "_one_minute_rate";
      Meter m = e.getValue();
      if (families.add(name)) {
        family(out, name, "counter", e.getKey() + " (Dropwizard meter): events");
        sample(out, name, m.getCount());
      }
      if (families.add(rate)) {
        family(out, rate, "gauge",
            e.getKey() + " (Dropwizard meter): events per second, one-minute moving average");
        sample(out, rate, m.getOneMinuteRate());
      }
    }
    for (Map.Entry<String, Gauge> e : registry.getGauges().entrySet()) {
      Object value = gaugeValue(e.getValue());
      String name = sanitize(e.getKey());
      if (value != null && families.add(name)) {
        family(out, name, "gauge", e.getKey() + " (Dropwizard gauge)");
        if (value instanceof Boolean b) {
          sample(out, name, b ? 1 : 0);
        } else if (value instanceof Long || value instanceof Integer || value instanceof Short
            || value instanceof Byte) {
          sample(out, name, ((Number) value).longValue());
        } else {
          sample(out, name, ((Number) value).doubleValue());
        }
      }
    }
    for (Map.Entry<String, Timer> e : registry.getTimers().entrySet()) {
      String name = sanitize(e.getKey()) + "_seconds";
      if (families.add(name)) {
        family(out, name, "summary", e.getKey() + " (Dropwizard timer), in seconds");
        Timer t = e.getValue();
        summary(out, name, t.getSnapshot(), t.getCount(), 1 / NANOS_PER_SECOND);
      }
    }
    for (Map.Entry<String, Histogram> e : registry.getHistograms().entrySet()) {
      String name = sanitize(e.getKey());
      if (families.add(name)) {
        family(out, name, "summary", e.getKey() + " (Dropwizard histogram)");
        Histogram h = e.getValue();
        summary(out, name, h.getSnapshot(), h.getCount(), 1);
      }
    }
    return out.toString();
  }

  /** A gauge's value if it is a number or boolean, else null (also when the gauge throws). */
  private static Object gaugeValue(Gauge<?> gauge) {
    Object v;
    try {
      v = gauge.getValue();
    } catch (RuntimeException e) {
      return null; // one broken gauge must not fail the whole scrape
    }
    return v instanceof Number || v instanceof Boolean ? v : null;
  }

  private static void summary(
      StringBuilder out, String name, Snapshot snapshot, long count, double scale) {
    for (double q : QUANTILES) {
      out.append(name).append("{quantile=\"").append(q).append("\"} ");
      appendValue(out, snapshot.getValue(q) * scale);
      out.append('\n');
    }
    // Dropwizard keeps no running sum: estimate it from the reservoir's mean (see class Javadoc).
    sample(out, name + "_sum", count == 0 ? 0.0 : snapshot.getMean() * count * scale);
    sample(out, name + "_count", count);
  }

  private static void family(StringBuilder out, String name, String type, String help) {
    out.append("# HELP ").append(name).append(' ');
    for (int i = 0; i < help.length(); i++) {
      char c = help.charAt(i);
      if (c == '\\') {
        out.append("\\\\");
      } else if (c == '\n') {
        out.append("\\n");
      } else {
        out.append(c);
      }
    }
    out.append('\n').append("# TYPE ").append(name).append(' ').append(type).append('\n');
  }

  private static void sample(StringBuilder out, String name, long value) {
    out.append(name).append(' ').append(value).append('\n');
  }

  private static void sample(StringBuilder out, String name, double value) {
    out.append(name).append(' ');
    appendValue(out, value);
    out.append('\n');
  }

  private static void appendValue(StringBuilder out, double value) {
    if (Double.isNaN(value)) {
      out.append("NaN");
    } else if (Double.isInfinite(value)) {
      out.append(value > 0 ? "+Inf" : "-Inf");
    } else {
      out.append(value); // Double.toString, e.g. 1.5 or 1.0E-4: both parse as Go floats
    }
  }

  private static String counterName(String dropwizardName) {
    String name = sanitize(dropwizardName);
    return name.endsWith("_total") ? name : name + "_total";
  }

  /** A valid Prometheus metric name: {@code [a-zA-Z_:][a-zA-Z0-9_:]*}. */
  static String sanitize(String dropwizardName) {
    StringBuilder b = new StringBuilder(dropwizardName.length() + 1);
    for (int i = 0; i < dropwizardName.length(); i++) {
      char c = dropwizardName.charAt(i);
      boolean valid = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':'
          || (c >= '0' && c <= '9');
      b.append(valid ? c : '_');
    }
    if (b.length() == 0 || (b.charAt(0) >= '0' && b.charAt(0) <= '9')) {
      b.insert(0, '_');
    }
    return b.toString();
  }
}
