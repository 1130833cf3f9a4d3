package io.fedrec.simulator.cli;

import io.fedrec.core.model.Checks;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code fedrec certs}: a development CA with a server certificate and client certificates. */
@Command(
    name = "certs",
    mixinStandardHelpOptions = true,
    description = "Creates a development certificate authority, a server certificate and client"
        + " certificates (common name = client id) for running a federation over mutual TLS on"
        + " one machine. For development only: production uses its own PKI.")
final class CertsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--out", paramLabel = "DIR", defaultValue = "certs",
      description = "output directory (default: ${DEFAULT-VALUE})")
  Path out;

  @Option(names = "--clients", paramLabel = "ID[,ID...]", split = ",",
      defaultValue = "client-1,client-2",
      description = "client ids to issue certificates for (default: ${DEFAULT-VALUE})")
  List<String> clients;

  @Option(names = "--hosts", paramLabel = "NAME[,NAME...]", split = ",",
      defaultValue = "localhost,127.0.0.1",
      description = "host names and addresses of the coordinator (default: ${DEFAULT-VALUE})")
  List<String> hosts;

  @Option(names = "--days", paramLabel = "N", defaultValue = "30",
      description = "validity in days (default: ${DEFAULT-VALUE})")
  long days;

  @Override
  public Integer call() {
    PrintWriter o = spec.commandLine().getOut();
    Flags.inRange("--days", days, 1, 3650);
    for (String id : clients) {
      try {
        Checks.clientId(id);
      } catch (IllegalArgumentException e) {
        throw CliException.usage("--clients " + e.getMessage().replaceFirst("^client_id ", ""), e);
      }
    }
    for (String h : hosts) {
      if (h.isBlank() || !h.matches("[A-Za-z0-9.:-]+")) {
        throw CliException.usage(
            "--hosts entries must be host names or IP addresses. Provided value: \"" + h + "\"");
      }
    }
    try {
      Files.createDirectories(out);
      DevCertificates ca = new DevCertificates(Duration.ofDays(days));
      ca.writeCa(out);
      ca.writeServer(out, hosts);
      for (String id : clients) {
        ca.writeClient(out, id);
      }
    } catch (IOException | GeneralSecurityException e) {
      throw CliException.failure("cannot write certificates to " + out + ": " + e.getMessage(), e);
    }
    o.printf("wrote %s: ca.pem, server.pem/.key (%s), %s (each .pem/.key); valid %d days%n",
        out, String.join(", ", hosts), String.join(", ", clients), days);
    o.printf("coordinator: --tls-cert %s --tls-key %s --client-ca %s%n",
        out.resolve("server.pem"), out.resolve("server.key"), out.resolve("ca.pem"));
    o.printf("client:      --ca %s --cert %s --key %s --client-id %s%n", out.resolve("ca.pem"),
        out.resolve(clients.get(0) + ".pem"), out.resolve(clients.get(0) + ".key"),
        clients.get(0));
    o.flush();
    return 0;
  }
}
