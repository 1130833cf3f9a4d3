package io.fedrec.simulator.cli;

import io.fedrec.coordinator.store.LedgerAudit;
import io.fedrec.coordinator.store.LedgerSigner;
import io.fedrec.coordinator.round.SecAggSettings;
import io.fedrec.simulator.audit.EmpiricalAudit;
import io.fedrec.simulator.report.JsonWriter;
import io.fedrec.simulator.sim.DpOptions;
import io.fedrec.simulator.sim.SimulationConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code fedrec audit}: verifies a coordinator's ledger without trusting the coordinator. */
@Command(
    name = "audit",
    mixinStandardHelpOptions = true,
    description = "Verifies a coordinator's ledger: the hash chain, every Ed25519 signature, the"
        + " round sequence, and, for rounds with differential privacy, recomputes epsilon from"
        + " the recorded noise multiplier, sampling rate and delta. Exits 0 when intact, 1 when"
        + " any check fails. With --empirical instead: runs a simulated federation with canary"
        + " users and reports an empirical lower bound on epsilon beside the accounted one.")
final class AuditCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--ledger", paramLabel = "FILE",
      description = "ledger.jsonl from the coordinator's state directory")
  Path ledger;

  @Option(names = "--public-key", paramLabel = "FILE",
      description = "the coordinator's ledger public key (default: ledger-signing.pub next to"
          + " the ledger; an auditor should use a copy obtained independently)")
  Path publicKey;

  @Option(names = "--json", description = "print the result as JSON")
  boolean json;

  @Option(names = "--empirical",
      description = "instead of a ledger: plant canary users in a simulated federation and"
          + " report an empirical lower bound on epsilon (one-run audit)")
  boolean empirical;

  @Option(names = "--canaries", paramLabel = "M", defaultValue = "200",
      description = "--empirical: canary users, a multiple of 4 (default: ${DEFAULT-VALUE})")
  int canaries;

  @Option(names = "--users", paramLabel = "N", defaultValue = "1000",
      description = "--empirical: ordinary synthetic users (default: ${DEFAULT-VALUE})")
  int users;

  @Option(names = "--rounds", paramLabel = "N", defaultValue = "100",
      description = "--empirical: rounds (default: ${DEFAULT-VALUE})")
  long rounds;

  @Option(names = "--clients-per-round", paramLabel = "N", defaultValue = "100",
      description = "--empirical: cohort size (default: ${DEFAULT-VALUE})")
  int clientsPerRound;

  @Option(names = "--privacy", paramLabel = "MODE", defaultValue = "distributed",
      description = "--empirical: none, central or distributed (default: ${DEFAULT-VALUE})")
  String privacy;

  @Option(names = "--epsilon", paramLabel = "E", defaultValue = "4",
      description = "--empirical: budget (default: ${DEFAULT-VALUE})")
  double epsilon;

  @Option(names = "--delta", paramLabel = "D", defaultValue = "1e-6",
      description = "--empirical: delta (default: ${DEFAULT-VALUE})")
  double delta;

  @Option(names = "--clip", paramLabel = "C", defaultValue = "1.0",
      description = "--empirical: per-user clip (default: ${DEFAULT-VALUE})")
  double clip;

  @Option(names = "--seed", paramLabel = "N", defaultValue = "0",
      description = "--empirical: seed of data, canary coins and simulation (default:"
          + " ${DEFAULT-VALUE})")
  long seed;

  @Override
  public Integer call() {
    if (empirical) {
      if (ledger != null || publicKey != null) {
        throw CliException.usage("--empirical cannot be combined with --ledger or --public-key");
      }
      return empirical();
    }
    if (ledger == null) {
      throw CliException.usage("--ledger is required (or --empirical)");
    }
    if (!Files.isRegularFile(ledger)) {
      throw CliException.usage("--ledger " + ledger + " does not exist or is not a file");
    }
    Path keyFile = publicKey != null ? publicKey
        : ledger.toAbsolutePath().resolveSibling(LedgerSigner.PUBLIC_FILE);
    if (!Files.isRegularFile(keyFile)) {
      throw CliException.usage("--public-key " + keyFile + " does not exist or is not a file");
    }
    LedgerAudit audit;
    try {
      PublicKey key = LedgerSigner.readPublicKey(keyFile);
      audit = LedgerAudit.verify(ledger, key);
    } catch (IOException e) {
      throw CliException.failure("cannot audit " + ledger + ": " + e.getMessage(), e);
    }
    PrintWriter o = spec.commandLine().getOut();
    if (json) {
      JsonWriter w = new JsonWriter(o);
      w.beginObject()
          .name("ok").value(audit.ok())
          .name("rounds_verified").value(audit.records().size())
          .name("epsilon_rdp").value(audit.epsilonRdp())
          .name("epsilon_pld").value(audit.epsilonPld())
          .name("delta").value(audit.delta())
          .name("problems").beginArray();
      for (String p : audit.problems()) {
        w.value(p);
      }
      w.endArray().endObject();
      w.finish();
      o.println();
    } else {
      o.printf(Locale.ROOT, "ledger %s: %d rounds verified (hash chain, signatures, sequence,"
          + " model chain)%n", ledger, audit.records().size());
      if (!Double.isNaN(audit.delta()) && Double.isNaN(audit.epsilonPld())) {
        o.printf(Locale.ROOT, "privacy: epsilon %.6f (Skellam RDP; no PLD for Skellam noise),"
            + " recomputed from the recorded parameters, at delta %s%n", audit.epsilonRdp(),
            audit.delta());
      } else if (!Double.isNaN(audit.delta())) {
        o.printf(Locale.ROOT, "privacy: epsilon %.6f (PLD) / %.6f (RDP), recomputed from the"
            + " recorded parameters, at delta %s%n", audit.epsilonPld(), audit.epsilonRdp(),
            audit.delta());
      }
      if (audit.ok()) {
        o.println("OK: the ledger is intact");
      } else {
        for (String p : audit.problems()) {
          o.println("FAILED: " + p);
        }
      }
    }
    o.flush();
    return audit.ok() ? 0 : 1;
  }

  private Integer empirical() {
    Flags.inRange("--canaries", canaries, 8, 100_000);
    if (canaries % 4 != 0) {
      throw CliException.usage("--canaries must be a multiple of 4. Provided value: " + canaries);
    }
    Flags.inRange("--users", users, 10, 10_000_000);
    Flags.inRange("--rounds", rounds, 1, 100_000);
    Flags.inRange("--clients-per-round", clientsPerRound, 2, 100_000);
    SimulationConfig.Builder b = SimulationConfig.builder().rounds(rounds)
        .clientsPerRound(clientsPerRound).evalEvery((int) Math.min(rounds, Integer.MAX_VALUE))
        .seed(seed);
    switch (privacy) {
      case "none" -> b.serverLearningRate(SimulationConfig.DEFAULT_SERVER_LEARNING_RATE);
      case "central", "distributed" -> {
        try {
          b.privacy(new DpOptions(epsilon, delta, clip, 0, privacy))
              .serverLearningRate(SimulateCommand.PRIVATE_SERVER_LR);
        } catch (IllegalArgumentException e) {
          throw Flags.rename(e, java.util.Map.of("epsilon", "--epsilon", "delta", "--delta",
              "clipNorm", "--clip"), null);
        }
        if (privacy.equals("distributed")) {
          b.secagg(SecAggSettings.on());
        }
      }
      default -> throw CliException.usage(
          "--privacy must be one of none, central, distributed. Provided value: " + privacy);
    }
    EmpiricalAudit.Result r = EmpiricalAudit.run(b.build(), users, 200, canaries);
    PrintWriter o = spec.commandLine().getOut();
    if (json) {
      JsonWriter w = new JsonWriter(o);
      w.beginObject()
          .name("privacy_mode").value(r.privacyMode())
          .name("canaries").value(r.canaries())
          .name("included").value(r.included())
          .name("guesses").value(r.guesses())
          .name("correct").value(r.correct())
          .name("epsilon_lower_bound").value(r.epsilonLowerBound())
          .name("confidence").value(EmpiricalAudit.CONFIDENCE)
          .name("epsilon_accounted").value(r.epsilonAccounted())
          .endObject();
      w.finish();
      o.println();
    } else {
      o.printf(Locale.ROOT, "empirical audit: %d canaries (%d included), %d rounds, privacy %s%n",
          r.canaries(), r.included(), rounds, r.privacyMode());
      o.printf(Locale.ROOT, "membership guesses: %d of %d correct%n", r.correct(), r.guesses());
      o.printf(Locale.ROOT, "empirical epsilon lower bound (%.0f%% confidence): %.3f%n",
          100 * EmpiricalAudit.CONFIDENCE, r.epsilonLowerBound());
      if (Double.isNaN(r.epsilonAccounted())) {
        o.println("accounted epsilon: none (no differential privacy)");
      } else {
        o.printf(Locale.ROOT, "accounted epsilon (PLD): %.3f at delta %s%s%n",
            r.epsilonAccounted(), delta, r.epsilonLowerBound() <= r.epsilonAccounted()
                ? ": consistent" : ": INCONSISTENT, the lower bound exceeds the accounting");
      }
    }
    o.flush();
    return Double.isNaN(r.epsilonAccounted()) || r.epsilonLowerBound() <= r.epsilonAccounted()
        ? 0 : 1;
  }
}
