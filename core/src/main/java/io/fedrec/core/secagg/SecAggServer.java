package io.fedrec.core.secagg;

import io.fedrec.core.secagg.SecAggMessages.AdvertiseKeys;
import io.fedrec.core.secagg.SecAggMessages.EncryptedShare;
import io.fedrec.core.secagg.SecAggMessages.KeyDirectory;
import io.fedrec.core.secagg.SecAggMessages.MaskedInput;
import io.fedrec.core.secagg.SecAggMessages.RevealedShare;
import io.fedrec.core.secagg.SecAggMessages.ShareDelivery;
import io.fedrec.core.secagg.SecAggMessages.ShareKeys;
import io.fedrec.core.secagg.SecAggMessages.UnmaskRequest;
import io.fedrec.core.secagg.SecAggMessages.UnmaskResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The server side of one SecAgg+ round (Bonawitz et al., CCS 2017, Figure 4, server steps;
 * neighbour restriction of Bell et al., CCS 2020, section 3). Pure logic, no I/O: the transport
 * feeds it client messages with {@code receive}, and a {@code close...} call ends each phase (on
 * a deadline, or when every expected client has answered) and returns the messages to send.
 *
 * <p>Survivor sets: {@code U1} advertised keys, {@code U2 ⊆ U1} shared keys, {@code U3 ⊆ U2}
 * sent masked inputs, {@code U4 ⊆ U3} answered the unmask request. Fails closed: the round is
 * abandoned (a {@link SecAggResult} with {@code completed = false}, no sum, no further requests)
 * when a phase ends with fewer than {@code t} survivors, or when some secret that must be removed
 * has fewer than {@code t} revealed shares or its shares are inconsistent. For each client the
 * server asks for the self-mask share (if in {@code U3}) or the key share (if in {@code U2 \ U3}),
 * never both.
 *
 * <p>Phase order enforced: a message or close of another phase, or a second message of a client in
 * one phase, throws {@link IllegalStateException} naming the expected and the received phase;
 * malformed messages throw {@link IllegalArgumentException}. Neither changes the state.
 *
 * <p>Not thread-safe: a transport must serialise calls.
 */
public final class SecAggServer {
  private final SecAggParameters parameters;
  private final NeighbourGraph graph;
  private final int n;
  private final int threshold;
  private final KeyAgreement keyAgreement = KeyAgreement.x25519();
  private final Kdf kdf = Kdf.hkdfSha256();

  private SecAggPhase phase = SecAggPhase.ADVERTISE_KEYS;
  private final AdvertiseKeys[] advertised;
  private final ShareKeys[] shareKeys;
  private final boolean[] maskedReceived;
  private final UnmaskRequest[] requests;
  private final UnmaskResponse[] responses;
  private boolean[] u1;
  private boolean[] u2;
  private boolean[] u3;
  private int[] sum;
  private SecAggResult result;
  private final int[] counts = new int[4];

  private SecAggServer(SecAggParameters parameters, NeighbourGraph graph) {
    this.parameters = parameters;
    this.graph = graph;
    this.n = parameters.cohortSize();
    this.threshold = parameters.threshold();
    this.advertised = new AdvertiseKeys[n];
    this.shareKeys = new ShareKeys[n];
    this.maskedReceived = new boolean[n];
    this.requests = new UnmaskRequest[n];
    this.responses = new UnmaskResponse[n];
  }

  public static SecAggServer create(SecAggParameters parameters) {
    return new SecAggServer(parameters, parameters.graph());
  }

  /** A server reusing {@code graph}, which must be {@code parameters.graph()}. */
  public static SecAggServer create(SecAggParameters parameters, NeighbourGraph graph) {
    if (graph.cohortSize() != parameters.cohortSize()
        || graph.neighbours() != parameters.neighbours()) {
      throw new IllegalArgumentException("graph must be the parameters' graph (n = "
          + parameters.cohortSize() + ", k = " + parameters.neighbours() + ")");
    }
    return new SecAggServer(parameters, graph);
  }

  /** The phase whose client messages the server currently accepts. */
  public SecAggPhase phase() {
    return phase;
  }

  /** The result once the phase is {@link SecAggPhase#DONE}. */
  public SecAggResult result() {
    if (result == null) {
      throw new IllegalStateException("expected phase DONE but the server is in phase " + phase);
    }
    return result;
  }

  // ---- round 0 ----

  public void receive(AdvertiseKeys message) {
    SecAggPhase.require(phase, SecAggPhase.ADVERTISE_KEYS, "server");
    int u = checkIndex(message.client());
    checkFirst(advertised[u] != null, u);
    advertised[u] = message;
  }

