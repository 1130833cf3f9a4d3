package io.fedrec.core.secagg;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The messages of one SecAgg+ round. Client-to-server: {@link AdvertiseKeys}, {@link ShareKeys},
 * {@link MaskedInput}, {@link UnmaskResponse}; server-to-client: {@link KeyDirectory}, {@link
 * ShareDelivery}, {@link UnmaskRequest}.
 *
 * <p>Each message has a canonical encoding ({@code toBytes()}: a one-byte tag, then big-endian
 * fields, byte strings prefixed by a uint32 length where their length is not fixed; see {@code
 * docs/secagg.md}). It is the input of the transcript hash of the golden round and the measure of
 * bytes on the wire; the gRPC layer may carry the same fields in protobuf.
 *
 * <p>All messages are immutable: arrays are copied in and out. Record {@code equals} compares
 * arrays by identity; compare {@code toBytes()} instead.
 */
public final class SecAggMessages {
  private SecAggMessages() {}

  /** Round 0, client to server: the client's two public keys. */
  public record AdvertiseKeys(int client, byte[] maskPublicKey, byte[] encryptionPublicKey) {
    public static final byte TAG = 1;

    public AdvertiseKeys {
      maskPublicKey = Bytes.checkLength("maskPublicKey", maskPublicKey, 32).clone();
      encryptionPublicKey =
          Bytes.checkLength("encryptionPublicKey", encryptionPublicKey, 32).clone();
    }

    @Override
    public byte[] maskPublicKey() {
      return maskPublicKey.clone();
    }

    @Override
    public byte[] encryptionPublicKey() {
      return encryptionPublicKey.clone();
    }

    /** {@code 0x01 || u32 client || maskPublicKey(32) || encryptionPublicKey(32)}. */
    public byte[] toBytes() {
      Writer w = new Writer(TAG);
      w.u32(client).raw(maskPublicKey).raw(encryptionPublicKey);
      return w.bytes();
    }
  }

  /**
   * Round 1, server to one client: the public keys of its neighbours that advertised keys.
   * {@code peers} ascending.
   */
  public record KeyDirectory(
      int recipient, int[] peers, byte[][] maskPublicKeys, byte[][] encryptionPublicKeys) {
    public static final byte TAG = 2;

    public KeyDirectory {
      peers = peers.clone();
      if (maskPublicKeys.length != peers.length || encryptionPublicKeys.length != peers.length) {
        throw new IllegalArgumentException("one pair of keys per peer required");
      }
      maskPublicKeys = deepCopy(maskPublicKeys, 32, "maskPublicKeys");
      encryptionPublicKeys = deepCopy(encryptionPublicKeys, 32, "encryptionPublicKeys");
    }

    @Override
    public int[] peers() {
      return peers.clone();
    }

    @Override
    public byte[][] maskPublicKeys() {
      return deepCopy(maskPublicKeys, 32, "maskPublicKeys");
    }

    @Override
    public byte[][] encryptionPublicKeys() {
      return deepCopy(encryptionPublicKeys, 32, "encryptionPublicKeys");
    }

    /**
     * {@code 0x02 || u32 recipient || u32 count || count * (u32 peer || maskPublicKey(32) ||
     * encryptionPublicKey(32))}.
     */
    public byte[] toBytes() {
      Writer w = new Writer(TAG);
      w.u32(recipient).u32(peers.length);
      for (int i = 0; i < peers.length; i++) {
        w.u32(peers[i]).raw(maskPublicKeys[i]).raw(encryptionPublicKeys[i]);
      }
      return w.bytes();
    }
  }

  /** A share bundle from {@code sender} encrypted for {@code recipient} ({@link ShareCipher}). */
  public record EncryptedShare(int sender, int recipient, byte[] ciphertext) {
    public EncryptedShare {
      if (ciphertext == null) {
        throw new IllegalArgumentException("ciphertext must not be null");
      }
      ciphertext = ciphertext.clone();
    }

    @Override
    public byte[] ciphertext() {
      return ciphertext.clone();
    }
  }

  /** Round 1, client to server: one encrypted share bundle per neighbour in the directory. */
  public record ShareKeys(int sender, EncryptedShare[] shares) {
    public static final byte TAG = 3;

    public ShareKeys {
      shares = shares.clone();
    }

    @Override
    public EncryptedShare[] shares() {
      return shares.clone();
    }

    /**
     * {@code 0x03 || u32 sender || u32 count || count * (u32 recipient || u32 len ||
     * ciphertext)}.
     */
    public byte[] toBytes() {
      Writer w = new Writer(TAG);
      w.u32(sender).u32(shares.length);
      for (EncryptedShare s : shares) {
        w.u32(s.recipient()).lengthPrefixed(s.ciphertext);
      }
      return w.bytes();
    }
  }

  /**
   * Round 2, server to one client: the bundles addressed to it by clients that completed round 1,
   * ascending by sender. The senders are exactly the neighbours the client masks with.
   */
  public record ShareDelivery(int recipient, EncryptedShare[] shares) {
    public static final byte TAG = 4;

