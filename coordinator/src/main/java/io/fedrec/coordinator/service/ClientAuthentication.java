package io.fedrec.coordinator.service;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * Binds a call to the client identity proven by its TLS client certificate (mutual TLS): the
 * certificate's subject common name is the client id. The certificate chain itself is verified by
 * the TLS handshake against the configured client CA; this interceptor only reads the result.
 *
 * <p>With {@link #requireCertificates()}, a call without a verified client certificate is closed
 * with {@code UNAUTHENTICATED}, and {@link CoordinatorService} answers {@code PERMISSION_DENIED}
 * to a request whose {@code client_id} differs from the certificate's, so no client can act under
 * another's id. {@link #none()} (plaintext or server-only TLS) checks nothing.
 *
 * <p>Thread-safe and stateless.
 */
public final class ClientAuthentication implements ServerInterceptor {
  /** The authenticated client id of the current call, when certificates are required. */
  static final Context.Key<String> CLIENT_ID = Context.key("fedrec-authenticated-client-id");

  private final boolean required;

  private ClientAuthentication(boolean required) {
    this.required = required;
  }

  /** Every call must present a client certificate; its common name is the client id. */
  public static ClientAuthentication requireCertificates() {
    return new ClientAuthentication(true);
  }

  /** No client authentication (development on a trusted network, or server-only TLS). */
  public static ClientAuthentication none() {
    return new ClientAuthentication(false);
  }

  public boolean required() {
    return required;
  }

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    if (!required) {
      return next.startCall(call, headers);
    }
    String id;
    try {
      id = commonName(call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION));
    } catch (StatusRuntimeException e) {
      call.close(e.getStatus(), new Metadata());
      return new ServerCall.Listener<>() {};
    }
    return Contexts.interceptCall(Context.current().withValue(CLIENT_ID, id), call, headers, next);
  }

  private static String commonName(SSLSession session) {
    if (session == null) {
      throw unauthenticated("this coordinator requires TLS with a client certificate");
    }
    Certificate[] chain;
    try {
      chain = session.getPeerCertificates();
    } catch (SSLPeerUnverifiedException e) {
      throw unauthenticated("no client certificate presented; this coordinator requires one");
    }
    if (chain.length == 0 || !(chain[0] instanceof X509Certificate cert)) {
      throw unauthenticated("no X.509 client certificate presented");
    }
    try {
      for (Rdn rdn : new LdapName(cert.getSubjectX500Principal().getName()).getRdns()) {
        if (rdn.getType().equalsIgnoreCase("CN")) {
          return rdn.getValue().toString();
        }
      }
    } catch (InvalidNameException e) {
      throw unauthenticated("client certificate subject is malformed");
    }
    throw unauthenticated("client certificate has no common name (CN = client id)");
  }

  private static StatusRuntimeException unauthenticated(String description) {
    return Status.UNAUTHENTICATED.withDescription(description).asRuntimeException();
  }

  /**
   * Checks that {@code clientId} is the authenticated one, when there is one.
   *
   * @throws StatusRuntimeException PERMISSION_DENIED on a mismatch
   */
  static void checkClientId(String clientId) {
    String authenticated = CLIENT_ID.get();
    if (authenticated != null && !authenticated.equals(clientId)) {
      throw Status.PERMISSION_DENIED
          .withDescription("client_id \"" + clientId + "\" does not match the client certificate"
              + " (CN=" + authenticated + ")")
          .asRuntimeException();
    }
  }
}
