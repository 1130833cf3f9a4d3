package io.fedrec.simulator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedrec.coordinator.round.FederationConfig;
import io.fedrec.coordinator.round.RoundEngine;
import io.fedrec.coordinator.service.ClientAuthentication;
import io.fedrec.coordinator.service.CoordinatorServer;
import io.fedrec.proto.v1.CheckInRequest;
import io.fedrec.proto.v1.CoordinatorGrpc;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.TlsServerCredentials;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutual TLS over real loopback TCP with certificates from {@code fedrec certs}: a client must
 * present a certificate from the client CA, and may act only under its certificate's id.
 */
class MutualTlsTest {
  @TempDir Path dir;

  private CoordinatorServer server;
  private final List<ManagedChannel> channels = new ArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    DevCertificates ca = new DevCertificates(Duration.ofDays(1));
    ca.writeCa(dir);
    ca.writeServer(dir, List.of("localhost", "127.0.0.1"));
    ca.writeClient(dir, "alpha");
    RoundEngine engine = RoundEngine.builder(FederationConfig.builder().numItems(10).build())
        .build();
    server = new CoordinatorServer(
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0),
            TlsServerCredentials.newBuilder()
                .keyManager(dir.resolve("server.pem").toFile(), dir.resolve("server.key").toFile())
                .trustManager(dir.resolve("ca.pem").toFile())
                .clientAuth(TlsServerCredentials.ClientAuth.OPTIONAL)
                .build()),
        engine, ClientAuthentication.requireCertificates()).start();
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    for (ManagedChannel c : channels) {
      c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    server.stop();
  }

  private CoordinatorGrpc.CoordinatorBlockingStub stub(boolean withClientCertificate)
      throws Exception {
    TlsChannelCredentials.Builder b = TlsChannelCredentials.newBuilder()
        .trustManager(dir.resolve("ca.pem").toFile());
    if (withClientCertificate) {
      b.keyManager(dir.resolve("alpha.pem").toFile(), dir.resolve("alpha.key").toFile());
    }
    ChannelCredentials credentials = b.build();
    ManagedChannel channel =
        Grpc.newChannelBuilderForAddress("127.0.0.1", server.port(), credentials).build();
    channels.add(channel);
    return CoordinatorGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS);
  }

  @Test
  void checkIn_certificateMatchingClientId_getsTask() throws Exception {
    assertEquals(1, stub(true).checkIn(CheckInRequest.newBuilder().setClientId("alpha").build())
        .getTask().getRound());
  }

  @Test
  void checkIn_otherClientIdThanCertificate_permissionDenied() throws Exception {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> stub(true).checkIn(CheckInRequest.newBuilder().setClientId("beta").build()));
    assertEquals(Status.Code.PERMISSION_DENIED, e.getStatus().getCode());
    assertEquals("client_id \"beta\" does not match the client certificate (CN=alpha)",
        e.getStatus().getDescription());
  }

  @Test
  void checkIn_noClientCertificate_unauthenticated() throws Exception {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> stub(false).checkIn(CheckInRequest.newBuilder().setClientId("alpha").build()));
    assertEquals(Status.Code.UNAUTHENTICATED, e.getStatus().getCode());
    assertTrue(e.getStatus().getDescription().contains("client certificate"),
        e.getStatus().getDescription());
  }

  @Test
  void health_withoutClientCertificate_serving() throws Exception {
    TlsChannelCredentials credentials = (TlsChannelCredentials) TlsChannelCredentials.newBuilder()
        .trustManager(dir.resolve("ca.pem").toFile()).build();
    ManagedChannel channel =
        Grpc.newChannelBuilderForAddress("127.0.0.1", server.port(), credentials).build();
    channels.add(channel);
    assertEquals(ServingStatus.SERVING, HealthGrpc.newBlockingStub(channel)
        .withDeadlineAfter(20, TimeUnit.SECONDS)
        .check(HealthCheckRequest.getDefaultInstance()).getStatus());
  }
}
