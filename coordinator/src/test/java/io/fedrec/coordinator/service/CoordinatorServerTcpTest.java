package io.fedrec.coordinator.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedrec.coordinator.round.FederationConfig;
import io.fedrec.coordinator.round.RoundEngine;
import io.fedrec.proto.v1.CheckInRequest;
import io.fedrec.proto.v1.CoordinatorGrpc;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The server over real loopback TCP: binding port 0, health checks, one RPC. */
class CoordinatorServerTcpTest {
  private CoordinatorServer server;
  private ManagedChannel channel;

  @AfterEach
  void tearDown() throws InterruptedException {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (server != null) {
      server.stop();
    }
  }

  @Test
  void start_portZero_servesHealthAndCheckIn() throws Exception {
    RoundEngine engine = RoundEngine.builder(FederationConfig.builder().numItems(10).build()).build();
    server = new CoordinatorServer(
        Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create()), engine).start();
    assertTrue(server.port() > 0);
    channel = Grpc.newChannelBuilderForAddress("127.0.0.1", server.port(),
        InsecureChannelCredentials.create()).build();
    var health = HealthGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
    assertEquals(ServingStatus.SERVING,
        health.check(HealthCheckRequest.newBuilder().setService("io.fedrec.v1.Coordinator").build())
            .getStatus());
    assertEquals(ServingStatus.SERVING, health.check(HealthCheckRequest.getDefaultInstance()).getStatus());
    var reply = CoordinatorGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
        .checkIn(CheckInRequest.newBuilder().setClientId("tcp-client").build());
    assertEquals(1, reply.getTask().getRound());
  }
}
