package io.fedrec.simulator.cli;

import java.io.IOException;
import java.io.Writer;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A development certificate authority for {@code fedrec certs}: an ECDSA P-256 CA, a server
 * certificate for the given host names and addresses, and client certificates whose common name
 * is the client id (the coordinator's mutual-TLS check binds {@code client_id} to it). Keys are
 * written as unencrypted PKCS#8 PEM files readable only by the owner where the file system allows.
 * For development and tests only: a production deployment uses its own PKI.
 */
final class DevCertificates {
  private final SecureRandom random = new SecureRandom();
  private final Duration validity;
  private final KeyPair caKeys;
  private final X509Certificate caCert;

  DevCertificates(Duration validity) throws GeneralSecurityException {
    this.validity = validity;
    this.caKeys = newKeyPair();
    X500Name name = new X500Name("CN=fedrec development CA");
    JcaX509v3CertificateBuilder b = builder(name, name, caKeys);
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
      b.addExtension(Extension.keyUsage, true,
          new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      b.addExtension(Extension.subjectKeyIdentifier, false,
          ext.createSubjectKeyIdentifier(caKeys.getPublic()));
    } catch (IOException e) {
      throw new GeneralSecurityException(e);
    }
    this.caCert = sign(b);
  }

  X509Certificate caCertificate() {
    return caCert;
  }

  /** Writes the CA certificate (and, for issuing more later, its key). */
  void writeCa(Path dir) throws IOException {
    write(dir.resolve("ca.pem"), caCert);
    writeKey(dir.resolve("ca.key"), caKeys.getPrivate());
  }

  /** A server certificate valid for {@code hosts} (DNS names or IP literals). */
  void writeServer(Path dir, List<String> hosts) throws IOException, GeneralSecurityException {
    KeyPair keys = newKeyPair();
    JcaX509v3CertificateBuilder b =
        builder(new X500Name("CN=" + hosts.get(0)), issuer(), keys);
    List<GeneralName> names = new ArrayList<>();
    for (String h : hosts) {
      names.add(isIpLiteral(h)
          ? new GeneralName(GeneralName.iPAddress, h)
          : new GeneralName(GeneralName.dNSName, h));
    }
    leafExtensions(b, keys, KeyPurposeId.id_kp_serverAuth);
    b.addExtension(Extension.subjectAlternativeName, false,
        new GeneralNames(names.toArray(new GeneralName[0])));
    write(dir.resolve("server.pem"), sign(b));
    writeKey(dir.resolve("server.key"), keys.getPrivate());
  }

  /** A client certificate whose common name is {@code clientId}. */
  void writeClient(Path dir, String clientId) throws IOException, GeneralSecurityException {
    KeyPair keys = newKeyPair();
    JcaX509v3CertificateBuilder b = builder(new X500Name("CN=" + clientId), issuer(), keys);
    leafExtensions(b, keys, KeyPurposeId.id_kp_clientAuth);
    write(dir.resolve(clientId + ".pem"), sign(b));
    writeKey(dir.resolve(clientId + ".key"), keys.getPrivate());
  }

  private X500Name issuer() {
    return new X500Name(caCert.getSubjectX500Principal().getName());
  }

  private void leafExtensions(JcaX509v3CertificateBuilder b, KeyPair keys, KeyPurposeId purpose)
      throws IOException {
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
    b.addExtension(Extension.keyUsage, true,
        new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement));
    b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
  }

  private JcaX509v3CertificateBuilder builder(X500Name subject, X500Name issuer, KeyPair keys) {
    Instant now = Instant.now();
    return new JcaX509v3CertificateBuilder(issuer, new BigInteger(127, random),
        Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(validity)), subject,
        keys.getPublic());
  }

  private X509Certificate sign(X509v3CertificateBuilder b) throws GeneralSecurityException {
    try {
      return new JcaX509CertificateConverter().getCertificate(
          b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(caKeys.getPrivate())));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException(e);
    }
  }

  private KeyPair newKeyPair() throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"), random);
    return g.generateKeyPair();
  }

  private static boolean isIpLiteral(String h) {
    if (!h.matches("[0-9.]+|.*:.*")) {
      return false;
    }
    try {
      return InetAddress.getByName(h).getHostAddress() != null;
    } catch (IOException e) {
      return false;
    }
  }

  private static void write(Path file, Object pem) throws IOException {
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.US_ASCII);
        JcaPEMWriter p = new JcaPEMWriter(w)) {
      p.writeObject(pem);
    }
  }

  private static void writeKey(Path file, PrivateKey key) throws IOException {
    Files.deleteIfExists(file);
    Files.createFile(file);
    try {
      Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString(
          "rw-------"));
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system; the key stays with the platform's default permissions
    }
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.US_ASCII);
        JcaPEMWriter p = new JcaPEMWriter(w)) {
      p.writeObject(new JcaPKCS8Generator(key, null));
    }
  }
}
