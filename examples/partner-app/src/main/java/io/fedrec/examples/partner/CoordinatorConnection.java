package io.fedrec.examples.partner;

import io.fedrec.client.FederatedClient;
import io.grpc.Channel;
import io.grpc.TlsChannelCredentials;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * How the partner app reaches the coordinator: the credentials hook. Pick one factory; {@link
 * #applyTo} sets the matching options on the SDK's builder.
 *
 * <pre>{@code
 * CoordinatorConnection.tls("fedrec.example.com:443", Path.of("/etc/partner/fedrec-ca.pem"));
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class CoordinatorConnection {
  private final String description;
  private final Consumer<FederatedClient.Builder> settings;

  private CoordinatorConnection(String description, Consumer<FederatedClient.Builder> settings) {
    this.description = description;
    this.settings = settings;
  }

  /**
   * Plaintext gRPC to {@code target}.
   *
   * <p><b>Local development only</b> (e.g. against {@code ./fedrec coordinator}, which serves
   * plaintext): ratings never leave the process either way, but the model update, the client id
   * and the task tokens travel unencrypted and the coordinator is not authenticated, so anyone on
   * the path could read or tamper with them. Use {@link #tls} for anything else.
   */
  public static CoordinatorConnection plaintext(String target) {
    checkTarget(target);
    return new CoordinatorConnection("plaintext " + target,
        b -> b.target(target).usePlaintext());
  }

  /** TLS to {@code target}, trusting the JVM's default trust store (a publicly issued cert). */
  public static CoordinatorConnection tls(String target) {
    checkTarget(target);
    // The SDK's default for target(...) is TLS with the JVM's trust store.
    return new CoordinatorConnection("TLS " + target, b -> b.target(target));
  }

  /**
   * TLS to {@code target}, trusting only the PEM certificates in {@code trustedCertificates}
   * (the federation's private CA).
   *
   * @throws IllegalArgumentException if the file does not exist
   * @throws IOException if the certificates cannot be read or parsed
   */
  public static CoordinatorConnection tls(String target, Path trustedCertificates)
      throws IOException {
    checkTarget(target);
    requireFile("trustedCertificates", trustedCertificates);
    var credentials = TlsChannelCredentials.newBuilder()
        .trustManager(trustedCertificates.toFile())
        .build();
    return new CoordinatorConnection("TLS " + target + " trusting " + trustedCertificates,
        b -> b.target(target).credentials(credentials));
  }

  /**
   * Mutual TLS: as {@link #tls(String, Path)}, and the client presents {@code certificateChain}
   * with its PKCS#8 {@code privateKey} (both PEM) so the coordinator can authenticate it.
   *
   * @throws IllegalArgumentException if a file does not exist
   * @throws IOException if a file cannot be read or parsed
   */
  public static CoordinatorConnection mutualTls(String target, Path trustedCertificates,
      Path certificateChain, Path privateKey) throws IOException {
    checkTarget(target);
    requireFile("trustedCertificates", trustedCertificates);
    requireFile("certificateChain", certificateChain);
    requireFile("privateKey", privateKey);
    var credentials = TlsChannelCredentials.newBuilder()
        .trustManager(trustedCertificates.toFile())
        .keyManager(certificateChain.toFile(), privateKey.toFile())
        .build();
    return new CoordinatorConnection("mutual TLS " + target + " as " + certificateChain,
        b -> b.target(target).credentials(credentials));
  }

  /**
   * A channel the caller owns and closes: an in-process channel in tests, or a channel that
   * carries the platform's own interceptors (auth headers, tracing).
   */
  public static CoordinatorConnection channel(Channel channel) {
    Objects.requireNonNull(channel, "channel");
    return new CoordinatorConnection("channel " + channel.authority(), b -> b.channel(channel));
  }

  /** Sets the target or channel, and the credentials, on {@code builder}. */
  public void applyTo(FederatedClient.Builder builder) {
    settings.accept(builder);
  }

  @Override
  public String toString() {
    return description;
  }

  private static void checkTarget(String target) {
    if (target == null || target.isBlank()) {
      throw new IllegalArgumentException(
          "target must be a non-blank host:port or gRPC target URI. Provided value: \"" + target
              + "\"");
    }
  }

  private static void requireFile(String name, Path file) {
    if (file == null || !Files.isRegularFile(file)) {
      throw new IllegalArgumentException(
          name + " must be an existing PEM file. Provided value: " + file);
    }
  }
}