    public ShareDelivery {
      shares = shares.clone();
    }

    @Override
    public EncryptedShare[] shares() {
      return shares.clone();
    }

    /**
     * {@code 0x04 || u32 recipient || u32 count || count * (u32 sender || u32 len ||
     * ciphertext)}.
     */
    public byte[] toBytes() {
      Writer w = new Writer(TAG);
      w.u32(recipient).u32(shares.length);
      for (EncryptedShare s : shares) {
        w.u32(s.sender()).lengthPrefixed(s.ciphertext);
      }
      return w.bytes();
    }
  }

  /** Round 2, client to server: the masked input, residues modulo {@code 2^bits}. */
  public record MaskedInput(int client, int[] maskedVector) {
    public static final byte TAG = 5;

    public MaskedInput {
      maskedVector = maskedVector.clone();
    }

    @Override
    public int[] maskedVector() {
      return maskedVector.clone();
    }

    int length() {
      return maskedVector.length;
    }

    int at(int i) {
      return maskedVector[i];
    }

    /** {@code 0x05 || u32 client || u32 length || length * u32 value}. */
    public byte[] toBytes() {
      Writer w = new Writer(TAG);
      w.u32(client).u32(maskedVector.length);
      for (int v : maskedVector) {
        w.u32(v);
      }
      return w.bytes();
    }
  }

  /**
   * Round 4, server to one surviving client: reveal self-mask shares of {@code survivors} and key
   * shares of {@code dropped} (disjoint, ascending). {@code cohortSurvivors} is the number of
   * clients whose masked input the server holds; a client refuses to answer if it is below the
   * threshold.
   */
  public record UnmaskRequest(int recipient, int cohortSurvivors, int[] survivors, int[] dropped) {
    public static final byte TAG = 6;

    public UnmaskRequest {
      survivors = survivors.clone();
      dropped = dropped.clone();
    }

    @Override
    public int[] survivors() {
      return survivors.clone();
    }

    @Override
    public int[] dropped() {
      return dropped.clone();
    }

    /**
     * {@code 0x06 || u32 recipient || u32 cohortSurvivors || u32 ns || ns * u32 || u32 nd || nd *
     * u32}.
     */
    public byte[] toBytes() {
      Writer w = new Writer(TAG);
      w.u32(recipient).u32(cohortSurvivors).u32(survivors.length);
      for (int s : survivors) {
        w.u32(s);
      }
      w.u32(dropped.length);
      for (int d : dropped) {
        w.u32(d);
      }
      return w.bytes();
    }
  }

  /** One revealed Shamir share: held by {@code holder}, of a secret of {@code owner}. */
  public record RevealedShare(int owner, int holder, byte[] share) {
    public RevealedShare {
      share = share.clone();
    }

    @Override
    public byte[] share() {
      return share.clone();
    }

    ShamirShare toShamir() {
      return ShamirShare.fromBytes(holder + 1, share);
    }
  }

  /** Round 4, client to server: the requested shares, in the order of the request. */
  public record UnmaskResponse(
      int client, RevealedShare[] selfMaskShares, RevealedShare[] keyShares) {
    public static final byte TAG = 7;

    public UnmaskResponse {
      selfMaskShares = selfMaskShares.clone();
      keyShares = keyShares.clone();
    }

    @Override
    public RevealedShare[] selfMaskShares() {
      return selfMaskShares.clone();
    }

    @Override
    public RevealedShare[] keyShares() {
      return keyShares.clone();
    }

    /**
     * {@code 0x07 || u32 client || u32 ns || ns * (u32 owner || u32 len || share) || u32 nk || nk
     * * (u32 owner || u32 len || share)}.
     */
    public byte[] toBytes() {
      Writer w = new Writer(TAG);
      w.u32(client).u32(selfMaskShares.length);
      for (RevealedShare s : selfMaskShares) {
        w.u32(s.owner()).lengthPrefixed(s.share);
      }
      w.u32(keyShares.length);
      for (RevealedShare s : keyShares) {
        w.u32(s.owner()).lengthPrefixed(s.share);
      }
      return w.bytes();
    }
  }

  private static byte[][] deepCopy(byte[][] in, int length, String name) {
    byte[][] out = new byte[in.length][];
    for (int i = 0; i < in.length; i++) {
      out[i] = Bytes.checkLength(name + "[" + i + "]", in[i], length).clone();
    }
    return out;
  }

  /** Big-endian writer of the canonical encodings. */
  private static final class Writer {
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    private final DataOutputStream out = new DataOutputStream(buffer);

    Writer(byte tag) {
      buffer.write(tag);
    }

    Writer u32(int v) {
      try {
        out.writeInt(v);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return this;
    }

    Writer raw(byte[] b) {
      buffer.writeBytes(b);
      return this;
    }

    Writer lengthPrefixed(byte[] b) {
      return u32(b.length).raw(b);
    }

    byte[] bytes() {
      return buffer.toByteArray();
    }
  }
}
