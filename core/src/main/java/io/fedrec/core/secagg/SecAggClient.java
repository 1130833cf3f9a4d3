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
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The client side of one SecAgg+ round (Bonawitz et al., CCS 2017, Figure 4, client steps of
 * rounds 0, 1, 2 and 4; SecAgg+ neighbour restriction of Bell et al., CCS 2020). Pure logic: it
 * consumes and produces {@link SecAggMessages} and does no I/O.
 *
 * <p>Life cycle, enforced: {@link #advertiseKeys()} -> {@link #shareKeys} -> {@link #maskedInput}
 * -> {@link #unmask}; a call out of order, or a second call of a step, throws {@link
 * IllegalStateException} naming the expected and the received phase. A client answers at most one
 * unmask request, so it never reveals both kinds of share of one peer.
 *
 * <p>Randomness: everything (key pairs, self-mask seed, Shamir coefficients, nonces) is drawn from
 * one {@link SecureRandom}, in the order documented in {@code docs/secagg.md}. Secrets are never
 * logged and {@link #toString()} shows none.
 *
 * <p>Not thread-safe: one instance per client per round.
 */
public final class SecAggClient {
  /** Share bundle plaintext: u32 sender, u32 recipient, two 48-byte Shamir shares. */
  static final int BUNDLE_SIZE = 8 + 2 * 3 * Shamir.ELEMENT_BYTES;

  private final SecAggParameters parameters;
  private final int index;
  private final NeighbourGraph graph;
  private final KeyAgreement keyAgreement;
  private final Shamir shamir;
  private final ShareCipher shareCipher;
  private final SecureRandom random;
  private final Kdf kdf = Kdf.hkdfSha256();

  private SecAggPhase phase = SecAggPhase.ADVERTISE_KEYS;
  private KeyAgreement.KeyPair maskKeys;
  private KeyAgreement.KeyPair encryptionKeys;
  private byte[] selfMaskSeed;
  private ShamirShare ownSelfMaskShare;
  private ShamirShare ownKeyShare;
  private final Map<Integer, byte[]> peerMaskKeys = new HashMap<>();
  private final Map<Integer, byte[]> peerEncryptionKeys = new HashMap<>();
  /** Shares received from peers that completed round 1: [self-mask share, key share]. */
  private final Map<Integer, ShamirShare[]> receivedShares = new HashMap<>();

  private SecAggClient(
      SecAggParameters parameters, int index, NeighbourGraph graph, SecureRandom random) {
    if (index < 0 || index >= parameters.cohortSize()) {
      throw new IllegalArgumentException(
          "index must be in [0, " + (parameters.cohortSize() - 1) + "]. Provided value: " + index);
    }
    this.parameters = parameters;
    this.index = index;
    this.graph = graph;
    this.random = random;
    this.keyAgreement = KeyAgreement.x25519(random);
    this.shamir = Shamir.mersenne127(random);
    this.shareCipher = ShareCipher.aesGcm(random);
  }

  /** A client drawing its secrets from a new {@link SecureRandom}. */
  public static SecAggClient create(SecAggParameters parameters, int index) {
    return new SecAggClient(parameters, index, parameters.graph(), new SecureRandom());
  }

  /**
   * A client whose every secret comes from {@link TestingRandom} seeded with {@code seed}: <b>for
   * tests, golden vectors and simulations only</b>: anyone knowing the seed can unmask its input.
   */
  public static SecAggClient forTesting(SecAggParameters parameters, int index, long seed) {
    return forTesting(parameters, index, seed, parameters.graph());
  }

  static SecAggClient forTesting(
      SecAggParameters parameters, int index, long seed, NeighbourGraph graph) {
    return new SecAggClient(parameters, index, graph, TestingRandom.forTesting(seed));
  }

  /** A client sharing a precomputed graph (building one per client is O(n) each). */
  static SecAggClient create(
      SecAggParameters parameters, int index, NeighbourGraph graph, SecureRandom random) {
    return new SecAggClient(parameters, index, graph, random);
  }

  /**
   * A client drawing its secrets from a new {@link SecureRandom}, reusing {@code graph}, which
   * must be {@code parameters.graph()}: for drivers that host many clients (benchmarks,
   * simulations), where recomputing the graph per client would cost O(n) each.
   *
   * @throws IllegalArgumentException if the graph is not the parameters' graph
   */
  public static SecAggClient create(SecAggParameters parameters, int index, NeighbourGraph graph) {
    if (graph.cohortSize() != parameters.cohortSize()
        || graph.neighbours() != parameters.neighbours()) {
      throw new IllegalArgumentException("graph must be the parameters' graph (n = "
          + parameters.cohortSize() + ", k = " + parameters.neighbours() + ")");
    }
    return new SecAggClient(parameters, index, graph, new SecureRandom());
  }

  public int index() {
    return index;
  }

  /** The phase whose message this client expects to produce next. */
  public SecAggPhase phase() {
    return phase;
  }

  /** Round 0: generates the mask-agreement key pair, then the share-encryption key pair. */
  public AdvertiseKeys advertiseKeys() {
    enter(SecAggPhase.ADVERTISE_KEYS);
    maskKeys = keyAgreement.generateKeyPair();
    encryptionKeys = keyAgreement.generateKeyPair();
    return new AdvertiseKeys(index, maskKeys.publicKey(), encryptionKeys.publicKey());
  }

  /**
   * Round 1: draws the self-mask seed {@code b_u}, shares it and the mask-agreement private key
   * t-of-(|peers| + 1) among the peers and itself, and encrypts each peer's bundle.
   *
   * @throws IllegalArgumentException if the directory is for another client, names a non-neighbour
   *     or repeats a key
   * @throws IllegalStateException if fewer than {@code t - 1} peers remain, so the shares could
   *     never be reconstructed
   */
  public ShareKeys shareKeys(KeyDirectory directory) {
    enter(SecAggPhase.SHARE_KEYS);
    if (directory.recipient() != index) {
      throw new IllegalArgumentException(
          "directory is for client " + directory.recipient() + ", not " + index);
    }
    int[] peers = directory.peers();
    byte[][] maskPks = directory.maskPublicKeys();
    byte[][] encPks = directory.encryptionPublicKeys();
    for (int i = 0; i < peers.length; i++) {
      int p = peers[i];
      if (i > 0 && peers[i - 1] >= p) {
        throw new IllegalArgumentException("directory peers must be strictly ascending");
      }
      if (!graph.areNeighbours(index, p)) {
        throw new IllegalArgumentException("directory names client " + p + ", not a neighbour");
      }
      if (Arrays.equals(maskPks[i], maskKeys.publicKey())
          || Arrays.equals(encPks[i], encryptionKeys.publicKey())) {
        throw new IllegalArgumentException("directory repeats this client's own public key");
      }
      peerMaskKeys.put(p, maskPks[i]);
      peerEncryptionKeys.put(p, encPks[i]);
    }
    int threshold = parameters.threshold();
    if (peers.length + 1 < threshold) {
      throw new IllegalStateException(
          "only " + peers.length + " neighbours advertised keys; threshold " + threshold
              + " needs at least " + (threshold - 1));
    }
    int[] holders = new int[peers.length + 1]; // x = holder index + 1, ascending
    int[] xs = new int[holders.length];
    int h = 0;
    boolean selfPlaced = false;
    for (int p : peers) {
      if (!selfPlaced && index < p) {
        holders[h++] = index;
        selfPlaced = true;
      }
      holders[h++] = p;
    }
    if (!selfPlaced) {
      holders[h] = index;
    }
    for (int i = 0; i < holders.length; i++) {
      xs[i] = holders[i] + 1;
    }
    selfMaskSeed = new byte[32];
    random.nextBytes(selfMaskSeed);
    ShamirShare[] seedShares = shamir.split(selfMaskSeed, threshold, xs);
    ShamirShare[] keyShares = shamir.split(maskKeys.privateKey(), threshold, xs);
    EncryptedShare[] out = new EncryptedShare[peers.length];
    int o = 0;
    byte[] encryptionPrivate = encryptionKeys.privateKey();
    for (int i = 0; i < holders.length; i++) {
      int v = holders[i];
      if (v == index) {
        ownSelfMaskShare = seedShares[i];
        ownKeyShare = keyShares[i];
        continue;
      }
      byte[] bundle = new byte[BUNDLE_SIZE];
      Bytes.putInt(bundle, 0, index);
      Bytes.putInt(bundle, 4, v);
      System.arraycopy(seedShares[i].toBytes(), 0, bundle, 8, 48);
      System.arraycopy(keyShares[i].toBytes(), 0, bundle, 56, 48);
      byte[] ciphertext =
          shareCipher.encrypt(
              encryptionPrivate, peerEncryptionKeys.get(v), parameters.round(), index, v, bundle);
      Arrays.fill(bundle, (byte) 0);
      out[o++] = new EncryptedShare(index, v, ciphertext);
    }
    return new ShareKeys(index, out);
  }

  /**
   * Round 2: decrypts the delivered bundles, then masks {@code input} (residues in {@code [0,
   * 2^bits)}): {@code y = x + PRG(self seed) + sum over senders v of sign(u, v) PRG(s_{u,v})} mod
   * {@code 2^bits}, with {@code sign = +1} if {@code u < v}, else {@code -1}.
   *
   * @throws IllegalArgumentException if a bundle fails authentication, comes from a client that is
   *     not a directory peer or is repeated, or {@code input} has the wrong length or range
   */
  public MaskedInput maskedInput(ShareDelivery delivery, int[] input) {
    enter(SecAggPhase.MASKED_INPUT);
    if (delivery.recipient() != index) {
      throw new IllegalArgumentException(
          "delivery is for client " + delivery.recipient() + ", not " + index);
    }
    if (input == null || input.length != parameters.vectorLength()) {
      throw new IllegalArgumentException(
          "input must have length " + parameters.vectorLength() + ". Provided: "
              + (input == null ? "null" : input.length));
    }
    int bits = parameters.bits();
    if (bits < 32) {
      for (int i = 0; i < input.length; i++) {
        if (input[i] < 0 || input[i] >= (1 << bits)) {
          throw new IllegalArgumentException(
              "input[" + i + "] must be in [0, 2^" + bits + "). Provided value: " + input[i]);
        }
      }
    }
    byte[] encryptionPrivate = encryptionKeys.privateKey();
    for (EncryptedShare share : delivery.shares()) {
      int v = share.sender();
      if (share.recipient() != index || !peerEncryptionKeys.containsKey(v)) {
        throw new IllegalArgumentException(
            "unexpected bundle from " + v + " to " + share.recipient());
      }
      if (receivedShares.containsKey(v)) {
        throw new IllegalArgumentException("duplicate bundle from client " + v);
      }
      byte[] bundle =
          shareCipher.decrypt(
              encryptionPrivate,
              peerEncryptionKeys.get(v),
              parameters.round(),
              v,
              index,
              share.ciphertext());
      if (bundle.length != BUNDLE_SIZE
          || Bytes.getInt(bundle, 0) != v
          || Bytes.getInt(bundle, 4) != index) {
        throw new IllegalArgumentException("bundle from client " + v + " has a wrong header");
      }
      receivedShares.put(
          v,
          new ShamirShare[] {
            ShamirShare.fromBytes(index + 1, Arrays.copyOfRange(bundle, 8, 56)),
            ShamirShare.fromBytes(index + 1, Arrays.copyOfRange(bundle, 56, 104))
          });
      Arrays.fill(bundle, (byte) 0);
    }
    int[] y = input.clone();
    MaskPrg prg = MaskPrg.aesCtr(bits);
    prg.addMask(y, selfMaskPrgSeed(kdf, parameters.round(), index, selfMaskSeed), 1);
    byte[] maskPrivate = maskKeys.privateKey();
    for (int v : sortedKeys(receivedShares)) {
      byte[] seed =
          pairwiseSeed(
              kdf, keyAgreement, parameters.round(), index, maskPrivate, v, peerMaskKeys.get(v));
      prg.addMask(y, seed, index < v ? 1 : -1);
    }
    return new MaskedInput(index, y);
  }

  /**
   * Round 4: reveals this client's self-mask share of every listed survivor and its key share of
   * every listed dropped client.
   *
   * @throws IllegalStateException (fail closed, nothing revealed) if the server reports fewer
   *     survivors than the threshold, the lists overlap, this client is not listed as a survivor,
   *     or a listed client is not one whose shares this client holds
   */
  public UnmaskResponse unmask(UnmaskRequest request) {
    enter(SecAggPhase.UNMASK);
    if (request.recipient() != index) {
      throw new IllegalArgumentException(
          "request is for client " + request.recipient() + ", not " + index);
    }
    if (request.cohortSurvivors() < parameters.threshold()) {
      throw new IllegalStateException(
          "refusing to unmask: " + request.cohortSurvivors() + " survivors is below threshold "
              + parameters.threshold());
    }
    int[] survivors = request.survivors();
    int[] dropped = request.dropped();
    int[] both = Arrays.copyOf(survivors, survivors.length + dropped.length);
    System.arraycopy(dropped, 0, both, survivors.length, dropped.length);
    Arrays.sort(both);
    for (int i = 1; i < both.length; i++) {
      if (both[i] == both[i - 1]) {
        throw new IllegalStateException(
            "refusing to unmask: client " + both[i] + " listed twice or as survivor and dropped");
      }
    }
    boolean listed = false;
    for (int s : survivors) {
      listed |= s == index;
    }
    if (!listed) {
      throw new IllegalStateException("refusing to unmask: this client is not listed as survivor");
    }
    RevealedShare[] selfShares = new RevealedShare[survivors.length];
    for (int i = 0; i < survivors.length; i++) {
      int s = survivors[i];
      ShamirShare share = s == index ? ownSelfMaskShare : held(s)[0];
      selfShares[i] = new RevealedShare(s, index, share.toBytes());
    }
    RevealedShare[] keyShares = new RevealedShare[dropped.length];
    for (int i = 0; i < dropped.length; i++) {
      keyShares[i] = new RevealedShare(dropped[i], index, held(dropped[i])[1].toBytes());
    }
    return new UnmaskResponse(index, selfShares, keyShares);
  }

  private ShamirShare[] held(int owner) {
    ShamirShare[] s = receivedShares.get(owner);
    if (s == null) {
      throw new IllegalStateException(
          "refusing to unmask: client " + index + " holds no shares of client " + owner);
    }
    return s;
  }

  private void enter(SecAggPhase received) {
    SecAggPhase.require(phase, received, "client " + index);
    phase = SecAggPhase.values()[phase.ordinal() + 1];
  }

  /** {@code HKDF(b_u, info = Kdf.info(SELF_MASK, round, u, u), 32)}. */
  static byte[] selfMaskPrgSeed(Kdf kdf, long round, int client, byte[] selfMaskSeed) {
    return kdf.derive(selfMaskSeed, null, Kdf.info(Kdf.SELF_MASK, round, client, client), 32);
  }

  /**
   * {@code HKDF(X25519(s_u^SK, s_v^PK), info = Kdf.info(PAIRWISE_MASK, round, min(u, v), max(u,
   * v)), 32)}: the same for both ends.
   */
  static byte[] pairwiseSeed(
      Kdf kdf,
      KeyAgreement keyAgreement,
      long round,
      int own,
      byte[] ownMaskPrivate,
      int peer,
      byte[] peerMaskPublic) {
    byte[] shared = keyAgreement.sharedSecret(ownMaskPrivate, peerMaskPublic);
    return kdf.derive(
        shared,
        null,
        Kdf.info(Kdf.PAIRWISE_MASK, round, Math.min(own, peer), Math.max(own, peer)),
        32);
  }

  private static int[] sortedKeys(Map<Integer, ?> map) {
    int[] keys = new int[map.size()];
    int i = 0;
    for (int k : map.keySet()) {
      keys[i++] = k;
    }
    Arrays.sort(keys);
    return keys;
  }

  @Override
  public String toString() {
    return "SecAggClient{index=" + index + ", phase=" + phase + "}";
  }
}