  /**
   * Ends round 0. Clients that would keep fewer than {@code t - 1} live neighbours are removed
   * (repeatedly, since removing one lowers its neighbours' counts): their shares could never be
   * reconstructed.
   *
   * @return one directory per remaining client, ascending; empty if the round was abandoned
   */
  public List<KeyDirectory> closeAdvertiseKeys() {
    SecAggPhase.require(phase, SecAggPhase.ADVERTISE_KEYS, "server close");
    u1 = new boolean[n];
    for (int u = 0; u < n; u++) {
      u1[u] = advertised[u] != null;
    }
    boolean changed = true;
    while (changed) {
      changed = false;
      for (int u = 0; u < n; u++) {
        if (u1[u] && liveNeighbours(u, u1) + 1 < threshold) {
          u1[u] = false;
          changed = true;
        }
      }
    }
    counts[0] = count(u1);
    List<KeyDirectory> out = new ArrayList<>();
    if (abortIfBelowThreshold(counts[0], "advertised keys")) {
      return out;
    }
    for (int u = 0; u < n; u++) {
      if (!u1[u]) {
        continue;
      }
      int[] peers = live(graph.neighboursOf(u), u1);
      byte[][] maskKeys = new byte[peers.length][];
      byte[][] encKeys = new byte[peers.length][];
      for (int i = 0; i < peers.length; i++) {
        maskKeys[i] = advertised[peers[i]].maskPublicKey();
        encKeys[i] = advertised[peers[i]].encryptionPublicKey();
      }
      out.add(new KeyDirectory(u, peers, maskKeys, encKeys));
    }
    phase = SecAggPhase.SHARE_KEYS;
    return out;
  }

  // ---- round 1 ----

  /**
   * Accepts one client's encrypted shares: exactly one per neighbour in its directory.
   *
   * @throws IllegalArgumentException if the shares do not match the directory
   */
  public void receive(ShareKeys message) {
    SecAggPhase.require(phase, SecAggPhase.SHARE_KEYS, "server");
    int u = checkMember(message.sender(), u1, SecAggPhase.ADVERTISE_KEYS);
    checkFirst(shareKeys[u] != null, u);
    int[] peers = live(graph.neighboursOf(u), u1);
    EncryptedShare[] shares = message.shares();
    if (shares.length != peers.length) {
      throw new IllegalArgumentException(
          "client " + u + " must send " + peers.length + " shares. Provided: " + shares.length);
    }
    for (int i = 0; i < shares.length; i++) {
      if (shares[i].sender() != u || shares[i].recipient() != peers[i]) {
        throw new IllegalArgumentException(
            "share " + i + " of client " + u + " must go from " + u + " to " + peers[i]
                + ". Provided: " + shares[i].sender() + " -> " + shares[i].recipient());
      }
    }
    shareKeys[u] = message;
  }

  /** Ends round 1 and routes the shares among the clients that completed it. */
  public List<ShareDelivery> closeShareKeys() {
    SecAggPhase.require(phase, SecAggPhase.SHARE_KEYS, "server close");
    u2 = new boolean[n];
    for (int u = 0; u < n; u++) {
      u2[u] = shareKeys[u] != null;
    }
    counts[1] = count(u2);
    List<ShareDelivery> out = new ArrayList<>();
    if (abortIfBelowThreshold(counts[1], "shared keys")) {
      return out;
    }
    List<List<EncryptedShare>> inbox = new ArrayList<>(n);
    for (int v = 0; v < n; v++) {
      inbox.add(new ArrayList<>());
    }
    for (int u = 0; u < n; u++) { // ascending sender, so every inbox is sorted by sender
      if (u2[u]) {
        for (EncryptedShare s : shareKeys[u].shares()) {
          if (u2[s.recipient()]) {
            inbox.get(s.recipient()).add(s);
          }
        }
      }
    }
    for (int v = 0; v < n; v++) {
      if (u2[v]) {
        out.add(new ShareDelivery(v, inbox.get(v).toArray(new EncryptedShare[0])));
      }
    }
    sum = new int[parameters.vectorLength()];
    phase = SecAggPhase.MASKED_INPUT;
    return out;
  }

  // ---- round 2 ----

