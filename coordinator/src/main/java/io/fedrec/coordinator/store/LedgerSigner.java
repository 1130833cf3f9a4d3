package io.fedrec.coordinator.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/**
 * The coordinator's Ed25519 ledger key (RFC 8032, JDK provider). Created on the first start in
 * the state directory: {@value #PRIVATE_FILE} (PKCS#8, base64, owner-only permissions) and
 * {@value #PUBLIC_FILE} (X.509 SubjectPublicKeyInfo, base64), which is what an auditor needs to
 * verify the ledger ({@code fedrec audit}). Thread-safe.
 */
public final class LedgerSigner {
  public static final String PRIVATE_FILE = "ledger-signing.key";
  public static final String PUBLIC_FILE = "ledger-signing.pub";

  private final PrivateKey privateKey;
  private final PublicKey publicKey;

  private LedgerSigner(PrivateKey privateKey, PublicKey publicKey) {
    this.privateKey = privateKey;
    this.publicKey = publicKey;
  }

  /** Loads the key pair from {@code dir}, or creates and stores a new one. */
  public static LedgerSigner loadOrCreate(Path dir) throws IOException {
    Path priv = dir.resolve(PRIVATE_FILE);
    Path pub = dir.resolve(PUBLIC_FILE);
    try {
      KeyFactory kf = KeyFactory.getInstance("Ed25519");
      if (Files.exists(priv)) {
        PrivateKey p = kf.generatePrivate(new PKCS8EncodedKeySpec(read(priv)));
        return new LedgerSigner(p, readPublicKey(pub));
      }
      KeyPair keys = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
      Path tmp = dir.resolve(PRIVATE_FILE + ".tmp");
      Files.deleteIfExists(tmp);
      Files.createFile(tmp);
      try {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException e) {
        // not a POSIX file system
      }
      Files.writeString(tmp, Base64.getEncoder().encodeToString(keys.getPrivate().getEncoded())
          + "\n", StandardCharsets.US_ASCII);
      Files.writeString(pub, Base64.getEncoder().encodeToString(keys.getPublic().getEncoded())
          + "\n", StandardCharsets.US_ASCII);
      Files.move(tmp, priv, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      return new LedgerSigner(keys.getPrivate(), keys.getPublic());
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IOException("cannot load or create the ledger signing key in " + dir + ": "
          + e.getMessage(), e);
    }
  }

  /** Reads a public key written by {@link #loadOrCreate}. */
  public static PublicKey readPublicKey(Path file) throws IOException {
    try {
      return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(read(file)));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IOException("not an Ed25519 public key: " + file + ": " + e.getMessage(), e);
    }
  }

  private static byte[] read(Path file) throws IOException {
    return Base64.getDecoder().decode(Files.readString(file, StandardCharsets.US_ASCII).trim());
  }

  public PublicKey publicKey() {
    return publicKey;
  }

  public byte[] sign(byte[] message) {
    try {
      Signature s = Signature.getInstance("Ed25519");
      s.initSign(privateKey);
      s.update(message);
      return s.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Ed25519 signing failed", e);
    }
  }

  /** Whether {@code signature} is {@code key}'s Ed25519 signature of {@code message}. */
  public static boolean verify(PublicKey key, byte[] message, byte[] signature) {
    try {
      Signature s = Signature.getInstance("Ed25519");
      s.initVerify(key);
      s.update(message);
      return s.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }
}
