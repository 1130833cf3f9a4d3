package io.fedrec.examples.partner;

import io.fedrec.client.Recommendation;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code partner-app}: loads the platform's ratings, joins the federation in the background and,
 * while training runs, serves one user's recommendations every {@code --serve-every} seconds (the
 * stand-in for the platform's request path). Exits 0 when the federation finishes or {@code
 * --max-rounds} is reached; Ctrl-C stops it cleanly.
 */
@Command(
    name = "partner-app",
    mixinStandardHelpOptions = true,
    description = "Example partner platform embedding the fedrec client SDK.")
public final class Main implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--target", paramLabel = "HOST:PORT", required = true,
      description = "the coordinator's address")
  String target;

  @Option(names = "--data", paramLabel = "FILE", required = true,
      description = "ratings CSV user,item,rating (header optional)")
  Path data;

  @Option(names = "--client-id", paramLabel = "ID", defaultValue = "partner-app",
      description = "stable client id, [A-Za-z0-9._:-]{1,128} (default: ${DEFAULT-VALUE})")
  String clientId;

  @Option(names = "--user", paramLabel = "USER",
      description = "user to serve (default: the first user in --data)")
  String user;

  @Option(names = "--k", paramLabel = "K", defaultValue = "10",
      description = "recommendations per request (default: ${DEFAULT-VALUE})")
  int k;

  @Option(names = "--max-rounds", paramLabel = "N", defaultValue = "0",
      description = "stop after N participations; 0 = until the federation finishes"
          + " (default: ${DEFAULT-VALUE})")
  long maxRounds;

  @Option(names = "--serve-every", paramLabel = "SECONDS", defaultValue = "5",
      description = "serving interval while training runs (default: ${DEFAULT-VALUE})")
  long serveEverySeconds;

  @Option(names = "--training-threads", paramLabel = "N", defaultValue = "2",
      description = "threads training users in parallel (default: ${DEFAULT-VALUE})")
  int trainingThreads;

  @Option(names = "--insecure",
      description = "plaintext gRPC without TLS: local development on a trusted network only")
  boolean insecure;

  @Option(names = "--ca", paramLabel = "FILE",
      description = "CA certificate (PEM) that signed the coordinator's certificate; default:"
          + " the JVM's trust store")
  Path ca;

  @Option(names = "--cert", paramLabel = "FILE",
      description = "this client's certificate chain (PEM) for mutual TLS; its common name must"
          + " be the client id")
  Path cert;

  @Option(names = "--key", paramLabel = "FILE",
      description = "this client's private key (PKCS#8 PEM) for mutual TLS")
  Path key;

  public static void main(String[] args) {
    if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
      // One line per log record instead of java.util.logging's default two.
      System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tT %4$s %5$s%6$s%n");
    }
    System.exit(commandLine().execute(args));
  }

  static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Main());
    cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      boolean usage = e instanceof IllegalArgumentException;
      commandLine.getErr().println("partner-app: " + e.getMessage());
      commandLine.getErr().flush();
      return usage ? 2 : 1;
    });
    return cl;
  }

  @Override
  public Integer call() throws IOException, InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    if (k < 1) {
      throw new IllegalArgumentException("--k must be >= 1. Provided value: " + k);
    }
    if (serveEverySeconds < 1) {
      throw new IllegalArgumentException(
          "--serve-every must be >= 1. Provided value: " + serveEverySeconds);
    }
    if (!Files.isRegularFile(data)) {
      throw new IllegalArgumentException("--data " + data + " does not exist or is not a file");
    }
    InMemoryRatingStore store = InMemoryRatingStore.fromCsv(data);
    if (store.users().isEmpty()) {
      throw new IllegalArgumentException("--data " + data + " holds no ratings");
    }
    String served = user != null ? user : store.users().get(0);
    if (store.ratingsOf(served) == null) {
      throw new IllegalArgumentException("--user " + served + " is not in --data " + data);
    }
    PartnerSettings settings = PartnerSettings.defaults(clientId)
        .withMaxRounds(maxRounds)
        .withTrainingThreads(trainingThreads);
    CoordinatorConnection connection = connection();
    out.printf("partner-app %s: %d users, %d ratings; joining %s%n",
        clientId, store.users().size(), store.size(), connection);
    out.flush();

    try (PartnerApp app = new PartnerApp(settings, store, connection)) {
      Thread hook = new Thread(app::close, "partner-app-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
      app.start();
      long lastRound;
      while (true) {
        try {
          lastRound = app.finished().get(serveEverySeconds, TimeUnit.SECONDS);
          break;
        } catch (TimeoutException stillTraining) {
          printServing(out, app, served);
        } catch (CancellationException closed) {
          out.println("partner-app: stopped");
          out.flush();
          return 0;
        } catch (ExecutionException e) {
          throw new IllegalStateException("federated client stopped: " + e.getCause(), e);
        }
      }
      printServing(out, app, served);
      out.printf("partner-app %s: federation finished after round %d; participated in %d"
          + " rounds%n", clientId, lastRound, app.roundsParticipated());
      out.flush();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the JVM is already exiting; the hook closes the app (again, harmlessly)
      }
    }
    return 0;
  }

  private CoordinatorConnection connection() throws IOException {
    if (insecure) {
      if (ca != null || cert != null || key != null) {
        throw new IllegalArgumentException("--insecure excludes --ca, --cert and --key");
      }
      // Local development only: see CoordinatorConnection.plaintext.
      return CoordinatorConnection.plaintext(target);
    }
    if ((cert == null) != (key == null)) {
      throw new IllegalArgumentException("--cert and --key go together");
    }
    if (cert != null) {
      if (ca == null) {
        throw new IllegalArgumentException("mutual TLS (--cert, --key) needs --ca as well");
      }
      return CoordinatorConnection.mutualTls(target, ca, cert, key);
    }
    return ca != null ? CoordinatorConnection.tls(target, ca) : CoordinatorConnection.tls(target);
  }

  private void printServing(PrintWriter out, PartnerApp app, String served) {
    Optional<List<Recommendation>> top = app.serve(served, k);
    StringBuilder line = new StringBuilder("serving ").append(served);
    if (top.isEmpty()) {
      line.append(": no federated model yet; the platform serves its fallback list");
    } else {
      line.append(" (model v").append(app.servingModelVersion().orElse(-1L)).append("):");
      for (Recommendation r : top.get()) {
        line.append(String.format(Locale.ROOT, " %d (%.3f)", r.item(), r.score()));
      }
    }
    out.println(line);
    out.flush();
  }
}