  /** Accepts and accumulates one masked input. */
  public void receive(MaskedInput message) {
    SecAggPhase.require(phase, SecAggPhase.MASKED_INPUT, "server");
    int u = checkMember(message.client(), u2, SecAggPhase.SHARE_KEYS);
    checkFirst(maskedReceived[u], u);
    int m = parameters.vectorLength();
    if (message.length() != m) {
      throw new IllegalArgumentException(
          "masked input of client " + u + " must have length " + m + ". Provided: "
              + message.length());
    }
    int mask = mask();
    for (int i = 0; i < m; i++) {
      int v = message.at(i);
      if ((v & mask) != v) {
        throw new IllegalArgumentException(
            "masked input of client " + u + " has value " + v + " outside [0, 2^"
                + parameters.bits() + ")");
      }
    }
    for (int i = 0; i < m; i++) {
      sum[i] = (sum[i] + message.at(i)) & mask;
    }
    maskedReceived[u] = true;
  }

  /**
   * Ends round 2.
   *
   * @return one unmask request per survivor, ascending; empty if the round was abandoned
   */
  public List<UnmaskRequest> closeMaskedInput() {
    SecAggPhase.require(phase, SecAggPhase.MASKED_INPUT, "server close");
    u3 = maskedReceived.clone();
    counts[2] = count(u3);
    List<UnmaskRequest> out = new ArrayList<>();
    if (abortIfBelowThreshold(counts[2], "sent masked inputs")) {
      return out;
    }
    for (int u = 0; u < n; u++) {
      if (!u3[u]) {
        continue;
      }
      int[] nb = graph.neighboursOf(u);
      int[] survivors = new int[nb.length + 1];
      int[] dropped = new int[nb.length];
      int s = 0;
      int d = 0;
      boolean selfPlaced = false;
      for (int v : nb) {
        if (!selfPlaced && u < v) {
          survivors[s++] = u;
          selfPlaced = true;
        }
        if (u3[v]) {
          survivors[s++] = v;
        } else if (u2[v]) {
          dropped[d++] = v;
        }
      }
      if (!selfPlaced) {
        survivors[s++] = u;
      }
      requests[u] =
          new UnmaskRequest(
              u, counts[2], Arrays.copyOf(survivors, s), Arrays.copyOf(dropped, d));
      out.add(requests[u]);
    }
    phase = SecAggPhase.UNMASK;
    return out;
  }

  // ---- round 4 ----

  /**
   * Accepts one survivor's revealed shares, which must answer its request exactly.
   *
   * @throws IllegalArgumentException if the shares do not match the request
   */
  public void receive(UnmaskResponse message) {
    SecAggPhase.require(phase, SecAggPhase.UNMASK, "server");
    int u = checkMember(message.client(), u3, SecAggPhase.MASKED_INPUT);
    checkFirst(responses[u] != null, u);
    checkAnswers(u, "self-mask", requests[u].survivors(), message.selfMaskShares());
    checkAnswers(u, "key", requests[u].dropped(), message.keyShares());
    responses[u] = message;
  }

  /**
   * Ends round 4: reconstructs the self-mask seeds of the survivors and the mask-agreement keys of
   * the dropped clients, removes all masks and returns the sum — or abandons the round.
   */
  public SecAggResult closeUnmask() {
    SecAggPhase.require(phase, SecAggPhase.UNMASK, "server close");
    counts[3] = 0;
    for (UnmaskResponse r : responses) {
      counts[3] += r == null ? 0 : 1;
    }
    if (abortIfBelowThreshold(counts[3], "answered the unmask request")) {
      return result;
    }
    List<List<ShamirShare>> selfShares = new ArrayList<>(n);
    List<List<ShamirShare>> keyShares = new ArrayList<>(n);
    for (int v = 0; v < n; v++) {
      selfShares.add(new ArrayList<>());
      keyShares.add(new ArrayList<>());
    }
    for (UnmaskResponse r : responses) {
      if (r != null) {
        for (RevealedShare s : r.selfMaskShares()) {
          selfShares.get(s.owner()).add(s.toShamir());
        }
        for (RevealedShare s : r.keyShares()) {
          keyShares.get(s.owner()).add(s.toShamir());
        }
      }
    }
    Shamir shamir = Shamir.mersenne127();
    MaskPrg prg = MaskPrg.aesCtr(parameters.bits());
    long round = parameters.round();
    // Check every reconstruction before removing any mask, so an abort leaks no partial sum.
    byte[][] selfSeeds = new byte[n][];
    byte[][] droppedKeys = new byte[n][];
    for (int s = 0; s < n; s++) {
      if (u3[s]) {
        selfSeeds[s] = reconstruct(shamir, selfShares.get(s), s, "self-mask seed");
        if (selfSeeds[s] == null) {
          return result;
        }
      }
    }
    for (int d = 0; d < n; d++) {
      if (u2[d] && !u3[d] && liveNeighbours(d, u3) > 0) {
        droppedKeys[d] = reconstruct(shamir, keyShares.get(d), d, "mask-agreement key");
        if (droppedKeys[d] == null) {
          return result;
        }
        if (!Arrays.equals(
            keyAgreement.publicKey(droppedKeys[d]), advertised[d].maskPublicKey())) {
          return abort("reconstructed key of client " + d + " does not match its public key");
        }
      }
    }
    for (int s = 0; s < n; s++) {
      if (selfSeeds[s] != null) {
        prg.addMask(sum, SecAggClient.selfMaskPrgSeed(kdf, round, s, selfSeeds[s]), -1);
      }
    }
    for (int d = 0; d < n; d++) {
      if (droppedKeys[d] == null) {
        continue;
      }
      for (int u : graph.neighboursOf(d)) {
        if (u3[u]) {
          byte[] seed =
              SecAggClient.pairwiseSeed(
                  kdf, keyAgreement, round, d, droppedKeys[d], u, advertised[u].maskPublicKey());
          // Survivor u added sign(u, d) * PRG(seed), +1 iff u < d; take it back.
          prg.addMask(sum, seed, u < d ? -1 : 1);
        }
      }
    }
    int[] survivors = live(range(n), u3);
    result =
        new SecAggResult(true, sum, survivors, "", counts[0], counts[1], counts[2], counts[3]);
    sum = null;
    phase = SecAggPhase.DONE;
    return result;
  }

