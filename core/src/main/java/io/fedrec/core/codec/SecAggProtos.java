package io.fedrec.core.codec;

import com.google.protobuf.ByteString;
import io.fedrec.core.secagg.SecAggMessages.AdvertiseKeys;
import io.fedrec.core.secagg.SecAggMessages.EncryptedShare;
import io.fedrec.core.secagg.SecAggMessages.KeyDirectory;
import io.fedrec.core.secagg.SecAggMessages.RevealedShare;
import io.fedrec.core.secagg.SecAggMessages.ShareDelivery;
import io.fedrec.core.secagg.SecAggMessages.ShareKeys;
import io.fedrec.core.secagg.SecAggMessages.UnmaskRequest;
import io.fedrec.core.secagg.SecAggMessages.UnmaskResponse;
import io.fedrec.core.secagg.SecAggParameters;
import io.fedrec.proto.v1.ResiduePayload;
import io.fedrec.proto.v1.SecAggAdvertiseKeys;
import io.fedrec.proto.v1.SecAggEncryptedShare;
import io.fedrec.proto.v1.SecAggKeyDirectory;
import io.fedrec.proto.v1.SecAggRevealedShare;
import io.fedrec.proto.v1.SecAggSetup;
import io.fedrec.proto.v1.SecAggShareDelivery;
import io.fedrec.proto.v1.SecAggShareKeys;
import io.fedrec.proto.v1.SecAggUnmaskRequest;
import io.fedrec.proto.v1.SecAggUnmaskResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * Converts between the SecAgg+ protocol messages of {@code core/secagg} and their wire form in
 * {@code coordinator.proto}. The sender or recipient index that the wire leaves implicit (it is the
 * authenticated client's task index) is supplied by the caller. Malformed wire messages (wrong key
 * lengths, mismatched list lengths) throw {@link IllegalArgumentException}; the protocol objects
 * check the rest.
 */
public final class SecAggProtos {
  private SecAggProtos() {}

  // ---- setup ----

  public static SecAggSetup toProto(SecAggParameters p) {
    return SecAggSetup.newBuilder()
        .setCohortSize(p.cohortSize())
        .setNeighbours(p.neighbours())
        .setThreshold(p.threshold())
        .setBits(p.bits())
        .setVectorLength(p.vectorLength())
        .setGraphSeed(ByteString.copyFrom(p.graphSeed()))
        .build();
  }

  /** The parameters of round {@code round}; validated by {@link SecAggParameters}. */
  public static SecAggParameters fromProto(long round, SecAggSetup s) {
    return new SecAggParameters(round, s.getCohortSize(), s.getNeighbours(), s.getThreshold(),
        s.getBits(), s.getVectorLength(), s.getGraphSeed().toByteArray());
  }

  // ---- round 0 ----

  public static SecAggAdvertiseKeys toProto(AdvertiseKeys m) {
    return SecAggAdvertiseKeys.newBuilder()
        .setMaskPublicKey(ByteString.copyFrom(m.maskPublicKey()))
        .setEncryptionPublicKey(ByteString.copyFrom(m.encryptionPublicKey()))
        .build();
  }

  public static AdvertiseKeys fromProto(int client, SecAggAdvertiseKeys m) {
    return new AdvertiseKeys(
        client, m.getMaskPublicKey().toByteArray(), m.getEncryptionPublicKey().toByteArray());
  }

  public static SecAggKeyDirectory toProto(KeyDirectory d) {
    SecAggKeyDirectory.Builder b = SecAggKeyDirectory.newBuilder();
    int[] peers = d.peers();
    byte[][] mask = d.maskPublicKeys();
    byte[][] enc = d.encryptionPublicKeys();
    for (int i = 0; i < peers.length; i++) {
      b.addPeers(peers[i])
          .addMaskPublicKeys(ByteString.copyFrom(mask[i]))
          .addEncryptionPublicKeys(ByteString.copyFrom(enc[i]));
    }
    return b.build();
  }

  public static KeyDirectory fromProto(int recipient, SecAggKeyDirectory d) {
    int n = d.getPeersCount();
    if (d.getMaskPublicKeysCount() != n || d.getEncryptionPublicKeysCount() != n) {
      throw new IllegalArgumentException("key directory must hold one pair of keys per peer."
          + " Provided: " + n + " peers, " + d.getMaskPublicKeysCount() + " mask keys, "
          + d.getEncryptionPublicKeysCount() + " encryption keys");
    }
    int[] peers = new int[n];
    byte[][] mask = new byte[n][];
    byte[][] enc = new byte[n][];
    for (int i = 0; i < n; i++) {
      peers[i] = d.getPeers(i);
      mask[i] = d.getMaskPublicKeys(i).toByteArray();
      enc[i] = d.getEncryptionPublicKeys(i).toByteArray();
    }
    return new KeyDirectory(recipient, peers, mask, enc);
  }

  // ---- round 1 ----

  public static SecAggShareKeys toProto(ShareKeys m) {
    return SecAggShareKeys.newBuilder().addAllShares(shares(m.shares())).build();
  }

  /**
   * @throws IllegalArgumentException if a share names another sender than {@code sender}
   */
  public static ShareKeys fromProto(int sender, SecAggShareKeys m) {
    EncryptedShare[] shares = shares(m.getSharesList());
    for (EncryptedShare s : shares) {
      if (s.sender() != sender) {
        throw new IllegalArgumentException("share_keys of client index " + sender
            + " must carry its own index as sender. Provided value: " + s.sender());
      }
    }
    return new ShareKeys(sender, shares);
  }

