package io.fedrec.coordinator.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.codahale.metrics.Clock;
import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.SlidingWindowReservoir;
import com.codahale.metrics.Timer;
import io.fedrec.coordinator.round.EngineStatus;
import io.fedrec.coordinator.round.FederationConfig;
import io.fedrec.coordinator.round.RoundEngine;
import io.fedrec.coordinator.service.CoordinatorServer;
import io.fedrec.proto.v1.CheckInRequest;
import io.fedrec.proto.v1.Task;
import io.fedrec.proto.v1.UpdateHeader;
import io.grpc.inprocess.InProcessServerBuilder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PrometheusEndpointTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
  private PrometheusEndpoint endpoint;

  @AfterEach
  void tearDown() {
    if (endpoint != null) {
      endpoint.stop();
    }
  }

  private PrometheusEndpoint start(MetricRegistry registry, BooleanSupplier ready)
      throws IOException {
    endpoint = new PrometheusEndpoint(
        registry, ready, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).start();
    return endpoint;
  }

  private HttpResponse<String> send(String method, String path) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + endpoint.port() + path))
        .timeout(TIMEOUT)
        .method(method, HttpRequest.BodyPublishers.noBody())
        .build();
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  /** Sample lines as series -> value; checks every sample follows a TYPE line of its family. */
  private static Map<String, Double> parse(String text) {
    Map<String, Double> series = new HashMap<>();
    Set<String> typed = new HashSet<>();
    for (String line : text.split("\n")) {
      if (line.startsWith("# TYPE ")) {
        typed.add(line.split(" ")[2]);
      } else if (!line.startsWith("#") && !line.isEmpty()) {
        int space = line.lastIndexOf(' ');
        String name = line.substring(0, space);
        String family = name.replaceAll("\\{.*", "").replaceAll("_(sum|count)$", "");
        assertTrue(typed.contains(family) || typed.contains(name.replaceAll("\\{.*", "")),
            "sample without a TYPE line: " + line);
        series.put(name, Double.parseDouble(line.substring(space + 1)));
      }
    }
    return series;
  }

  private static RoundEngine engine(CoordinatorMetrics metrics, long rounds) {
    return RoundEngine.builder(FederationConfig.builder().numItems(4).rounds(rounds)
        .clientsPerRound(1).build()).metrics(metrics).build();
  }

  /** Checks in a, b and c (a is selected, the others retry) and publishes a's update. */
  private static int playOneRound(RoundEngine e) {
    Task t = e.checkIn(CheckInRequest.newBuilder().setClientId("a").build()).getTask();
    e.checkIn(CheckInRequest.newBuilder().setClientId("b").build());
    e.checkIn(CheckInRequest.newBuilder().setClientId("c").build());
    int n = e.config().shape().numParameters();
    e.beginSubmission(UpdateHeader.newBuilder().setClientId("a").setRound(1)
        .setTaskToken(t.getTaskToken()).setWeight(1).setNumParameters(n).build())
        .complete(new float[n]);
    return n;
  }

  @Test
  void getMetrics_afterEngineEvents_servesSeriesValues() throws Exception {
    CoordinatorMetrics metrics = new CoordinatorMetrics();
    int n = playOneRound(engine(metrics, 3));
    start(metrics.registry(), () -> true);

    HttpResponse<String> response = send("GET", "/metrics");

    assertEquals(200, response.statusCode());
    assertEquals(PrometheusEndpoint.CONTENT_TYPE,
        response.headers().firstValue("Content-Type").orElseThrow());
    Map<String, Double> s = parse(response.body());
    assertEquals(3.0, s.get("fedrec_coordinator_check_ins_total"));
    assertEquals(1.0, s.get("fedrec_coordinator_tasks_assigned_total"));
    assertEquals(2.0, s.get("fedrec_coordinator_retries_sent_total"));
    assertEquals(1.0, s.get("fedrec_coordinator_submissions_accepted_total"));
    assertEquals(1.0, s.get("fedrec_coordinator_rounds_published_total"));
    assertEquals(0.0, s.get("fedrec_coordinator_rounds_abandoned_total"));
    assertEquals(4.0 * n, s.get("fedrec_coordinator_bytes_up_total"));
    assertEquals(2.0, s.get("fedrec_coordinator_current_round"));
    assertEquals(1.0, s.get("fedrec_coordinator_published_rounds"));
    assertEquals(1.0, s.get("fedrec_coordinator_round_duration_seconds_count"));
    assertEquals(1.0, s.get("fedrec_coordinator_selection_duration_seconds_count"));
    assertTrue(s.containsKey("fedrec_coordinator_check_ins_one_minute_rate"));
    assertTrue(s.get("fedrec_coordinator_round_duration_seconds{quantile=\"0.99\"}") >= 0);
  }

  @Test
  void format_counter_writesHelpTypeAndTotal() {
    MetricRegistry registry = new MetricRegistry();
    registry.counter("fedrec.coordinator.rounds_published").inc(3);

    assertEquals("# HELP fedrec_coordinator_rounds_published_total"
            + " fedrec.coordinator.rounds_published (Dropwizard counter)\n"
            + "# TYPE fedrec_coordinator_rounds_published_total counter\n"
            + "fedrec_coordinator_rounds_published_total 3\n",
        PrometheusEndpoint.format(registry));
  }

  @Test
  void format_timer_writesSummaryInSeconds() {
    MetricRegistry registry = new MetricRegistry();
    Timer timer = registry.timer("fedrec.coordinator.round_duration",
        () -> new Timer(new SlidingWindowReservoir(16)));
    timer.update(2, TimeUnit.SECONDS);
    timer.update(4, TimeUnit.SECONDS);

    assertEquals("# HELP fedrec_coordinator_round_duration_seconds"
            + " fedrec.coordinator.round_duration (Dropwizard timer), in seconds\n"
            + "# TYPE fedrec_coordinator_round_duration_seconds summary\n"
            + "fedrec_coordinator_round_duration_seconds{quantile=\"0.5\"} 3.0\n"
            + "fedrec_coordinator_round_duration_seconds{quantile=\"0.95\"} 4.0\n"
            + "fedrec_coordinator_round_duration_seconds{quantile=\"0.99\"} 4.0\n"
            + "fedrec_coordinator_round_duration_seconds_sum 6.0\n"
            + "fedrec_coordinator_round_duration_seconds_count 2\n",
        PrometheusEndpoint.format(registry));
  }

  @Test
  void format_meter_writesTotalAndOneMinuteRate() {
    MetricRegistry registry = new MetricRegistry();
    long[] nanos = {0};
    Clock clock = new Clock() {
      @Override
      public long getTick() {
        return nanos[0];
      }
    };
    registry.meter("fedrec.coordinator.check_ins", () -> new Meter(clock)).mark(5);
    // The moving averages tick once more than 5 s have passed; the first tick sets the rate to
    // 5 events / 5 s.
    nanos[0] = TimeUnit.SECONDS.toNanos(5) + 1;

    Map<String, Double> s = parse(PrometheusEndpoint.format(registry));

    assertEquals(5.0, s.get("fedrec_coordinator_check_ins_total"));
    assertEquals(1.0, s.get("fedrec_coordinator_check_ins_one_minute_rate"), 1e-9);
    assertTrue(PrometheusEndpoint.format(registry).contains(
        "# TYPE fedrec_coordinator_check_ins_one_minute_rate gauge\n"));
  }

  @Test
  void format_nonNumericOrThrowingGauge_isSkipped() {
    MetricRegistry registry = new MetricRegistry();
    registry.gauge("text", () -> () -> "x");
    registry.gauge("broken", () -> () -> {
      throw new IllegalStateException("boom");
    });
    registry.gauge("flag", () -> () -> true);

    assertEquals("# HELP flag flag (Dropwizard gauge)\n# TYPE flag gauge\nflag 1\n",
        PrometheusEndpoint.format(registry));
  }

  @Test
  void sanitize_invalidCharacters_becomeUnderscores() {
    assertEquals("fedrec_coordinator_a_b", PrometheusEndpoint.sanitize("fedrec.coordinator.a-b"));
    assertEquals("_9lives", PrometheusEndpoint.sanitize("9lives"));
  }

  @Test
  void getReady_acrossServerLifecycle_followsServingState() throws Exception {
    RoundEngine engine = engine(new CoordinatorMetrics(), 3);
    CoordinatorServer server = new CoordinatorServer(
        InProcessServerBuilder.forName(InProcessServerBuilder.generateName()).directExecutor(),
        engine);
    start(engine.metrics().registry(), server::isReady);
    try {
      assertEquals(503, send("GET", "/ready").statusCode());
      server.start();
      HttpResponse<String> ready = send("GET", "/ready");
      assertEquals(200, ready.statusCode());
      assertEquals("ready\n", ready.body());
    } finally {
      server.stop();
    }
    HttpResponse<String> stopped = send("GET", "/ready");
    assertEquals(503, stopped.statusCode());
    assertEquals("not ready\n", stopped.body());
  }

  @Test
  void isReady_federationFinished_staysReady() throws Exception {
    RoundEngine engine = engine(new CoordinatorMetrics(), 1);
    playOneRound(engine);
    assertEquals(EngineStatus.Phase.FINISHED, engine.status().phase());
    CoordinatorServer server = new CoordinatorServer(
        InProcessServerBuilder.forName(InProcessServerBuilder.generateName()).directExecutor(),
        engine).start();
    try {
      start(engine.metrics().registry(), server::isReady);
      assertEquals(200, send("GET", "/ready").statusCode());
    } finally {
      server.stop();
    }
  }

  @Test
  void getReady_readinessThrows_answers503() throws Exception {
    start(new MetricRegistry(), () -> {
      throw new IllegalStateException("boom");
    });

    assertEquals(503, send("GET", "/ready").statusCode());
  }

  @Test
  void get_unknownPath_answers404() throws Exception {
    start(new MetricRegistry(), () -> true);

    assertEquals(404, send("GET", "/").statusCode());
    assertEquals(404, send("GET", "/metricsx").statusCode());
  }

  @Test
  void post_metrics_answers405WithAllow() throws Exception {
    start(new MetricRegistry(), () -> true);

    HttpResponse<String> response = send("POST", "/metrics");

    assertEquals(405, response.statusCode());
    assertEquals("GET, HEAD", response.headers().firstValue("Allow").orElseThrow());
  }

  @Test
  void start_twice_throwsIllegalState() throws Exception {
    start(new MetricRegistry(), () -> true);

    assertThrows(IllegalStateException.class, endpoint::start);
  }

  @Test
  void stop_twice_isIdempotentAndReleasesPort() throws Exception {
    start(new MetricRegistry(), () -> true);
    endpoint.stop();
    endpoint.stop();

    IllegalStateException e = assertThrows(IllegalStateException.class, endpoint::port);
    assertTrue(e.getMessage().contains("STOPPED"), e.getMessage());
  }

  @Test
  void constructor_unresolvedAddress_throwsNamingAddress() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new PrometheusEndpoint(new MetricRegistry(), () -> true,
            InetSocketAddress.createUnresolved("no.such.host.invalid", 0)));
    assertTrue(e.getMessage().startsWith("address must resolve"), e.getMessage());
  }
}
