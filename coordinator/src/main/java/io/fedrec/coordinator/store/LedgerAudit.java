package io.fedrec.coordinator.store;

import io.fedrec.coordinator.round.RoundRecord;
import io.fedrec.core.dp.RdpAccountant;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Independent verification of a ledger ({@code fedrec audit}): every line parses, links to the
 * one before ({@link LedgerLine}), carries a valid Ed25519 signature by the given public key, and
 * rounds run 1, 2, 3, ... without gaps; for rounds run with differential privacy, the recorded
 * {@code epsilon_rdp} is recomputed from the recorded {@code noise_multiplier}, {@code
 * sampling_rate} and {@code delta} by composing the subsampled Gaussian round by round with a
 * fresh {@link RdpAccountant}, and must agree to a relative 1e-6.
 *
 * @param records the records of the lines that verified, in order (verification stops at the
 *     first broken link, since nothing after it can be trusted)
 * @param problems readable descriptions naming the line; empty when the ledger is intact
 * @param epsilonRdp the recomputed epsilon after the last verified private round (0 if none)
 * @param delta the delta of the last private round (NaN if none)
 */
public record LedgerAudit(
    List<RoundRecord> records, List<String> problems, double epsilonRdp, double delta) {

  public boolean ok() {
    return problems.isEmpty();
  }

  /** Audits {@code ledgerFile} against {@code key}. */
  public static LedgerAudit verify(Path ledgerFile, PublicKey key) throws IOException {
    List<String> lines = Files.readAllLines(ledgerFile, StandardCharsets.UTF_8);
    List<RoundRecord> records = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    byte[] link = LedgerLine.GENESIS;
    RdpAccountant accountant = RdpAccountant.create();
    double epsilon = 0;
    double delta = Double.NaN;
    for (int n = 1; n <= lines.size(); n++) {
      LedgerLine line;
      try {
        line = LedgerLine.decode(lines.get(n - 1));
      } catch (IllegalArgumentException e) {
        problems.add("line " + n + ": unreadable: " + e.getMessage());
        break;
      }
      if (!Arrays.equals(line.link(), LedgerLine.link(link, line.entryJson()))) {
        problems.add("line " + n + ": hash chain broken (the line or one before it was edited,"
            + " removed, inserted or reordered)");
        break;
      }
      if (!LedgerSigner.verify(key, line.link(), line.signature())) {
        problems.add("line " + n + ": signature does not verify with the given public key");
        break;
      }
      RoundRecord r = line.record();
      if (r.round() != records.size() + 1) {
        problems.add("line " + n + ": round " + r.round() + " where round " + (records.size() + 1)
            + " was expected");
        break;
      }
      Double z = r.measurements().get("noise_multiplier");
      Double q = r.measurements().get("sampling_rate");
      Double d = r.measurements().get("delta");
      Double recorded = r.measurements().get("epsilon_rdp");
      if (z != null || q != null || d != null || recorded != null) {
        if (z == null || q == null || d == null || recorded == null) {
          problems.add("line " + n + ": round " + r.round() + " has an incomplete privacy record"
              + " (needs noise_multiplier, sampling_rate, delta and epsilon_rdp)");
          break;
        }
        accountant.compose(q, z, 1);
        epsilon = accountant.epsilon(d);
        delta = d;
        if (!(Math.abs(epsilon - recorded) <= 1e-6 * Math.max(1, Math.abs(epsilon)))) {
          problems.add(String.format(Locale.ROOT, "line %d: round %d records epsilon_rdp %.9f but"
              + " its parameters give %.9f", n, r.round(), recorded, epsilon));
        }
      }
      records.add(r);
      link = line.link();
    }
    return new LedgerAudit(List.copyOf(records), List.copyOf(problems), epsilon, delta);
  }
}