  public static SecAggShareDelivery toProto(ShareDelivery d) {
    return SecAggShareDelivery.newBuilder().addAllShares(shares(d.shares())).build();
  }

  public static ShareDelivery fromProto(int recipient, SecAggShareDelivery d) {
    return new ShareDelivery(recipient, shares(d.getSharesList()));
  }

  private static List<SecAggEncryptedShare> shares(EncryptedShare[] shares) {
    SecAggEncryptedShare[] out = new SecAggEncryptedShare[shares.length];
    for (int i = 0; i < shares.length; i++) {
      out[i] = SecAggEncryptedShare.newBuilder()
          .setSender(shares[i].sender())
          .setRecipient(shares[i].recipient())
          .setCiphertext(ByteString.copyFrom(shares[i].ciphertext()))
          .build();
    }
    return List.of(out);
  }

  private static EncryptedShare[] shares(List<SecAggEncryptedShare> shares) {
    EncryptedShare[] out = new EncryptedShare[shares.size()];
    for (int i = 0; i < out.length; i++) {
      SecAggEncryptedShare s = shares.get(i);
      out[i] = new EncryptedShare(s.getSender(), s.getRecipient(), s.getCiphertext().toByteArray());
    }
    return out;
  }

  // ---- round 2 ----

  /** Packs {@code values[from, from + length)} as little-endian u32. */
  public static ResiduePayload encodeResidues(int[] values, int from, int length) {
    ByteBuffer buf = ByteBuffer.allocate(length * 4).order(ByteOrder.LITTLE_ENDIAN);
    buf.asIntBuffer().put(values, from, length);
    return ResiduePayload.newBuilder().setLeUint32(ByteString.copyFrom(buf.array())).build();
  }

  /**
   * Decodes a residue payload into {@code dst[offset..]} and returns the number written.
   *
   * @throws IllegalArgumentException if the byte length is not a multiple of 4, the payload does
   *     not fit, or a residue is not below {@code 2^bits}
   */
  public static int decodeResiduesInto(ResiduePayload payload, int bits, int[] dst, int offset) {
    int bytes = payload.getLeUint32().size();
    if (bytes % 4 != 0) {
      throw new IllegalArgumentException(
          "residue payload length must be a multiple of 4 bytes. Provided value: " + bytes);
    }
    int n = bytes / 4;
    if (offset < 0 || (long) offset + n > dst.length) {
      throw new IllegalArgumentException("payload of " + n + " residues at offset " + offset
          + " exceeds vector length " + dst.length);
    }
    payload.getLeUint32().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asIntBuffer()
        .get(dst, offset, n);
    if (bits < 32) {
      int limit = 1 << bits;
      for (int i = offset; i < offset + n; i++) {
        if (dst[i] < 0 || dst[i] >= limit) {
          throw new IllegalArgumentException("residues must be below 2^" + bits + ". Provided value"
              + " at index " + i + ": " + Integer.toUnsignedString(dst[i]));
        }
      }
    }
    return n;
  }

  // ---- round 4 ----

  public static SecAggUnmaskRequest toProto(UnmaskRequest r) {
    SecAggUnmaskRequest.Builder b =
        SecAggUnmaskRequest.newBuilder().setCohortSurvivors(r.cohortSurvivors());
    for (int s : r.survivors()) {
      b.addSurvivors(s);
    }
    for (int d : r.dropped()) {
      b.addDropped(d);
    }
    return b.build();
  }

  public static UnmaskRequest fromProto(int recipient, SecAggUnmaskRequest r) {
    return new UnmaskRequest(recipient, r.getCohortSurvivors(),
        r.getSurvivorsList().stream().mapToInt(Integer::intValue).toArray(),
        r.getDroppedList().stream().mapToInt(Integer::intValue).toArray());
  }

  public static SecAggUnmaskResponse toProto(UnmaskResponse m) {
    return SecAggUnmaskResponse.newBuilder()
        .addAllSelfMaskShares(revealed(m.selfMaskShares()))
        .addAllKeyShares(revealed(m.keyShares()))
        .build();
  }

  public static UnmaskResponse fromProto(int holder, SecAggUnmaskResponse m) {
    return new UnmaskResponse(holder, revealed(holder, m.getSelfMaskSharesList()),
        revealed(holder, m.getKeySharesList()));
  }

  private static List<SecAggRevealedShare> revealed(RevealedShare[] shares) {
    SecAggRevealedShare[] out = new SecAggRevealedShare[shares.length];
    for (int i = 0; i < shares.length; i++) {
      out[i] = SecAggRevealedShare.newBuilder()
          .setOwner(shares[i].owner())
          .setShare(ByteString.copyFrom(shares[i].share()))
          .build();
    }
    return List.of(out);
  }

  private static RevealedShare[] revealed(int holder, List<SecAggRevealedShare> shares) {
    RevealedShare[] out = new RevealedShare[shares.size()];
    for (int i = 0; i < out.length; i++) {
      SecAggRevealedShare s = shares.get(i);
      out[i] = new RevealedShare(s.getOwner(), holder, s.getShare().toByteArray());
    }
    return out;
  }
}
