package io.fedrec.simulator.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedrec.simulator.faults.GrpcFaultProxy.Fault;
import io.fedrec.simulator.faults.GrpcFaultProxy.Kind;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/**
 * One fault at a time, scripted, against a real coordinator and one SDK client: what the
 * coordinator answers and how the client recovers. The cohort is larger than the one client and
 * selection stays open, so round 1 is still open when a late duplicate or a replay arrives: the
 * coordinator must then refuse it as a duplicate, not because the round moved on.
 */
class ScriptedFaultTest {
  private static final Duration RPC_TIMEOUT = Duration.ofMillis(2_000);
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final String SUBMIT = "SubmitUpdate";

  private static FaultyFederation federation(
      IntFunction<TcpFaultProxy.Fault> tcp, GrpcFaultProxy.Plan plan) throws Exception {
    return new FaultyFederation(new FaultyFederation.Settings(1, 2, 1, 1, false,
        Duration.ofSeconds(60), Duration.ofSeconds(60), RPC_TIMEOUT, tcp, plan, 7));
  }

  private static FaultyFederation federation(GrpcFaultProxy.Plan plan) throws Exception {
    return federation(connection -> TcpFaultProxy.Fault.NONE, plan);
  }

  /** Runs the client until it reports round 1 submitted; checks it was counted exactly once. */
  private static void submitsOnce(FaultyFederation f) throws Exception {
    FaultyFederation.ClientEvents events = f.events.get(0);
    assertTrue(f.startAndAwait(() -> !events.submitted.isEmpty(), WAIT),
        "round 1 submitted; coordinator saw " + f.recorder.statuses());
    assertEquals(List.of(1L), events.submitted);
    Map<String, Long> accepted = f.recorder.accepted();
    assertEquals(1, accepted.size(), accepted.toString());
    assertEquals(1L, accepted.values().iterator().next());
    assertEquals(1L, f.engine.metrics().submissionsAccepted());
    assertEquals(List.of(), f.hostErrors);
  }

  private static long count(Map<String, Long> m, String key) {
    return m.getOrDefault(key, 0L);
  }

  @Test
  void submitUpdate_duplicatedChunk_invalidArgumentThenClientResubmits() throws Exception {
    try (FaultyFederation f = federation(new GrpcFaultProxy.ScriptedPlan()
        .then(SUBMIT, new Fault(Kind.DUPLICATE_MESSAGE, 3, 0)))) {
      submitsOnce(f);
      assertEquals(1, f.grpcProxy.injected(Kind.DUPLICATE_MESSAGE));
      assertEquals(1, count(f.recorder.statuses(), "SubmitUpdate INVALID_ARGUMENT"));
      assertEquals(1, count(f.recorder.statuses(), "SubmitUpdate OK"));
      assertEquals(Map.of("INVALID_ARGUMENT", 1L), f.taskFailures());
    }
  }

  @Test
  void submitUpdate_duplicatedHeader_invalidArgumentThenClientResubmits() throws Exception {
    try (FaultyFederation f = federation(new GrpcFaultProxy.ScriptedPlan()
        .then(SUBMIT, new Fault(Kind.DUPLICATE_MESSAGE, 0, 0)))) {
      submitsOnce(f);
      assertEquals(1, count(f.recorder.statuses(), "SubmitUpdate INVALID_ARGUMENT"));
      assertEquals(Map.of("INVALID_ARGUMENT", 1L), f.taskFailures());
    }
  }

  @Test
  void submitUpdate_reorderedChunks_invalidArgumentThenClientResubmits() throws Exception {
    try (FaultyFederation f = federation(new GrpcFaultProxy.ScriptedPlan()
        .then(SUBMIT, new Fault(Kind.REORDER_MESSAGES, 4, 0))
        .then(SUBMIT, new Fault(Kind.REORDER_MESSAGES, 0, 0)))) {
      submitsOnce(f);
      assertEquals(2, f.grpcProxy.injected(Kind.REORDER_MESSAGES));
      assertEquals(2, count(f.recorder.statuses(), "SubmitUpdate INVALID_ARGUMENT"));
      assertEquals(Map.of("INVALID_ARGUMENT", 2L), f.taskFailures());
    }
  }

