package io.fedrec.benchmarks;

import io.fedrec.coordinator.round.FederationConfig;
import io.fedrec.coordinator.round.RoundEngine;
import io.fedrec.coordinator.service.ClientAuthentication;
import io.fedrec.coordinator.service.CoordinatorServer;
import io.fedrec.coordinator.service.LoadShedder;
import io.fedrec.core.model.TrainingConfig;
import io.fedrec.simulator.cli.Main;
import io.fedrec.simulator.load.LoadDriver;
import io.grpc.ChannelCredentials;
import io.grpc.TlsChannelCredentials;
import io.grpc.TlsServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * The coordinator under load (issue 8): {@code --devices} virtual devices, each on its own
 * loopback TCP connection with TLS, driven by {@link LoadDriver} with {@code --workers} calls in
 * flight at most, against a coordinator admitting {@code --limit} calls at once ({@link
 * LoadShedder}), for {@code --seconds}. The federation: {@code --items} items at rank {@code
 * --rank}, {@code --clients-per-round} clients per round, rounds published as soon as the cohort
 * submitted. Coordinator and devices share this JVM (and its cores).
 *
 * <p>Prints: calls per second (all, successful, shed), rounds per minute, submissions per
 * second, failures by status, the coordinator's peak calls in flight, and heap used after a full
 * GC before the devices connect and at the end (the devices' channels included).
 *
 * <p>Run: {@code java -Xmx2g -cp benchmarks/target/benchmarks.jar io.fedrec.benchmarks.LoadBench
 * [--devices 2000] [--workers 256] [--limit 64] [--seconds 60] [--items 1682] [--rank 16]
 * [--clients-per-round 100]}. Not run in CI (the CI variant is {@code LoadSheddingTlsTest}).
 */
public final class LoadBench {
  private LoadBench() {}

  public static void main(String[] args) throws Exception {
    int devices = 2000;
    int workers = 256;
    int limit = 64;
    int seconds = 60;
    int items = 1682;
    int rank = 16;
    int perRound = 100;
    for (int i = 0; i + 1 < args.length; i += 2) {
      int v = Integer.parseInt(args[i + 1]);
      switch (args[i]) {
        case "--devices" -> devices = v;
        case "--workers" -> workers = v;
        case "--limit" -> limit = v;
        case "--seconds" -> seconds = v;
        case "--items" -> items = v;
        case "--rank" -> rank = v;
        case "--clients-per-round" -> perRound = v;
        default -> throw new IllegalArgumentException("unknown flag " + args[i]);
      }
    }
    Path certs = Files.createTempDirectory("fedrec-load-certs");
    int code = Main.execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true),
        "certs", "--out", certs.toString(), "--hosts", "localhost,127.0.0.1", "--clients",
        "unused");
    if (code != 0) {
      throw new IllegalStateException("fedrec certs failed with exit code " + code);
    }
    RoundEngine engine = RoundEngine.builder(FederationConfig.builder()
            .numItems(items).training(TrainingConfig.defaults(rank)).rounds(1_000_000)
            .clientsPerRound(perRound).minClients(1)
            .selectionTimeout(Duration.ofSeconds(30)).roundTimeout(Duration.ofSeconds(60))
            .retryDelay(Duration.ofSeconds(1)).build())
        .build();
    LoadShedder shedder = new LoadShedder(limit, 1000);
    CoordinatorServer server = new CoordinatorServer(
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0),
            TlsServerCredentials.create(certs.resolve("server.pem").toFile(),
                certs.resolve("server.key").toFile())),
        engine, ClientAuthentication.none(), null, shedder).start();
    ChannelCredentials tls = TlsChannelCredentials.newBuilder()
        .trustManager(certs.resolve("ca.pem").toFile()).build();
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    System.gc();
    long heapBefore = memory.getHeapMemoryUsage().getUsed();
    long roundsBefore = engine.currentModel().version();
    try (LoadDriver load = new LoadDriver("127.0.0.1", server.port(), tls, devices, workers,
        60_000)) {
      long millis = load.run(() -> false, seconds * 1000L);
      System.gc();
      long heapAfter = memory.getHeapMemoryUsage().getUsed();
      LoadDriver.Stats s = load.stats();
      double secs = millis / 1000.0;
      long rounds = engine.currentModel().version() - roundsBefore;
      System.out.printf(Locale.ROOT, "devices %d (TLS connections), workers %d, limit %d,"
          + " %d items x rank %d, %d clients per round, %.1f s%n", devices, workers, limit, items,
          rank, perRound, secs);
      System.out.printf(Locale.ROOT, "calls/s %.0f (successful %.0f, shed %.0f); submissions/s"
          + " %.1f; rounds/min %.1f (%d rounds)%n", s.total() / secs, s.okTotal() / secs,
          (s.shedCheckIns.get() + s.shedCalls.get()) / secs,
          s.succeeded(LoadDriver.Rpc.SUBMIT) / secs, rounds * 60 / secs, rounds);
      System.out.printf(Locale.ROOT, "failures %s; peak calls in flight %d of %d%n",
          s.failures(), shedder.peakInFlight(), limit);
      System.out.printf(Locale.ROOT, "heap used after GC: %.0f MiB before, %.0f MiB at the end%n",
          heapBefore / 1048576.0, heapAfter / 1048576.0);
    } finally {
      server.stop();
    }
  }
}
