package io.fedrec.core.secagg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedrec.core.secagg.SecAggMessages.AdvertiseKeys;
import io.fedrec.core.secagg.SecAggMessages.EncryptedShare;
import io.fedrec.core.secagg.SecAggMessages.KeyDirectory;
import io.fedrec.core.secagg.SecAggMessages.MaskedInput;
import io.fedrec.core.secagg.SecAggMessages.ShareDelivery;
import io.fedrec.core.secagg.SecAggMessages.ShareKeys;
import io.fedrec.core.secagg.SecAggMessages.UnmaskRequest;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SecAggRoundTest {
  private static final HexFormat HEX = HexFormat.of();

  static byte[] graphSeed(int b) {
    byte[] s = new byte[32];
    Arrays.fill(s, (byte) b);
    return s;
  }

  static int[][] inputs(int n, int m, int bits, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    int[][] x = new int[n][m];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < m; j++) {
        x[i][j] = bits == 32 ? random.nextInt() : random.nextInt(1 << bits);
      }
    }
    return x;
  }

  static int[] plainSum(int[][] inputs, int[] clients, int bits) {
    int mask = bits == 32 ? -1 : (1 << bits) - 1;
    int[] sum = new int[inputs[0].length];
    for (int c : clients) {
      for (int j = 0; j < sum.length; j++) {
        sum[j] = (sum[j] + inputs[c][j]) & mask;
      }
    }
    return sum;
  }

  static SecAggPhase[] never(int n) {
    return new SecAggPhase[n];
  }

  private static int[] all(int n) {
    int[] a = new int[n];
    for (int i = 0; i < n; i++) {
      a[i] = i;
    }
    return a;
  }

  @Test
  void run_noDropoutsCompleteGraph_sumEqualsPlainSum() {
    SecAggParameters p = SecAggParameters.withDefaults(1, 5, 16, 100, graphSeed(1));
    int[][] x = inputs(5, 100, 16, 1);
    SecAggRound.Outcome out = SecAggRound.runForTesting(p, x, never(5), 10);
    assertTrue(out.result().completed(), out.result().abortReason());
    assertArrayEquals(all(5), out.result().survivors());
    assertArrayEquals(plainSum(x, all(5), 16), out.result().sum());
  }

  @Test
  void run_noDropouts32BitsSparseGraph_sumEqualsPlainSum() {
    SecAggParameters p = new SecAggParameters(2, 40, 8, 5, 32, 257, graphSeed(2));
    int[][] x = inputs(40, 257, 32, 2);
    SecAggRound.Outcome out = SecAggRound.runForTesting(p, x, never(40), 20);
    assertTrue(out.result().completed(), out.result().abortReason());
    assertArrayEquals(plainSum(x, all(40), 32), out.result().sum());
  }

  @Test
  void run_secureRandomClients_sumEqualsPlainSum() {
    SecAggParameters p = SecAggParameters.withDefaults(3, 12, 20, 64, graphSeed(3));
    int[][] x = inputs(12, 64, 20, 3);
    SecAggRound.Outcome out = SecAggRound.run(p, x, never(12));
    assertArrayEquals(plainSum(x, all(12), 20), out.result().sum());
  }

  @ParameterizedTest
  @EnumSource(
      value = SecAggPhase.class,
      names = {"ADVERTISE_KEYS", "SHARE_KEYS", "MASKED_INPUT", "UNMASK"})
  void run_twoDropoutsFromPhase_sumEqualsPlainSumOfSurvivors(SecAggPhase phase) {
    int n = 7;
    SecAggParameters p = SecAggParameters.withDefaults(4, n, 24, 50, graphSeed(4));
    int[][] x = inputs(n, 50, 24, 4);
    SecAggPhase[] drop = never(n);
    drop[1] = phase;
    drop[5] = phase;
    SecAggRound.Outcome out = SecAggRound.runForTesting(p, x, drop, 40);
    assertTrue(out.result().completed(), out.result().abortReason());
    int[] expectedSurvivors =
        phase == SecAggPhase.UNMASK ? all(n) : new int[] {0, 2, 3, 4, 6};
    assertArrayEquals(expectedSurvivors, out.result().survivors());
    assertArrayEquals(plainSum(x, expectedSurvivors, 24), out.result().sum());
  }

  @Test
  void run_sparseGraphDropoutsInEveryPhase_sumEqualsPlainSumOfSurvivors() {
    int n = 60;
    SecAggParameters p = new SecAggParameters(5, n, 16, 9, 18, 33, graphSeed(5));
    int[][] x = inputs(n, 33, 18, 5);
    SecAggPhase[] drop = never(n);
    SecAggPhase[] phases = {
      SecAggPhase.ADVERTISE_KEYS, SecAggPhase.SHARE_KEYS, SecAggPhase.MASKED_INPUT,
      SecAggPhase.UNMASK
    };
    for (int i = 0; i < n; i += 10) { // 6 dropouts: 10%
      drop[i] = phases[(i / 10) % 4];
    }
    SecAggRound.Outcome out = SecAggRound.runForTesting(p, x, drop, 50);
    assertTrue(out.result().completed(), out.result().abortReason());
    int[] survivors = out.result().survivors();
    // Clients 0, 40 drop from ADVERTISE_KEYS, 10, 50 from SHARE_KEYS, 20 from MASKED_INPUT and
    // 30 from UNMASK.
    assertEquals(n - 5, survivors.length);
    assertArrayEquals(plainSum(x, survivors, 18), out.result().sum());
    assertEquals(n - 2, out.result().advertised());
    assertEquals(n - 4, out.result().sharedKeys());
    assertEquals(n - 5, out.result().maskedInputs());
    assertEquals(n - 6, out.result().unmaskResponses());
  }

  @Test
  void run_survivorsBelowThreshold_abortsWithoutSum() {
    SecAggParameters p = SecAggParameters.withDefaults(6, 5, 16, 10, graphSeed(6)); // t = 3
    SecAggPhase[] drop = never(5);
    drop[0] = drop[1] = drop[2] = SecAggPhase.MASKED_INPUT;
    SecAggRound.Outcome out = SecAggRound.runForTesting(p, inputs(5, 10, 16, 6), drop, 60);
    assertFalse(out.result().completed());
    assertEquals(0, out.result().sum().length);
    assertEquals("2 clients sent masked inputs, below threshold 3", out.result().abortReason());
  }

  @Test
  void run_unmaskAnswersBelowThreshold_refusesToUnmask() {
    SecAggParameters p = SecAggParameters.withDefaults(7, 5, 16, 10, graphSeed(7));
    SecAggPhase[] drop = never(5);
    drop[2] = drop[3] = drop[4] = SecAggPhase.UNMASK;
    SecAggRound.Outcome out = SecAggRound.runForTesting(p, inputs(5, 10, 16, 7), drop, 70);
    assertFalse(out.result().completed());
    assertEquals(
        "2 clients answered the unmask request, below threshold 3", out.result().abortReason());
  }

  @Test
  void run_oneNeighbourhoodWithoutEnoughHolders_aborts() {
    // n = 30, k = 4, t = 3: a client whose 4 neighbours... both drop at UNMASK keeps itself and
    // 2 neighbours: 3 holders, enough; dropping 3 of them leaves 2 < t.
    SecAggParameters p = new SecAggParameters(8, 30, 4, 3, 16, 5, graphSeed(8));
    int[] nb = p.graph().neighboursOf(0);
    SecAggPhase[] drop = never(30);
    drop[nb[0]] = drop[nb[1]] = drop[nb[2]] = SecAggPhase.UNMASK;
    SecAggRound.Outcome out = SecAggRound.runForTesting(p, inputs(30, 5, 16, 8), drop, 80);
    assertFalse(out.result().completed());
    assertTrue(
        out.result().abortReason().startsWith("cannot reconstruct the self-mask seed of client"),
        out.result().abortReason());
  }

  @Test
  void run_fiveClientsOneDropout_matchesGoldenVector() {
    // docs/secagg.md, "Golden round". Client 2 vanishes after sharing keys, so the server must
    // reconstruct its mask-agreement key and remove its pairwise masks from 4 survivors.
    SecAggParameters p = SecAggParameters.withDefaults(1, 5, 16, 8, graphSeed(5));
    int[][] x = goldenInputs();
    SecAggPhase[] drop = never(5);
    drop[2] = SecAggPhase.MASKED_INPUT;
    SecAggRound.Outcome out = SecAggRound.runForTesting(p, x, drop, 100);
    assertTrue(out.result().completed(), out.result().abortReason());
    assertArrayEquals(new int[] {0, 1, 3, 4}, out.result().survivors());
    assertArrayEquals(plainSum(x, new int[] {0, 1, 3, 4}, 16), out.result().sum());
    assertArrayEquals(GOLDEN_SUM, out.result().sum());
    assertEquals(GOLDEN_TRANSCRIPT, HEX.formatHex(out.transcriptSha256()));
  }

  /** x[i][j] = (1000 i + 7 j) mod 2^16. */
  static int[][] goldenInputs() {
    int[][] x = new int[5][8];
    for (int i = 0; i < 5; i++) {
      for (int j = 0; j < 8; j++) {
        x[i][j] = (1000 * i + 7 * j) & 0xFFFF;
      }
    }
    return x;
  }

  static final int[] GOLDEN_SUM = {8000, 8028, 8056, 8084, 8112, 8140, 8168, 8196};
  static final String GOLDEN_TRANSCRIPT =
      "16fd6284a65756d27b0a753111426cad7b6eaad59d5863ea3c000c5f00f86230";

  // ---- state machine ----

  /** Drives all clients of a 5-client round up to the unmask requests. */
  private static final class Driven {
    final SecAggParameters p = SecAggParameters.withDefaults(9, 5, 16, 4, graphSeed(9));
    final SecAggServer server = SecAggServer.create(p);
    final SecAggClient[] clients = new SecAggClient[5];
    List<KeyDirectory> directories;
    List<ShareDelivery> deliveries;
    List<UnmaskRequest> requests;

    Driven(Set<Integer> dropBeforeMasking) {
      for (int i = 0; i < 5; i++) {
        clients[i] = SecAggClient.forTesting(p, i, 900 + i);
        server.receive(clients[i].advertiseKeys());
      }
      directories = server.closeAdvertiseKeys();
      for (KeyDirectory d : directories) {
        server.receive(clients[d.recipient()].shareKeys(d));
      }
      deliveries = server.closeShareKeys();
      for (ShareDelivery d : deliveries) {
        if (!dropBeforeMasking.contains(d.recipient())) {
          server.receive(clients[d.recipient()].maskedInput(d, new int[4]));
        }
      }
      requests = server.closeMaskedInput();
    }
  }

  @Test
  void server_neverAsksForBothSharesOfOneClient() {
    Driven run = new Driven(Set.of(1, 3));
    Set<Integer> askedSelfMask = new HashSet<>();
    Set<Integer> askedKey = new HashSet<>();
    for (UnmaskRequest r : run.requests) {
      for (int s : r.survivors()) {
        askedSelfMask.add(s);
      }
      for (int d : r.dropped()) {
        askedKey.add(d);
      }
    }
    assertEquals(Set.of(0, 2, 4), askedSelfMask);
    assertEquals(Set.of(1, 3), askedKey);
  }

  @Test
  void client_outOfOrderCall_throwsNamingExpectedAndReceivedPhase() {
    SecAggParameters p = SecAggParameters.withDefaults(9, 5, 16, 4, graphSeed(9));
    SecAggClient client = SecAggClient.forTesting(p, 0, 1);
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> client.shareKeys(new KeyDirectory(0, new int[0], new byte[0][], new byte[0][])));
    assertEquals(
        "client 0 expected phase ADVERTISE_KEYS but received a message of phase SHARE_KEYS",
        e.getMessage());
  }

  @Test
  void client_secondAdvertise_throwsNamingPhases() {
    SecAggParameters p = SecAggParameters.withDefaults(9, 5, 16, 4, graphSeed(9));
    SecAggClient client = SecAggClient.forTesting(p, 0, 1);
    client.advertiseKeys();
    IllegalStateException e = assertThrows(IllegalStateException.class, client::advertiseKeys);
    assertEquals(
        "client 0 expected phase SHARE_KEYS but received a message of phase ADVERTISE_KEYS",
        e.getMessage());
  }

  @Test
  void server_messageOfLaterPhase_throwsNamingExpectedAndReceivedPhase() {
    SecAggParameters p = SecAggParameters.withDefaults(9, 5, 16, 4, graphSeed(9));
    SecAggServer server = SecAggServer.create(p);
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> server.receive(new MaskedInput(0, new int[4])));
    assertEquals(
        "server expected phase ADVERTISE_KEYS but received a message of phase MASKED_INPUT",
        e.getMessage());
  }

  @Test
  void server_duplicateAdvertise_throwsNamingPhase() {
    SecAggParameters p = SecAggParameters.withDefaults(9, 5, 16, 4, graphSeed(9));
    SecAggServer server = SecAggServer.create(p);
    AdvertiseKeys m = SecAggClient.forTesting(p, 2, 1).advertiseKeys();
    server.receive(m);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> server.receive(m));
    assertEquals(
        "server expected one message of phase ADVERTISE_KEYS from client 2 but received a"
            + " duplicate",
        e.getMessage());
  }

  @Test
  void server_lateMaskedInputAfterUnmaskStarted_isRejected() {
    Driven run = new Driven(Set.of(1));
    ShareDelivery forOne = run.deliveries.get(1);
    MaskedInput late = run.clients[1].maskedInput(forOne, new int[4]);
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> run.server.receive(late));
    assertEquals(
        "server expected phase UNMASK but received a message of phase MASKED_INPUT",
        e.getMessage());
  }

  @Test
  void server_closeOfWrongPhase_throws() {
    SecAggParameters p = SecAggParameters.withDefaults(9, 5, 16, 4, graphSeed(9));
    SecAggServer server = SecAggServer.create(p);
    IllegalStateException e = assertThrows(IllegalStateException.class, server::closeShareKeys);
    assertEquals(
        "server close expected phase ADVERTISE_KEYS but received a message of phase SHARE_KEYS",
        e.getMessage());
  }

  @Test
  void server_messageFromClientThatSkippedAPhase_isRejected() {
    SecAggParameters p = SecAggParameters.withDefaults(9, 5, 16, 4, graphSeed(9));
    SecAggServer server = SecAggServer.create(p);
    SecAggClient[] clients = new SecAggClient[5];
    for (int i = 0; i < 4; i++) { // client 4 never advertises
      clients[i] = SecAggClient.forTesting(p, i, i);
      server.receive(clients[i].advertiseKeys());
    }
    server.closeAdvertiseKeys();
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> server.receive(new ShareKeys(4, new EncryptedShare[0])));
    assertEquals(
        "client 4 did not complete phase ADVERTISE_KEYS and cannot take part in phase SHARE_KEYS",
        e.getMessage());
  }

  @Test
  void client_unmaskRequestBelowThreshold_refuses() {
    Driven run = new Driven(Set.of());
    UnmaskRequest r = run.requests.get(0);
    UnmaskRequest forged = new UnmaskRequest(r.recipient(), 2, r.survivors(), r.dropped());
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> run.clients[0].unmask(forged));
    assertEquals("refusing to unmask: 2 survivors is below threshold 3", e.getMessage());
  }

  @Test
  void client_unmaskRequestForBothSharesOfOnePeer_refuses() {
    Driven run = new Driven(Set.of());
    UnmaskRequest r = run.requests.get(0);
    UnmaskRequest forged = new UnmaskRequest(0, r.cohortSurvivors(), r.survivors(), new int[] {3});
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> run.clients[0].unmask(forged));
    assertTrue(e.getMessage().contains("client 3 listed twice"), e.getMessage());
  }

  @Test
  void client_tamperedShareDelivery_isRejected() {
    SecAggParameters p = SecAggParameters.withDefaults(9, 5, 16, 4, graphSeed(9));
    SecAggServer server = SecAggServer.create(p);
    SecAggClient[] clients = new SecAggClient[5];
    for (int i = 0; i < 5; i++) {
      clients[i] = SecAggClient.forTesting(p, i, i);
      server.receive(clients[i].advertiseKeys());
    }
    for (KeyDirectory d : server.closeAdvertiseKeys()) {
      server.receive(clients[d.recipient()].shareKeys(d));
    }
    ShareDelivery d = server.closeShareKeys().get(0);
    EncryptedShare[] shares = d.shares();
    byte[] ct = shares[0].ciphertext();
    ct[30] ^= 1;
    shares[0] = new EncryptedShare(shares[0].sender(), 0, ct);
    ShareDelivery tampered = new ShareDelivery(0, shares);
    assertThrows(
        IllegalArgumentException.class, () -> clients[0].maskedInput(tampered, new int[4]));
  }

  @Test
  void run_bytesPerClient_areReportedForEachDirection() {
    SecAggParameters p = SecAggParameters.withDefaults(1, 5, 16, 8, graphSeed(5));
    SecAggRound.Outcome out = SecAggRound.runForTesting(p, goldenInputs(), never(5), 100);
    // AdvertiseKeys 1 + 4 + 64 = 69; ShareKeys 9 + 4 * (4 + 4 + 132) = 569; MaskedInput
    // 9 + 8 * 4 = 41; UnmaskResponse 9 + 5 * (4 + 4 + 48) + 4 = 293.
    assertEquals(69 + 569 + 41 + 293, out.bytesUp()[0]);
    assertTrue(out.bytesDown()[0] > 0);
  }
}