  // ---- helpers ----

  private byte[] reconstruct(Shamir shamir, List<ShamirShare> shares, int owner, String what) {
    if (shares.size() < threshold) {
      abort(
          "cannot reconstruct the " + what + " of client " + owner + ": " + shares.size()
              + " shares revealed, threshold " + threshold);
      return null;
    }
    try {
      return shamir.reconstruct(shares.toArray(new ShamirShare[0]), threshold, 32);
    } catch (IllegalArgumentException e) {
      abort("inconsistent shares of the " + what + " of client " + owner);
      return null;
    }
  }

  private boolean abortIfBelowThreshold(int survivors, String what) {
    if (survivors < threshold) {
      abort(survivors + " clients " + what + ", below threshold " + threshold);
      return true;
    }
    return false;
  }

  private SecAggResult abort(String reason) {
    result =
        new SecAggResult(
            false, new int[0], new int[0], reason, counts[0], counts[1], counts[2], counts[3]);
    sum = null;
    phase = SecAggPhase.DONE;
    return result;
  }

  private void checkAnswers(int u, String kind, int[] owners, RevealedShare[] shares) {
    int size = 3 * Shamir.ELEMENT_BYTES;
    if (shares.length != owners.length) {
      throw new IllegalArgumentException(
          "client " + u + " must reveal " + owners.length + " " + kind + " shares. Provided: "
              + shares.length);
    }
    for (int i = 0; i < owners.length; i++) {
      RevealedShare s = shares[i];
      if (s.owner() != owners[i] || s.holder() != u || s.share().length != size) {
        throw new IllegalArgumentException(
            kind + " share " + i + " of client " + u + " must be a " + size
                + "-byte share of client " + owners[i] + " held by " + u);
      }
    }
  }

  private int checkIndex(int client) {
    if (client < 0 || client >= n) {
      throw new IllegalArgumentException(
          "client must be in [0, " + (n - 1) + "]. Provided value: " + client);
    }
    return client;
  }

  private int checkMember(int client, boolean[] previous, SecAggPhase previousPhase) {
    checkIndex(client);
    if (!previous[client]) {
      throw new IllegalStateException(
          "client " + client + " did not complete phase " + previousPhase
              + " and cannot take part in phase " + phase);
    }
    return client;
  }

  private void checkFirst(boolean seen, int client) {
    if (seen) {
      throw new IllegalStateException(
          "server expected one message of phase " + phase + " from client " + client
              + " but received a duplicate");
    }
  }

  private int liveNeighbours(int u, boolean[] alive) {
    int c = 0;
    for (int v : graph.neighboursOf(u)) {
      c += alive[v] ? 1 : 0;
    }
    return c;
  }

  private static int[] live(int[] candidates, boolean[] alive) {
    int[] out = new int[candidates.length];
    int c = 0;
    for (int v : candidates) {
      if (alive[v]) {
        out[c++] = v;
      }
    }
    return Arrays.copyOf(out, c);
  }

  private static int[] range(int n) {
    int[] r = new int[n];
    for (int i = 0; i < n; i++) {
      r[i] = i;
    }
    return r;
  }

  private static int count(boolean[] b) {
    int c = 0;
    for (boolean x : b) {
      c += x ? 1 : 0;
    }
    return c;
  }

  private int mask() {
    return parameters.bits() == 32 ? -1 : (1 << parameters.bits()) - 1;
  }
}
