package io.fedrec.simulator.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedrec.coordinator.round.RoundRecord;
import io.fedrec.core.model.GlobalModel;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Network-fault campaign (issue 8, docs/reliability.md "Network faults"): a real coordinator and
 * eight SDK clients over loopback TCP, with {@link TcpFaultProxy} (latency, throttling, resets at
 * random byte offsets, black holes) and {@link GrpcFaultProxy} (duplicated and reordered upload
 * chunks, dropped streams, delayed responses, replayed calls) in between, faults drawn from a
 * seeded schedule; once with plain rounds, once with secure aggregation. Every round must be
 * published (a round may be abandoned and re-run, never half-published), the ledger records
 * consistent and chained, no assignment counted twice, every client's own "submitted" backed by
 * an accepted submission, the coordinator never answering INTERNAL or UNKNOWN, and the host
 * thread never seeing an exception from the SDK.
 *
 * <p>Rounds per federation: system property {@code fedrec.faults.rounds} (default {@value
 * #CI_ROUNDS}); seed: {@code fedrec.faults.seed} (default {@value #DEFAULT_SEED}). Each federation
 * prints one summary line.
 */
class NetworkFaultCampaignTest {
  static final int CI_ROUNDS = 3;
  static final long DEFAULT_SEED = 8_2026L;
  private static final int CLIENTS = 8;

  private final long rounds = Long.getLong("fedrec.faults.rounds", CI_ROUNDS);
  private final long seed = Long.getLong("fedrec.faults.seed", DEFAULT_SEED);

  /**
   * Per connection: 20% delayed (1-10 ms per chunk), 10% throttled (256 KB/s to 1.25 MB/s); every
   * connection cut after an exponentially distributed number of bytes of mean 400 KB (a client
   * moves about 80 KB per round), a black hole (1 s of silence, then a reset) in 20% of the cuts
   * and a reset in the rest.
   */
  static final TcpFaultProxy.Rates TCP =
      new TcpFaultProxy.Rates(0.20, 0.10, 10, 256 * 1024, 400_000, 0.20, 1_000);

  /**
   * Per call: 4% each duplicate, reorder, drop, delay (up to 1 s, beyond the clients' 750 ms
   * deadline in a quarter of the cases) and replay; message indices below 11 (an upload is 10
   * messages).
   */
  static final GrpcFaultProxy.Rates MESSAGES =
      new GrpcFaultProxy.Rates(0.04, 0.04, 0.04, 0.04, 0.04, 11, 1_000);

  @Test
  void plainRounds_underNetworkFaults_allPublishedNoneCountedTwice() throws Exception {
    campaign(false, seed);
  }

  @Test
  void secAggRounds_underNetworkFaults_allPublishedNoneCountedTwice() throws Exception {
    campaign(true, seed + 1);
  }

  private void campaign(boolean secagg, long seed) throws Exception {
    FaultyFederation.Settings settings = new FaultyFederation.Settings(CLIENTS, CLIENTS,
        CLIENTS / 2, rounds, secagg, Duration.ofMillis(500), Duration.ofMillis(4_500),
        Duration.ofMillis(750), TCP.seeded(seed), MESSAGES.seeded(seed), seed);
    long start = System.nanoTime();
    try (FaultyFederation f = new FaultyFederation(settings)) {
      boolean finished = f.awaitFinished(Duration.ofSeconds(30 + 15 * rounds));
      long millis = (System.nanoTime() - start) / 1_000_000;
      System.out.printf("network faults: secagg=%s seed=%d rounds=%d abandoned=%d %s wall=%d ms"
              + " tcp=%s (connections %d) messages=%s replays=%s retries=%s taskFailures=%s"
              + " accepted=%d acceptedButReportedFailed=%d recommendations=%d coordinator=%s%n",
          secagg, seed, f.published.size(), f.engine.metrics().roundsAbandoned(),
          f.abandonedByReason(), millis,
          f.tcpFaults(), f.tcpProxy.connections(), f.messageFaults(),
          f.grpcProxy.replayOutcomes(), f.retries(), f.taskFailures(),
          f.engine.metrics().submissionsAccepted(), f.acceptedButReportedFailed(),
          f.recommendations, f.recorder.statuses());
      assertTrue(finished, "every client hears that the federation finished; published "
          + f.published.size() + " of " + rounds + ", abandoned " + f.abandonReasons);
      checkInvariants(f, secagg);
    }
  }

  /** What must hold after any faulty federation; shared with the scripted tests. */
  static void checkInvariants(FaultyFederation f, boolean secagg) {
    // every round published once, in order, chained, finite, consistent
    List<RoundRecord> records = f.published;
    assertEquals(f.settings.rounds(), records.size(), "published rounds");
    String before = null;
    for (int i = 0; i < records.size(); i++) {
      RoundRecord r = records.get(i);
      GlobalModel model = f.models.get(i);
      assertEquals(i + 1, r.round(), "rounds are published in order");
      assertEquals(r.round(), model.version(), "model version of round " + r.round());
      assertTrue(r.submitted() <= r.selected(), r.toString());
      assertEquals(r.selected(), r.submitted() + r.dropouts(), r.toString());
      assertTrue(r.submitted() >= f.settings.minClients(), r.toString());
      int vectorLength = FaultyFederation.NUM_ITEMS * (FaultyFederation.RANK + 1) + 1
          + (secagg ? 1 : 0);
      assertEquals(4L * vectorLength * r.submitted(), r.bytesUp(), r.toString());
      assertTrue(r.totalWeight() >= r.submitted(), r.toString());
      if (before != null) {
        assertEquals(before, r.modelBeforeSha256Hex(), "ledger chain at round " + r.round());
      }
      before = r.modelSha256Hex();
      for (float v : model.parameters()) {
        assertTrue(Float.isFinite(v), "model of round " + r.round() + " is finite");
      }
      // a round that was never abandoned accepted exactly the submissions its record counts
      if (!f.abandoned.containsKey(r.round())) {
        assertEquals(r.submitted(), f.recorder.acceptedInRound(r.round()),
            "accepted submissions of round " + r.round());
      }
    }
    // no assignment counted twice, and the recorder agrees with the engine's count
    long total = 0;
    for (Map.Entry<String, Long> e : f.recorder.accepted().entrySet()) {
      assertEquals(1L, e.getValue(), "accepted submissions of " + e.getKey());
      total += e.getValue();
    }
    assertEquals(f.engine.metrics().submissionsAccepted(), total, "accepted submissions");
    // a client that believes it submitted was counted, and believes it at most once per attempt
    for (int c = 0; c < f.clients.size(); c++) {
      String id = FaultyFederation.clientId(c);
      List<Long> rounds = f.events.get(c).submitted;
      for (long round : rounds) {
        assertTrue(f.recorder.acceptedAny(id, round), id + " reported round " + round
            + " submitted without an accepted submission");
        long times = rounds.stream().filter(x -> x == round).count();
        long attempts = 1 + (f.abandoned.containsKey(round) ? f.abandoned.get(round).get() : 0);
        assertTrue(times <= attempts, id + " reported round " + round + " " + times + " times");
      }
    }
    // the coordinator answers every fault with a proper status
    for (String key : f.recorder.statuses().keySet()) {
      assertTrue(!key.endsWith(" INTERNAL") && !key.endsWith(" UNKNOWN"), key);
    }
    assertEquals(List.of(), f.hostErrors, "exceptions thrown into the host thread");
  }
}
