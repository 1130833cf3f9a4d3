package io.fedrec.simulator.cli;

import io.fedrec.client.ClientEventListener;
import io.fedrec.client.FederatedClient;
import io.grpc.ChannelCredentials;
import io.grpc.TlsChannelCredentials;
import io.fedrec.client.LocalDataSource;
import io.fedrec.core.model.Checks;
import io.fedrec.core.model.UserRatings;
import io.fedrec.simulator.data.CsvRatings;
import io.fedrec.simulator.data.RatingsData;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code fedrec client}: a client process that joins a coordinator with the users of a local
 * ratings CSV, takes part in rounds until the federation finishes (or {@code --max-rounds}), and
 * exits 0.
 */
@Command(
    name = "client",
    mixinStandardHelpOptions = true,
    description =
        "Joins a coordinator (TLS by default; --insecure for plaintext) with the users of a"
            + " local CSV "
            + "user,item,rating (header optional; items are catalogue indices 0..num_items-1), "
            + "trains in every round it is selected for, and exits when the federation is "
            + "finished or --max-rounds is reached.")
final class ClientCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--target", paramLabel = "HOST:PORT", required = true,
      description = "the coordinator's address")
  String target;

  @Option(names = "--data", paramLabel = "FILE", required = true,
      description = "ratings CSV user,item,rating[,timestamp]")
  Path data;

  @Option(names = "--client-id", paramLabel = "ID",
      description = "stable client id, [A-Za-z0-9._:-]{1,128} (default: the data file's name"
          + " without extension)")
  String clientId;

  @Option(names = "--max-rounds", paramLabel = "N", defaultValue = "0",
      description = "stop after N participations; 0 = until the federation finishes"
          + " (default: ${DEFAULT-VALUE})")
  long maxRounds;

  @Option(names = "--ca", paramLabel = "FILE",
      description = "CA certificate (PEM) that signed the coordinator's certificate; default:"
          + " the JVM's trust store")
  Path ca;

  @Option(names = "--cert", paramLabel = "FILE",
      description = "this client's certificate (PEM) for mutual TLS; its common name must be"
          + " the client id")
  Path cert;

  @Option(names = "--key", paramLabel = "FILE", description = "this client's private key (PEM)")
  Path key;

  @Option(names = "--insecure",
      description = "plaintext gRPC without TLS: only for development on a trusted network")
  boolean insecure;

  @Option(names = "--rpc-timeout-seconds", paramLabel = "S", defaultValue = "30",
      description = "deadline of every RPC (default: ${DEFAULT-VALUE})")
  long rpcTimeoutSeconds;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter o = spec.commandLine().getOut();
    PrintWriter e = spec.commandLine().getErr();
    checkTarget(target);
    Flags.inRange("--max-rounds", maxRounds, 0, Long.MAX_VALUE);
    Flags.inRange("--rpc-timeout-seconds", rpcTimeoutSeconds, 1, 3600);
    String id = clientId != null ? clientId : defaultId(data);
    try {
      Checks.clientId(id);
    } catch (IllegalArgumentException ex) {
      throw CliException.usage("--client-id " + ex.getMessage().replaceFirst("^client_id ", ""),
          ex);
    }
    if (!Files.isRegularFile(data)) {
      throw CliException.usage("--data " + data + " does not exist or is not a file");
    }
    RatingsData ratings;
    try {
      ratings = CsvRatings.read(data);
    } catch (IllegalArgumentException ex) {
      throw CliException.usage("--data " + ex.getMessage(), ex);
    } catch (IOException ex) {
      throw CliException.failure("cannot read --data " + data + ": " + ex, ex);
    }
    CsvDataSource source = new CsvDataSource(ratings);
    synchronized (o) {
      o.printf("client %s: %d users, %d ratings; joining %s%n",
          id, ratings.numUsers(), ratings.numRatings(), target);
      o.flush();
    }
    FederatedClient.Builder builder = FederatedClient.builder()
        .clientId(id)
        .target(target)
        .dataSource(source)
        .rpcTimeout(Duration.ofSeconds(rpcTimeoutSeconds))
        .listener(new Printer(o, e));
    if (maxRounds > 0) {
      builder.maxRounds(maxRounds);
    }
    if (insecure) {
      builder.usePlaintext();
    } else {
      builder.credentials(channelCredentials());
    }
    try (FederatedClient client = builder.build()) {
      client.start();
      long last;
      try {
        last = client.finished().get();
      } catch (ExecutionException ex) {
        Throwable c = ex.getCause() == null ? ex : ex.getCause();
        throw CliException.failure("client stopped: " + c.getMessage(), c);
      }
      synchronized (o) {
        o.printf("client %s: finished after round %d; participated in %d rounds%n",
            id, last, client.roundsParticipated());
        o.flush();
      }
    }
    return 0;
  }

  /** TLS with the given CA (or the JVM's trust store) and, for mutual TLS, a client key pair. */
  private ChannelCredentials channelCredentials() {
    if ((cert == null) != (key == null)) {
      throw CliException.usage("--cert and --key go together");
    }
    try {
      TlsChannelCredentials.Builder b = TlsChannelCredentials.newBuilder();
      if (ca != null) {
        requireFile("--ca", ca);
        b.trustManager(ca.toFile());
      }
      if (cert != null) {
        requireFile("--cert", cert);
        requireFile("--key", key);
        b.keyManager(cert.toFile(), key.toFile());
      }
      return b.build();
    } catch (IOException | IllegalArgumentException e) {
      throw CliException.usage("cannot load the TLS files: " + e.getMessage(), e);
    }
  }

  private static void requireFile(String flag, Path f) {
    if (!Files.isRegularFile(f)) {
      throw CliException.usage(flag + " " + f + " does not exist or is not a file");
    }
  }

  private static void checkTarget(String target) {
    int colon = target == null ? -1 : target.lastIndexOf(':');
    boolean ok = colon > 0 && colon < target.length() - 1;
    if (ok) {
      try {
        int p = Integer.parseInt(target.substring(colon + 1));
        ok = p >= 1 && p <= 65535;
      } catch (NumberFormatException ex) {
        ok = false;
      }
    }
    if (!ok) {
      throw CliException.usage(
          "--target must be HOST:PORT with a port in [1, 65535]. Provided value: " + target);
    }
  }

  private static String defaultId(Path data) {
    Path name = data.getFileName();
    String s = name == null ? "client" : name.toString();
    int dot = s.lastIndexOf('.');
    return dot > 0 ? s.substring(0, dot) : s;
  }

  /** The CSV's users by their labels, in file order; reads are views, thread-safe. */
  static final class CsvDataSource implements LocalDataSource {
    private final RatingsData data;
    private final List<String> ids;
    private final Map<String, Integer> index;

    CsvDataSource(RatingsData data) {
      this.data = data;
      List<String> l = new ArrayList<>(data.numUsers());
      Map<String, Integer> m = new HashMap<>();
      for (int u = 0; u < data.numUsers(); u++) {
        l.add(data.userLabel(u));
        m.put(data.userLabel(u), u);
      }
      this.ids = Collections.unmodifiableList(l);
      this.index = Map.copyOf(m);
    }

    @Override
    public Collection<String> userIds() {
      return ids;
    }

    @Override
    public UserRatings ratings(String userId) {
      Integer u = index.get(userId);
      return u == null ? null : data.user(u);
    }
  }

  /** Prints one line per round event. */
  private static final class Printer implements ClientEventListener {
    private final PrintWriter out;
    private final PrintWriter err;

    Printer(PrintWriter out, PrintWriter err) {
      this.out = out;
      this.err = err;
    }

    @Override
    public void onUpdateSubmitted(long round, int users) {
      line(out, "round " + round + ": submitted the update of " + users + " users");
    }

    @Override
    public void onTaskFailed(long round, Throwable cause) {
      line(out, "round " + round + ": task failed: " + cause.getMessage());
    }

    @Override
    public void onError(Throwable error) {
      line(err, "error: " + error.getMessage() + " (retrying)");
    }

    private static void line(PrintWriter w, String s) {
      synchronized (w) {
        w.println(s);
        w.flush();
      }
    }
  }
}
