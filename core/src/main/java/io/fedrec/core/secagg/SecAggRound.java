package io.fedrec.core.secagg;

import io.fedrec.core.secagg.SecAggMessages.AdvertiseKeys;
import io.fedrec.core.secagg.SecAggMessages.KeyDirectory;
import io.fedrec.core.secagg.SecAggMessages.MaskedInput;
import io.fedrec.core.secagg.SecAggMessages.ShareDelivery;
import io.fedrec.core.secagg.SecAggMessages.ShareKeys;
import io.fedrec.core.secagg.SecAggMessages.UnmaskRequest;
import io.fedrec.core.secagg.SecAggMessages.UnmaskResponse;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * Runs one whole SecAgg+ round for a cohort in-process: {@link SecAggClient}s and a {@link
 * SecAggServer} exchanging messages directly, with scripted dropouts. For simulations, tests and
 * the golden vector; the networked coordinator drives the same classes phase by phase.
 *
 * <p>Dropouts: {@code dropFrom[i]} is the first phase in which client {@code i} sends nothing (it
 * vanishes after sending its message of the previous phase); {@code null} or {@link
 * SecAggPhase#DONE} means it never drops.
 *
 * <p>Transcript: SHA-256 over the canonical encodings ({@code toBytes()}) of every message in
 * delivery order: per phase, the client messages by ascending client index, then the server's
 * replies by ascending recipient. Stateless and thread-safe; each run is independent.
 */
public final class SecAggRound {
  private SecAggRound() {}

  /**
   * What one run produced.
   *
   * @param result the server's outcome
   * @param transcriptSha256 SHA-256 of all messages, see the class comment
   * @param bytesUp per client, bytes of its messages to the server
   * @param bytesDown per client, bytes of the server's messages to it
   */
  public record Outcome(
      SecAggResult result, byte[] transcriptSha256, long[] bytesUp, long[] bytesDown) {
    public Outcome {
      transcriptSha256 = transcriptSha256.clone();
      bytesUp = bytesUp.clone();
      bytesDown = bytesDown.clone();
    }

    @Override
    public byte[] transcriptSha256() {
      return transcriptSha256.clone();
    }

    @Override
    public long[] bytesUp() {
      return bytesUp.clone();
    }

    @Override
    public long[] bytesDown() {
      return bytesDown.clone();
    }
  }

  /** Runs a round with clients drawing secrets from {@link java.security.SecureRandom}. */
  public static Outcome run(SecAggParameters parameters, int[][] inputs, SecAggPhase[] dropFrom) {
    NeighbourGraph graph = parameters.graph();
    SecAggClient[] clients = new SecAggClient[parameters.cohortSize()];
    for (int i = 0; i < clients.length; i++) {
      clients[i] = SecAggClient.create(parameters, i, graph, new java.security.SecureRandom());
    }
    return run(parameters, graph, clients, inputs, dropFrom);
  }

  /**
   * Runs a round whose client {@code i} draws every secret from {@link TestingRandom} seeded with
   * {@code seed + i}: <b>for tests, golden vectors and reproducible simulations only</b>.
   */
  public static Outcome runForTesting(
      SecAggParameters parameters, int[][] inputs, SecAggPhase[] dropFrom, long seed) {
    NeighbourGraph graph = parameters.graph();
    SecAggClient[] clients = new SecAggClient[parameters.cohortSize()];
    for (int i = 0; i < clients.length; i++) {
      clients[i] = SecAggClient.forTesting(parameters, i, seed + i, graph);
    }
    return run(parameters, graph, clients, inputs, dropFrom);
  }

  private static Outcome run(
      SecAggParameters parameters,
      NeighbourGraph graph,
      SecAggClient[] clients,
      int[][] inputs,
      SecAggPhase[] dropFrom) {
    int n = parameters.cohortSize();
    if (inputs.length != n || dropFrom.length != n) {
      throw new IllegalArgumentException(
          "inputs and dropFrom must have cohortSize = " + n + " entries. Provided: "
              + inputs.length + ", " + dropFrom.length);
    }
    SecAggServer server = SecAggServer.create(parameters, graph);
    MessageDigest transcript = sha256();
    long[] up = new long[n];
    long[] down = new long[n];

    for (int i = 0; i < n; i++) {
      if (sends(dropFrom[i], SecAggPhase.ADVERTISE_KEYS)) {
        AdvertiseKeys m = clients[i].advertiseKeys();
        up[i] += record(transcript, m.toBytes());
        server.receive(m);
      }
    }
    List<KeyDirectory> directories = server.closeAdvertiseKeys();
    for (KeyDirectory d : directories) {
      down[d.recipient()] += record(transcript, d.toBytes());
    }

    ShareKeys[] shareKeys = new ShareKeys[n];
    for (KeyDirectory d : directories) {
      int i = d.recipient();
      if (sends(dropFrom[i], SecAggPhase.SHARE_KEYS)) {
        shareKeys[i] = clients[i].shareKeys(d);
      }
    }
    for (ShareKeys m : shareKeys) {
      if (m != null) {
        up[m.sender()] += record(transcript, m.toBytes());
        server.receive(m);
      }
    }
    List<ShareDelivery> deliveries =
        server.phase() == SecAggPhase.SHARE_KEYS ? server.closeShareKeys() : List.of();
    for (ShareDelivery d : deliveries) {
      down[d.recipient()] += record(transcript, d.toBytes());
    }

    for (ShareDelivery d : deliveries) {
      int i = d.recipient();
      if (sends(dropFrom[i], SecAggPhase.MASKED_INPUT)) {
        MaskedInput m = clients[i].maskedInput(d, inputs[i]);
        up[i] += record(transcript, m.toBytes());
        server.receive(m);
      }
    }
    List<UnmaskRequest> requests =
        server.phase() == SecAggPhase.MASKED_INPUT ? server.closeMaskedInput() : List.of();
    for (UnmaskRequest r : requests) {
      down[r.recipient()] += record(transcript, r.toBytes());
    }

    for (UnmaskRequest r : requests) {
      int i = r.recipient();
      if (sends(dropFrom[i], SecAggPhase.UNMASK)) {
        UnmaskResponse m = clients[i].unmask(r);
        up[i] += record(transcript, m.toBytes());
        server.receive(m);
      }
    }
    SecAggResult result =
        server.phase() == SecAggPhase.UNMASK ? server.closeUnmask() : server.result();
    return new Outcome(result, transcript.digest(), up, down);
  }

  private static boolean sends(SecAggPhase dropFrom, SecAggPhase phase) {
    return dropFrom == null || phase.ordinal() < dropFrom.ordinal();
  }

  private static long record(MessageDigest transcript, byte[] message) {
    transcript.update(message);
    return message.length;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 unavailable in this JDK", e);
    }
  }
}
