package io.fedrec.simulator.cli;

import io.fedrec.coordinator.store.LedgerAudit;
import io.fedrec.coordinator.store.LedgerSigner;
import io.fedrec.simulator.report.JsonWriter;
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
        + " any check fails.")
final class AuditCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--ledger", paramLabel = "FILE", required = true,
      description = "ledger.jsonl from the coordinator's state directory")
  Path ledger;

  @Option(names = "--public-key", paramLabel = "FILE",
      description = "the coordinator's ledger public key (default: ledger-signing.pub next to"
          + " the ledger; an auditor should use a copy obtained independently)")
  Path publicKey;

  @Option(names = "--json", description = "print the result as JSON")
  boolean json;

  @Override
  public Integer call() {
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
          .name("delta").value(audit.delta())
          .name("problems").beginArray();
      for (String p : audit.problems()) {
        w.value(p);
      }
      w.endArray().endObject();
      w.finish();
      o.println();
    } else {
      o.printf(Locale.ROOT, "ledger %s: %d rounds verified (hash chain, signatures, sequence)%n",
          ledger, audit.records().size());
      if (!Double.isNaN(audit.delta())) {
        o.printf(Locale.ROOT, "privacy: epsilon %.6f (RDP, recomputed from the recorded"
            + " parameters) at delta %s%n", audit.epsilonRdp(), audit.delta());
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
}
