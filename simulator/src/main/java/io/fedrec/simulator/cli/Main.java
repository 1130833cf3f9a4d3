package io.fedrec.simulator.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The {@code fedrec} command line: {@code simulate}, {@code baseline}, {@code coordinator} and
 * {@code client}.
 *
 * <p>Exit codes: 0 on success; 2 for usage and validation errors, reported as one message that
 * names the flag, the rule and the value; 1 for failures while running, reported as a message.
 * Stack traces are printed only when the environment variable {@code FEDREC_DEBUG} is {@code 1}.
 */
@Command(
    name = "fedrec",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Federated, privacy-preserving recommendation.",
    subcommands = {
      SimulateCommand.class,
      BaselineCommand.class,
      CoordinatorCommand.class,
      ClientCommand.class,
      PrivacyCommand.class,
      CertsCommand.class,
      AuditCommand.class,
      SweepCommand.class
    })
public final class Main implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(
        spec.commandLine(), "Missing subcommand: one of simulate, baseline, coordinator, client");
  }

  public static void main(String[] args) {
    PrintWriter out =
        new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
    PrintWriter err =
        new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
    int code = execute(out, err, "1".equals(System.getenv("FEDREC_DEBUG")), args);
    out.flush();
    err.flush();
    System.exit(code);
  }

  /** Runs the command line with the given streams; returns the exit code. */
  public static int execute(PrintWriter out, PrintWriter err, String... args) {
    return execute(out, err, false, args);
  }

  /** As {@link #execute(PrintWriter, PrintWriter, String...)}, with stack traces if debug. */
  public static int execute(PrintWriter out, PrintWriter err, boolean debug, String... args) {
    CommandLine cmd = commandLine(out, err, debug);
    if (args.length > 0 && args[0].equals("simulate")) {
      CommandLine sub = cmd.getSubcommands().get("simulate");
      try {
        ConfigFile.install(sub, java.util.Arrays.asList(args).subList(1, args.length));
      } catch (CliException e) {
        err.println(sub.getCommandSpec().qualifiedName() + ": " + e.getMessage());
        err.flush();
        return e.exitCode();
      }
    }
    return cmd.execute(args);
  }

  /** The configured picocli command line. */
  static CommandLine commandLine(PrintWriter out, PrintWriter err, boolean debug) {
    CommandLine cmd = new CommandLine(new Main());
    cmd.setOut(out);
    cmd.setErr(err);
    cmd.setCaseInsensitiveEnumValuesAllowed(true);
    cmd.setParameterExceptionHandler((ex, args) -> {
      CommandLine c = ex.getCommandLine();
      c.getErr().println(c.getCommandSpec().qualifiedName() + ": " + ex.getMessage());
      c.getErr().println(
          "Try '" + c.getCommandSpec().qualifiedName() + " --help' for more information.");
      if (debug) {
        ex.printStackTrace(c.getErr());
      }
      c.getErr().flush();
      return CliException.USAGE;
    });
    cmd.setExecutionExceptionHandler((ex, c, parseResult) -> {
      String name = c.getCommandSpec().qualifiedName();
      int code;
      String message;
      if (ex instanceof CliException ce) {
        code = ce.exitCode();
        message = ce.getMessage();
      } else if (ex instanceof IllegalArgumentException) {
        code = CliException.USAGE;
        message = ex.getMessage();
      } else {
        code = CliException.FAILURE;
        message = ex.getMessage() == null ? ex.toString() : ex.getMessage();
      }
      c.getErr().println(name + ": " + message);
      if (debug) {
        ex.printStackTrace(c.getErr());
      }
      c.getErr().flush();
      return code;
    });
    return cmd;
  }

  /** {@code fedrec <version>} from the build's {@code version.properties}. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"fedrec " + version() + " (git " + gitRevision() + ")",
          "Java " + System.getProperty("java.version")};
    }
  }

  /** The project version, or {@code unknown} outside a build. */
  public static String version() {
    return buildProperty("version");
  }

  /**
   * The git commit (HEAD) the build was made from, or {@code unknown} when it was not built from a
   * git checkout. Uncommitted changes in the working tree are not marked.
   */
  public static String gitRevision() {
    String commit = buildProperty("git_revision");
    return commit.matches("[0-9a-f]{40}") ? commit : "unknown";
  }

  private static String buildProperty(String key) {
    Properties p = new Properties();
    try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      return "unknown";
    }
    return p.getProperty(key, "unknown");
  }
}
