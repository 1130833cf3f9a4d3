package io.fedrec.simulator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedrec.coordinator.round.FederationConfig;
import io.fedrec.coordinator.round.RoundEngine;
import io.fedrec.coordinator.service.ClientAuthentication;
import io.fedrec.coordinator.service.CoordinatorServer;
import io.fedrec.coordinator.service.LoadShedder;
import io.fedrec.core.model.TrainingConfig;
import io.fedrec.simulator.load.LoadDriver;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.TlsChannelCredentials;
import io.grpc.TlsServerCredentials;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bounded load test over real loopback TCP and TLS: 400 virtual devices, each on its own
 * connection, 48 of them calling at once, against a coordinator that admits 8 calls at a time.
 * The coordinator sheds the excess (check-ins told to retry later, other calls {@code
 * UNAVAILABLE} with a retry-after trailer), never runs more than its limit, keeps answering health
 * checks, and keeps publishing rounds; no call ends in any other error. The long campaign with
 * thousands of connections and its figures: {@code LoadBench} (docs/reliability.md, "Load").
 */
class LoadSheddingTlsTest {
  @TempDir Path dir;

  @Test
  void manyTlsConnections_overTheLimit_shedCleanlyAndRoundsKeepPublishing() throws Exception {
    DevCertificates ca = new DevCertificates(Duration.ofDays(1));
    ca.writeCa(dir);
    ca.writeServer(dir, List.of("localhost", "127.0.0.1"));
    RoundEngine engine = RoundEngine.builder(FederationConfig.builder()
            .numItems(500).training(TrainingConfig.defaults(8)).rounds(100_000)
            .clientsPerRound(20).minClients(1).selectionTimeout(Duration.ofSeconds(10)).roundTimeout(Duration.ofSeconds(20))
            .retryDelay(Duration.ofMillis(200)).build())
        .build();
    LoadShedder shedder = new LoadShedder(8, 50);
    CoordinatorServer server = new CoordinatorServer(
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0),
            TlsServerCredentials.create(dir.resolve("server.pem").toFile(),
                dir.resolve("server.key").toFile())),
        engine, ClientAuthentication.none(), null, shedder).start();
    ChannelCredentials tls = TlsChannelCredentials.newBuilder()
        .trustManager(dir.resolve("ca.pem").toFile()).build();
    ManagedChannel probe = Grpc.newChannelBuilderForAddress("127.0.0.1", server.port(), tls)
        .build();
    try (LoadDriver load = new LoadDriver("127.0.0.1", server.port(), tls, 400, 48, 60_000)) {
      AtomicReference<Throwable> probeFailure = new AtomicReference<>();
      AtomicInteger probes = new AtomicInteger();
      CountDownLatch loadDone = new CountDownLatch(1);
      Thread prober = new Thread(() -> {
        // health checks are never shed: every one answers SERVING while the load runs
        try {
          do {
            HealthCheckResponse r = HealthGrpc.newBlockingStub(probe)
                .withDeadlineAfter(30, TimeUnit.SECONDS).check(HealthCheckRequest.newBuilder()
                    .build());
            if (r.getStatus() != HealthCheckResponse.ServingStatus.SERVING) {
              throw new AssertionError("health " + r.getStatus());
            }
            probes.incrementAndGet();
          } while (!loadDone.await(50, TimeUnit.MILLISECONDS));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } catch (Throwable t) {
          probeFailure.set(t);
        }
      });
      prober.start();
      long millis = load.run(() -> engine.currentModel().version() >= 3, 120_000);
      loadDone.countDown();
      prober.join();
      if (probeFailure.get() != null) {
        throw new AssertionError("a health check failed under load", probeFailure.get());
      }
      assertTrue(probes.get() > 0, "health was probed");

      LoadDriver.Stats s = load.stats();
      System.out.printf("load test: %d calls in %d ms, %d shed check-ins, %d shed calls,"
          + " failures %s, %d rounds, peak in flight %d%n", s.total(), millis, s.shedCheckIns.get(),
          s.shedCalls.get(), s.failures(), engine.currentModel().version(),
          shedder.peakInFlight());
      assertTrue(engine.currentModel().version() >= 3, "rounds kept publishing");
      assertTrue(shedder.shed() > 0, "48 callers against a limit of 8 must be shed");
      assertEquals(shedder.shed(), s.shedCheckIns.get() + s.shedCalls.get(),
          "every shed call was told when to come back");
      assertTrue(shedder.peakInFlight() <= 8, "peak " + shedder.peakInFlight());
      // shed calls are UNAVAILABLE; a task can also be refused once its round closed
      // (FAILED_PRECONDITION / NOT_FOUND); nothing else, and no deadline was ever hit
      Map<Status.Code, Long> failures = s.failures();
      for (Status.Code code : failures.keySet()) {
        assertTrue(code == Status.Code.UNAVAILABLE || code == Status.Code.FAILED_PRECONDITION
            || code == Status.Code.NOT_FOUND, "unexpected " + code + " in " + failures);
      }
      assertEquals(s.shedCalls.get(), failures.getOrDefault(Status.Code.UNAVAILABLE, 0L),
          "every UNAVAILABLE was a shed call");
      assertTrue(s.succeeded(LoadDriver.Rpc.SUBMIT) >= engine.currentModel().version(),
          "every published round had a submission");
    } finally {
      probe.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      server.stop();
    }
  }

  @Test
  void coordinator_sheddingFlagsOutOfRange_exit2NamingFlagRuleAndValue() {
    CliTest.Run a = CliTest.run("coordinator", "--max-concurrent-calls", "0");
    assertEquals(2, a.code(), a.err());
    assertTrue(a.err().contains("--max-concurrent-calls must be in [1, 1000000]. Provided value: 0"),
        a.err());
    CliTest.Run b = CliTest.run("coordinator", "--shed-retry-ms", "-5");
    assertEquals(2, b.code(), b.err());
    assertTrue(b.err().contains("--shed-retry-ms must be in [1, 3600000]. Provided value: -5"),
        b.err());
  }
}
