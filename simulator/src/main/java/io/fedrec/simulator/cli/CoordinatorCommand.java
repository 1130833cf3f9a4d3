package io.fedrec.simulator.cli;

import com.codahale.metrics.jmx.JmxReporter;
import io.fedrec.coordinator.metrics.PrometheusEndpoint;
import io.fedrec.coordinator.round.EngineStatus;
import io.fedrec.coordinator.round.FederationConfig;
import io.fedrec.coordinator.round.PrivacySettings;
import io.fedrec.coordinator.round.RoundEngine;
import io.fedrec.coordinator.round.RoundListener;
import io.fedrec.coordinator.round.RoundRecord;
import io.fedrec.coordinator.service.CoordinatorServer;
import io.fedrec.coordinator.store.StateStore;
import io.fedrec.core.model.GlobalModel;
import io.fedrec.coordinator.service.ClientAuthentication;
import io.fedrec.coordinator.service.ClientRateLimiter;
import io.fedrec.coordinator.service.LoadShedder;
import io.grpc.InsecureServerCredentials;
import io.grpc.ServerCredentials;
import io.grpc.TlsServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.io.Reader;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code fedrec coordinator}: the coordinator as a gRPC server process (plaintext), optionally
 * checkpointing every published round to {@code --state-dir} and resuming from it on start.
 */
@Command(
    name = "coordinator",
    mixinStandardHelpOptions = true,
    description =
        "Runs the coordinator as a gRPC server (plaintext: use it only on a trusted "
            + "network). Settings come from --config (a properties file; keys in "
            + "docs/operations.md) and the flags, which override it. With --state-dir every "
            + "published round is checkpointed and a restart resumes after the last one. "
            + "SIGTERM stops it gracefully.")
