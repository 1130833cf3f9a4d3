package io.fedrec.coordinator.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedrec.coordinator.round.FederationConfig;
import io.fedrec.coordinator.round.RoundEngine;
import io.fedrec.core.model.TrainingConfig;
import io.fedrec.proto.v1.CheckInRequest;
import io.fedrec.proto.v1.CheckInResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The per-client token bucket, on a clock the test moves, and through the service. */
class ClientRateLimiterTest {
  private final AtomicLong now = new AtomicLong();

  @Test
  void allowsTheBurstThenTheRate_perClient() {
    ClientRateLimiter l = new ClientRateLimiter(2, 3, now::get, 100);
    for (int i = 0; i < 3; i++) {
      l.acquire("a");
    }
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> l.acquire("a"));
    assertEquals(Status.Code.RESOURCE_EXHAUSTED, e.getStatus().getCode());
    assertEquals("client a exceeded its rate limit of 2.0 requests per second (burst 3); retry"
        + " after 500 ms", e.getStatus().getDescription());
    l.acquire("b"); // another client has its own bucket
    now.addAndGet(500_000_000L); // half a second: one token
    l.acquire("a");
    assertThrows(StatusRuntimeException.class, () -> l.acquire("a"));
    assertEquals(2, l.rejected());
  }

  @Test
  void memoryIsBounded_leastRecentlyUsedEvicted() {
    ClientRateLimiter l = new ClientRateLimiter(1, 1, now::get, 3);
    for (int i = 0; i < 10; i++) {
      l.acquire("c" + i);
    }
    assertEquals(3, l.trackedClients());
    l.acquire("c0"); // evicted earlier: a full bucket again
  }

  @Test
  void invalidSettingsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> new ClientRateLimiter(0, 1));
    assertThrows(IllegalArgumentException.class, () -> new ClientRateLimiter(1, 0.5));
  }

  @Test
  void theServiceRefusesAClientOverItsLimit_withResourceExhausted() {
    RoundEngine engine = RoundEngine.builder(FederationConfig.builder().numItems(3)
        .training(TrainingConfig.defaults(2)).clientsPerRound(2).build()).build();
    CoordinatorService service =
        new CoordinatorService(engine, new ClientRateLimiter(1, 2, now::get, 100));
    AtomicReference<Throwable> error = new AtomicReference<>();
    StreamObserver<CheckInResponse> sink = new StreamObserver<>() {
      @Override
      public void onNext(CheckInResponse value) {}

      @Override
      public void onError(Throwable t) {
        error.set(t);
      }

      @Override
      public void onCompleted() {}
    };
    CheckInRequest request = CheckInRequest.newBuilder().setClientId("noisy").build();
    service.checkIn(request, sink);
    service.checkIn(request, sink);
    assertEquals(null, error.get());
    service.checkIn(request, sink);
    assertTrue(error.get() instanceof StatusRuntimeException);
    assertEquals(Status.Code.RESOURCE_EXHAUSTED,
        ((StatusRuntimeException) error.get()).getStatus().getCode());
  }
}