  @Test
  void submitUpdate_droppedMidStream_clientRetriesTheSameUpload() throws Exception {
    try (FaultyFederation f = federation(new GrpcFaultProxy.ScriptedPlan()
        .then(SUBMIT, new Fault(Kind.DROP_STREAM, 5, 0)))) {
      submitsOnce(f);
      assertEquals(1, f.grpcProxy.injected(Kind.DROP_STREAM));
      assertEquals(1, count(f.recorder.statuses(), "SubmitUpdate cancelled"));
      assertTrue(count(f.retries(), "unavailable") >= 1, f.retries().toString());
      assertEquals(Map.of(), f.taskFailures());
    }
  }

  @Test
  void submitUpdate_responseLost_retryIsRefusedAsDuplicateAndCountedOnce() throws Exception {
    try (FaultyFederation f = federation(new GrpcFaultProxy.ScriptedPlan()
        .then(SUBMIT, new Fault(Kind.DROP_STREAM, 10, 0)))) {
      submitsOnce(f);
      // the coordinator accepted the upload (10 messages in, the response lost on the way back)
      assertEquals(1, f.grpcProxy.injected(Kind.DROP_STREAM));
      assertEquals(1, count(f.recorder.statuses(), "SubmitUpdate OK"));
      assertEquals(1, count(f.recorder.statuses(), "SubmitUpdate FAILED_PRECONDITION"));
      assertEquals(Map.of(), f.taskFailures());
    }
  }

  @Test
  void submitUpdate_responseDelayedPastDeadline_retryIsRefusedAsDuplicateAndCountedOnce()
      throws Exception {
    try (FaultyFederation f = federation(new GrpcFaultProxy.ScriptedPlan()
        .then(SUBMIT, new Fault(Kind.DELAY_RESPONSE, 0, RPC_TIMEOUT.toMillis() + 1_000)))) {
      submitsOnce(f);
      assertEquals(1, count(f.recorder.statuses(), "SubmitUpdate OK"));
      assertEquals(1, count(f.recorder.statuses(), "SubmitUpdate FAILED_PRECONDITION"));
      assertTrue(count(f.retries(), "deadline_exceeded") >= 1, f.retries().toString());
      assertEquals(Map.of(), f.taskFailures());
    }
  }

  @Test
  void submitUpdate_replayedAfterAcceptance_refusedAsDuplicate() throws Exception {
    try (FaultyFederation f = federation(new GrpcFaultProxy.ScriptedPlan()
        .then(SUBMIT, new Fault(Kind.REPLAY, 0, 0)))) {
      submitsOnce(f);
      assertTrue(f.startAndAwait(() -> !f.grpcProxy.replayOutcomes().isEmpty(), WAIT));
      assertEquals(Map.of("SubmitUpdate OK -> FAILED_PRECONDITION", 1L),
          f.grpcProxy.replayOutcomes());
      assertEquals(1L, f.engine.metrics().submissionsAccepted());
    }
  }

  @Test
  void tcp_resetMidDownloadThenBlackHoleMidUpload_clientReconnectsAndSubmitsOnce()
      throws Exception {
    // check-in and the 36 KB model download fit in the first 40 KB of a connection; the black
    // hole outlasts the client's 2 s deadline, then the connection is reset
    IntFunction<TcpFaultProxy.Fault> tcp = connection -> switch (connection) {
      case 0 -> TcpFaultProxy.Fault.reset(20_000);
      case 1 -> TcpFaultProxy.Fault.blackHole(60_000, 2_500);
      default -> TcpFaultProxy.Fault.NONE;
    };
    try (FaultyFederation f = federation(tcp, new GrpcFaultProxy.ScriptedPlan())) {
      submitsOnce(f);
      assertEquals(1, f.tcpProxy.injected(TcpFaultProxy.Kind.RESET));
      assertEquals(1, f.tcpProxy.injected(TcpFaultProxy.Kind.BLACK_HOLE));
      assertTrue(f.tcpProxy.connections() >= 3, "connections " + f.tcpProxy.connections());
      assertTrue(count(f.retries(), "unavailable") + count(f.retries(), "deadline_exceeded") >= 2,
          f.retries().toString());
    }
  }
}