final class CoordinatorCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--port", paramLabel = "PORT", defaultValue = "50051",
      description = "TCP port, 0 for any free one (default: ${DEFAULT-VALUE})")
  int port;

  @Option(names = "--bind", paramLabel = "HOST", defaultValue = "0.0.0.0",
      description = "address to listen on (default: ${DEFAULT-VALUE})")
  String bind;

  @Option(names = "--config", paramLabel = "FILE",
      description = "federation settings as a properties file")
  Path config;

  @Option(names = "--state-dir", paramLabel = "DIR",
      description = "checkpoint directory (default: in memory, nothing survives a restart)")
  Path stateDir;

  @Option(names = "--num-items", paramLabel = "N", description = "catalogue size (required"
      + " unless num_items is in --config)")
  Integer numItems;

  @Option(names = "--rank", paramLabel = "K", description = "latent dimension (default: 16)")
  Integer rank;

  @Option(names = "--rounds", paramLabel = "N", description = "rounds to publish (default: 100)")
  Long rounds;

  @Option(names = "--clients-per-round", paramLabel = "N",
      description = "cohort size (default: 100)")
  Integer clientsPerRound;

  @Option(names = "--min-clients", paramLabel = "N",
      description = "fewest submissions to publish a round (default: --clients-per-round)")
  Integer minClients;

  @Option(names = "--initial-mean", paramLabel = "X",
      description = "initial global mean rating (default: 3.5)")
  Float initialMean;

  @Option(names = "--secagg", paramLabel = "MODE",
      description = "secure aggregation (SecAgg+) of every round: on or off (default: off, or"
          + " secagg in --config); tune it with the secagg_* keys of --config")
  String secagg;

  @Option(names = "--exit-when-finished",
      description = "stop once the last round is published, after answering late clients for"
          + " max(2 s, 3 retry delays) (default: keep answering 'finished' until stopped)")
  boolean exitWhenFinished;

  @Option(names = "--tls-cert", paramLabel = "FILE",
      description = "server certificate chain (PEM); with --tls-key enables TLS")
  Path tlsCert;

  @Option(names = "--tls-key", paramLabel = "FILE", description = "server private key (PKCS#8 PEM)")
  Path tlsKey;

  @Option(names = "--client-ca", paramLabel = "FILE",
      description = "CA (PEM) that signs client certificates: requires every client to present"
          + " one, and binds client_id to the certificate's common name (mutual TLS)")
  Path clientCa;

  @Option(names = "--log-format", paramLabel = "FORMAT", defaultValue = "text",
      description = "round events on standard output as text lines or as JSON lines (one object"
          + " per event: ts, event, round and its fields) (default: ${DEFAULT-VALUE})")
  String logFormat;

  @Option(names = "--allow-no-privacy",
      description = "run a federation without differential privacy (privacy_mode none); refused"
          + " unless asked for explicitly")
  boolean allowNoPrivacy;

  @Option(names = "--insecure",
      description = "serve plaintext gRPC without TLS: only for development on a trusted network")
  boolean insecure;

  @Option(names = "--client-rate", paramLabel = "N", defaultValue = "100",
      description = "requests per second each client may make (bursts of 2N); over it a request"
          + " is refused with RESOURCE_EXHAUSTED; 0 disables the limit (default: ${DEFAULT-VALUE})")
  double clientRate;

  @Option(names = "--max-concurrent-calls", paramLabel = "N", defaultValue = "256",
      description = "coordinator RPCs served at once (a download or upload counts until it ends);"
          + " over it a check-in is told to retry later and other calls get UNAVAILABLE with a"
          + " retry-after trailer (default: ${DEFAULT-VALUE})")
  int maxConcurrentCalls;

  @Option(names = "--shed-retry-ms", paramLabel = "MS", defaultValue = "2000",
      description = "the delay suggested to clients shed by --max-concurrent-calls"
          + " (default: ${DEFAULT-VALUE})")
  long shedRetryMs;

  @Option(names = "--metrics-port", paramLabel = "PORT",
      description = "serve Prometheus metrics (GET /metrics) and readiness (GET /ready) over"
          + " HTTP on this TCP port, 0 for any free one (default: off)")
  Integer metricsPort;

  @Option(names = "--metrics-bind", paramLabel = "ADDR", defaultValue = "127.0.0.1",
      description = "address for --metrics-port (default: ${DEFAULT-VALUE}; the endpoint has no"
          + " TLS or authentication, so widen it only on a trusted network)")
  String metricsBind;

  /** Properties keys set by flags. */
  private static final Map<String, String> FLAGS = new LinkedHashMap<>();

  static {
    FLAGS.put("num_items", "--num-items");
    FLAGS.put("rank", "--rank");
    FLAGS.put("rounds", "--rounds");
    FLAGS.put("clients_per_round", "--clients-per-round");
    FLAGS.put("min_clients", "--min-clients");
    FLAGS.put("initial_mean", "--initial-mean");
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter o = spec.commandLine().getOut();
    Flags.inRange("--port", port, 0, 65535);
    if (bind == null || bind.isBlank()) {
      throw CliException.usage("--bind must be a host name or address. Provided value: \""
          + bind + "\"");
    }
    if (!(clientRate >= 0) || Double.isInfinite(clientRate) || (clientRate > 0 && clientRate < 0.5)) {
      throw CliException.usage("--client-rate must be 0 (no limit) or in [0.5, infinity)."
          + " Provided value: " + clientRate);
    }
    Flags.inRange("--max-concurrent-calls", maxConcurrentCalls, 1, 1_000_000);
    Flags.inRange("--shed-retry-ms", shedRetryMs, 1, 3_600_000);
    if (!logFormat.equals("text") && !logFormat.equals("json")) {
      throw CliException.usage("--log-format must be text or json. Provided value: " + logFormat);
    }
    boolean json = logFormat.equals("json");
    InetSocketAddress metricsAddress = metricsAddress();
    ServerCredentials credentials = serverCredentials();
    FederationConfig federation = federationConfig();
    if (federation.privacy().mode() == PrivacySettings.Mode.NONE && !allowNoPrivacy) {
      throw CliException.usage("the federation has no differential privacy (privacy_mode none):"
          + " set privacy_mode (central, distributed or local) and its keys in --config, or pass"
          + " --allow-no-privacy to run without it");
    }
    StateStore store;
    try {
      store = stateDir == null ? StateStore.inMemory() : StateStore.directory(stateDir);
    } catch (IllegalArgumentException e) {
      throw CliException.usage("--state-dir " + stateDir + ": " + e.getMessage(), e);
    }
    CountDownLatch finished = new CountDownLatch(1);
    RoundEngine engine = RoundEngine.builder(federation).store(store).build();
    engine.addListener(new RoundListener() {
      @Override
      public void onRoundPublished(RoundRecord r, GlobalModel model) {
        synchronized (o) {
          if (json) {
            event(o, "round_published", r.round(), w -> w
                .name("selected").value(r.selected())
                .name("submitted").value(r.submitted())
                .name("dropouts").value(r.dropouts())
                .name("weight").value(r.totalWeight())
                .name("bytes_up").value(r.bytesUp())
                .name("bytes_down").value(r.bytesDown())
                .name("aggregation").value(r.aggregation())
                .name("model_sha256").value(r.modelSha256Hex()));
          } else {
            o.printf("round %d published: submitted %d/%d, weight %d, sha256 %s%n",
                r.round(), r.submitted(), r.selected(), r.totalWeight(),
                r.modelSha256Hex().substring(0, Math.min(16, r.modelSha256Hex().length())));
          }
          o.flush();
        }
        if (r.round() >= federation.rounds()) {
          finished.countDown();
        }
      }

      @Override
      public void onRoundAbandoned(long round, String reason) {
        synchronized (o) {
          if (json) {
            event(o, "round_abandoned", round, w -> w.name("reason").value(reason));
          } else {
            o.printf("round %d abandoned: %s%n", round, reason);
          }
          o.flush();
        }
      }
    });
    // Metrics (rounds, participants, dropouts, bytes, phase latencies) as JMX MBeans, domain
    // "fedrec"; see docs/operations.md.
    JmxReporter jmx = engine.metrics().startJmx();
    CoordinatorServer server = new CoordinatorServer(
        NettyServerBuilder.forAddress(new InetSocketAddress(bind, port), credentials),
        engine, clientCa != null
            ? ClientAuthentication.requireCertificates()
            : ClientAuthentication.none(),
        clientRate == 0 ? null : new ClientRateLimiter(clientRate, 2 * clientRate),
        new LoadShedder(maxConcurrentCalls, shedRetryMs));
    try {
      server.start();
    } catch (IOException e) {
      throw CliException.failure("cannot listen on " + bind + ":" + port + ": " + e.getMessage(),
          e);
    }
    PrometheusEndpoint prometheus = null;
    if (metricsAddress != null) {
      prometheus = new PrometheusEndpoint(
          engine.metrics().registry(), server::isReady, metricsAddress);
      try {
        prometheus.start();
      } catch (IOException e) {
        server.stop();
        jmx.close();
        store.close();
        throw CliException.failure("--metrics-port: cannot listen on " + metricsBind + ":"
            + metricsPort + ": " + e.getMessage(), e);
      }
      synchronized (o) {
        String host = metricsBind.contains(":") ? "[" + metricsBind + "]" : metricsBind;
        o.printf("metrics on http://%s:%d/metrics%n", host, prometheus.port());
        o.flush();
      }
    }
    PrometheusEndpoint metricsEndpoint = prometheus;
    Thread hook = new Thread(() -> {
      try {
        server.stop(); // /ready answers 503 from here on, while calls drain
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        if (metricsEndpoint != null) {
          metricsEndpoint.stop();
        }
        jmx.close();
        store.close();
      }
    }, "fedrec-coordinator-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    EngineStatus status = engine.status();
    synchronized (o) {
      if (json) {
        event(o, "listening", status.publishedRounds() + 1, w -> w
            .name("address").value(bind + ":" + server.port())
            .name("rounds").value(federation.rounds())
            .name("privacy_mode").value(federation.privacy().mode().key())
            .name("secagg").value(federation.secagg().enabled()));
      } else {
        o.printf("coordinator listening on %s:%d; %s%n", bind, server.port(),
            status.publishedRounds() == 0
                ? "starting at round 1 of " + federation.rounds()
                : "resuming after round " + status.publishedRounds() + " of "
                    + federation.rounds());
        if (federation.secagg().enabled()) {
          o.printf("secure aggregation on: %s%n", federation.secagg());
        }
      }
      o.flush();
    }
    if (status.phase() == EngineStatus.Phase.FINISHED) {
      finished.countDown();
    }
    if (exitWhenFinished) {
      finished.await();
      // Linger before stopping, so that clients still polling for the last round's outcome
      // (secure aggregation answers "done" to a poll) and clients checking in hear "finished"
      // instead of finding the port closed and retrying forever.
      Thread.sleep(Math.max(2_000, 3 * federation.retryDelay().toMillis()));
      server.stop();
      if (metricsEndpoint != null) {
        metricsEndpoint.stop();
      }
      jmx.close();
      store.close();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the JVM is already exiting; the hook stops the server (again, harmlessly)
      }
      synchronized (o) {
        o.printf("federation finished after round %d%n", engine.status().publishedRounds());
        o.flush();
      }
    } else {
      server.blockUntilShutdown();
    }
    return 0;
  }

  /** The address for --metrics-port, or null when the endpoint is off. */
  private InetSocketAddress metricsAddress() {
    if (metricsPort == null) {
      return null;
    }
    Flags.inRange("--metrics-port", metricsPort, 0, 65535);
    if (metricsBind == null || metricsBind.isBlank()) {
      throw CliException.usage("--metrics-bind must be a host name or address. Provided value: \""
          + metricsBind + "\"");
    }
    InetSocketAddress address = new InetSocketAddress(metricsBind, metricsPort);
    if (address.isUnresolved()) {
      throw CliException.usage("--metrics-bind must resolve to an address. Provided value: \""
          + metricsBind + "\"");
    }
    return address;
  }

  /** TLS (optionally mutual) from the flags, or plaintext with --insecure; nothing implicit. */
  private ServerCredentials serverCredentials() {
    if (insecure) {
      if (tlsCert != null || tlsKey != null || clientCa != null) {
        throw CliException.usage("--insecure cannot be combined with --tls-cert, --tls-key or"
            + " --client-ca");
      }
      return InsecureServerCredentials.create();
    }
    if (tlsCert == null || tlsKey == null) {
      throw CliException.usage("--tls-cert and --tls-key are required (TLS is the default);"
          + " pass --insecure to serve plaintext on a trusted network, or create development"
          + " certificates with: fedrec certs");
    }
    for (Path f : clientCa == null ? List.of(tlsCert, tlsKey) : List.of(tlsCert, tlsKey, clientCa)) {
      if (!Files.isRegularFile(f)) {
        throw CliException.usage("TLS file " + f + " does not exist or is not a file");
      }
    }
    try {
      TlsServerCredentials.Builder b = TlsServerCredentials.newBuilder()
          .keyManager(tlsCert.toFile(), tlsKey.toFile());
      if (clientCa != null) {
        // OPTIONAL rather than REQUIRE: a client without a certificate then gets a readable
        // UNAUTHENTICATED status from ClientAuthentication instead of a failed handshake.
        b.trustManager(clientCa.toFile()).clientAuth(TlsServerCredentials.ClientAuth.OPTIONAL);
      }
      return b.build();
    } catch (IOException | IllegalArgumentException e) {
      throw CliException.usage("cannot load the TLS files: " + e.getMessage(), e);
    }
  }

  private FederationConfig federationConfig() {
    Properties p = new Properties();
    if (config != null) {
      if (!Files.isRegularFile(config)) {
        throw CliException.usage("--config " + config + " does not exist or is not a file");
      }
      try (Reader r = Files.newBufferedReader(config, StandardCharsets.UTF_8)) {
        p.load(r);
      } catch (IOException | IllegalArgumentException e) {
        throw CliException.usage("--config " + config + ": cannot read: " + e.getMessage(), e);
      }
    }
    if (numItems != null) {
      Flags.inRange("--num-items", numItems, 1, io.fedrec.core.model.ModelShape.MAX_ITEMS);
    }
    set(p, "num_items", numItems);
    set(p, "rank", rank);
    set(p, "rounds", rounds);
    set(p, "clients_per_round", clientsPerRound);
    set(p, "min_clients", minClients);
    set(p, "initial_mean", initialMean);
    if (secagg != null) {
      if (!secagg.equals("on") && !secagg.equals("off")) {
        throw CliException.usage("--secagg must be on or off. Provided value: " + secagg);
      }
      p.setProperty("secagg", Boolean.toString(secagg.equals("on")));
    }
    try {
      return FederationConfig.fromProperties(p);
    } catch (IllegalArgumentException e) {
      String message = e.getMessage() == null ? "" : e.getMessage();
      if (message.startsWith("num_items is required")) {
        throw CliException.usage("--num-items is required (or num_items in --config)", e);
      }
      for (Map.Entry<String, String> f : FLAGS.entrySet()) {
        if (message.startsWith(f.getKey() + " ")) {
          boolean fromFlag = p.getProperty(f.getKey()) != null && flagValue(f.getKey()) != null;
          if (fromFlag) {
            throw CliException.usage(f.getValue() + message.substring(f.getKey().length()), e);
          }
        }
      }
      throw CliException.usage(
          (config == null ? "" : "--config " + config + ": ") + message, e);
    }
  }

  private Object flagValue(String key) {
    switch (key) {
      case "num_items":
        return numItems;
      case "rank":
        return rank;
      case "rounds":
        return rounds;
      case "clients_per_round":
        return clientsPerRound;
      case "min_clients":
        return minClients;
      case "initial_mean":
        return initialMean;
      default:
        return null;
    }
  }

  private static void set(Properties p, String key, Object value) {
    if (value != null) {
      p.setProperty(key, value.toString());
    }
  }

  /** One JSON line: {@code {"ts": ..., "event": ..., "round": ..., fields...}}. */
  private static void event(PrintWriter o, String event, long round,
      java.util.function.Consumer<io.fedrec.simulator.report.JsonWriter> fields) {
    io.fedrec.simulator.report.JsonWriter w = io.fedrec.simulator.report.JsonWriter.compact(o);
    w.beginObject()
        .name("ts").value(java.time.Instant.now().toString())
        .name("event").value(event)
        .name("round").value(round);
    fields.accept(w);
    w.endObject();
    w.finish();
  }
}
