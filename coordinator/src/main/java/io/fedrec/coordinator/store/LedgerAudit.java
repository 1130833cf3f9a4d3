package io.fedrec.coordinator.store;

import io.fedrec.coordinator.round.RoundRecord;
import io.fedrec.coordinator.round.PrivacySettings;
import io.fedrec.core.dp.DistributedNoise;
import io.fedrec.core.dp.PldAccountant;
import io.fedrec.core.dp.RdpAccountant;
import io.fedrec.core.dp.SkellamAccountant;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Independent verification of a ledger ({@code fedrec audit}). Structure first: every line
 * parses, links to the one before ({@link LedgerLine}), carries a valid Ed25519 signature by the
 * given public key, and rounds run 1, 2, 3, ... without gaps (verification stops at the first
 * broken link, since nothing after it can be trusted). Then the content of every verified entry:
 *
 * <ul>
 *   <li>each round starts from the model the round before published ({@code
 *       model_before_sha256} equals the previous entry's {@code model_sha256});
 *   <li>{@code privacy_mode} is a known mode and {@code accountant} is an accounting this
 *       auditor implements ({@link PrivacySettings#ACCOUNTANT_VERSION}, or {@link
 *       PrivacySettings#SKELLAM_ACCOUNTANT_VERSION} for Skellam noise); otherwise the epsilons
 *       are not recomputed and that is reported;
 *   <li>Skellam entries hold {@link #SKELLAM_PRIVACY_FIELDS}; their sensitivities are recomputed
 *       from {@code clip_norm}, {@code noise_scale} and {@code num_parameters}, and {@code
 *       epsilon_rdp} from those by {@code SkellamAccountant}, to a relative 1e-6; there is no
 *       {@code epsilon_pld} (NaN in {@link #epsilonPld()});
 *   <li>for private rounds, the entry holds the complete privacy record ({@link
 *       #PRIVACY_FIELDS}), and {@code epsilon_rdp} and {@code epsilon_pld} are recomputed from
 *       the recorded {@code noise_multiplier}, {@code sampling_rate}, {@code delta} and {@code
 *       pld_interval} over the private rounds so far, exactly as the coordinator computes them
 *       (fresh accountants over {@code n} identical steps; if the parameters ever changed, the
 *       steps are composed run by run and a relative 1e-3 is allowed for PLD's truncations); each
 *       must agree to a relative 1e-6, and neither may exceed the recorded {@code
 *       epsilon_budget}.
 * </ul>
 *
 * @param records the records of the lines that verified, in order
 * @param problems readable descriptions naming the line; empty when the ledger is intact
 * @param epsilonRdp the recomputed RDP epsilon after the last verified private round (0 if none)
 * @param epsilonPld the recomputed PLD epsilon after the last verified private round (0 if none)
 * @param delta the delta of the last private round (NaN if none)
 */
public record LedgerAudit(
    List<RoundRecord> records, List<String> problems, double epsilonRdp, double epsilonPld,
    double delta) {

  /** The measurements every private round's entry must carry. */
  public static final List<String> PRIVACY_FIELDS = List.of("clip_norm", "noise_multiplier",
      "sampling_rate", "delta", "epsilon_budget", "epsilon_rdp", "epsilon_pld", "pld_interval");

  /**
   * The privacy record of an entry accounted by {@link
   * PrivacySettings#SKELLAM_ACCOUNTANT_VERSION}: no PLD value, and the encoding the Skellam
   * sensitivities follow from ({@code skellam_l2_units = clip_norm * noise_scale +
   * sqrt(num_parameters) + 1}, {@code skellam_l1_units = min(sqrt(num_parameters + 1) l2,
   * l2^2)}), which the auditor recomputes.
   */
  public static final List<String> SKELLAM_PRIVACY_FIELDS = List.of("clip_norm",
      "noise_multiplier", "sampling_rate", "delta", "epsilon_budget", "epsilon_rdp",
      "noise_scale", "num_parameters", "skellam_l2_units", "skellam_l1_units");

  public boolean ok() {
    return problems.isEmpty();
  }

  /** Audits {@code ledgerFile} against {@code key}. */
  public static LedgerAudit verify(Path ledgerFile, PublicKey key) throws IOException {
    List<String> lines = Files.readAllLines(ledgerFile, StandardCharsets.UTF_8);
    List<RoundRecord> records = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    byte[] link = LedgerLine.GENESIS;
    Recomputation privacy = new Recomputation();
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
      if (!records.isEmpty()) {
        String published = records.get(records.size() - 1).modelSha256Hex();
        if (!published.equals(r.modelBeforeSha256Hex())) {
          problems.add("line " + n + ": round " + r.round() + " starts from model "
              + r.modelBeforeSha256Hex() + " but round " + (r.round() - 1) + " published "
              + published);
        }
      }
      privacy.check(n, r, problems);
      records.add(r);
      link = line.link();
    }
    return new LedgerAudit(List.copyOf(records), List.copyOf(problems), privacy.epsilonRdp,
        privacy.epsilonPld, privacy.delta);
  }

  /** Recomputes the epsilons of the private rounds, entry by entry. */
  private static final class Recomputation {
    /** Runs of identical (sampling rate, noise multiplier, interval): {q, z, h, steps}. */
    private final List<double[]> runs = new ArrayList<>();
    private double epsilonRdp;
    private double epsilonPld;
    private double delta = Double.NaN;
    private boolean stopped;
    /** Whether the private rounds were accounted for Skellam noise; null before the first. */
    private Boolean skellam;
    /** The Skellam rounds so far, composed one by one (RDP adds per order). */
    private RdpAccountant skellamRdp;

    void check(int n, RoundRecord r, List<String> problems) {
      if (stopped) {
        return;
      }
      String where = "line " + n + ": round " + r.round();
      PrivacySettings.Mode mode;
      try {
        mode = PrivacySettings.Mode.parse(r.privacyMode());
      } catch (IllegalArgumentException e) {
        problems.add(where + " records an unknown privacy_mode: " + e.getMessage());
        stopped = true;
        return;
      }
      if (mode == PrivacySettings.Mode.NONE) {
        return;
      }
      boolean isSkellam = PrivacySettings.SKELLAM_ACCOUNTANT_VERSION.equals(r.accountant());
      if (!isSkellam && !PrivacySettings.ACCOUNTANT_VERSION.equals(r.accountant())) {
        problems.add(where + " was accounted by " + r.accountant() + " but this auditor"
            + " implements " + PrivacySettings.ACCOUNTANT_VERSION + " and "
            + PrivacySettings.SKELLAM_ACCOUNTANT_VERSION + "; epsilon not recomputed"
            + " from here on");
        stopped = true;
        return;
      }
      if (skellam != null && skellam != isSkellam) {
        problems.add(where + " was accounted by " + r.accountant() + " but earlier private"
            + " rounds by another accountant; epsilon not recomputed from here on");
        stopped = true;
        return;
      }
      skellam = isSkellam;
      List<String> missing = new ArrayList<>();
      for (String f : isSkellam ? SKELLAM_PRIVACY_FIELDS : PRIVACY_FIELDS) {
        Double v = r.measurements().get(f);
        if (v == null || !Double.isFinite(v)) {
          missing.add(f);
        }
      }
      if (!missing.isEmpty()) {
        problems.add(where + " (privacy_mode " + mode.key() + ") has an incomplete privacy"
            + " record: missing " + String.join(", ", missing) + "; epsilon not recomputed from"
            + " here on");
        stopped = true;
        return;
      }
      Map<String, Double> m = r.measurements();
      if (isSkellam) {
        checkSkellam(where, m, problems);
        return;
      }
      double q = m.get("sampling_rate");
      double z = m.get("noise_multiplier");
      double h = m.get("pld_interval");
      double d = m.get("delta");
      try {
        extend(q, z, h);
        epsilonRdp = rdp(d);
        epsilonPld = pld(d);
      } catch (IllegalArgumentException e) {
        problems.add(where + " records privacy parameters no accountant accepts: "
            + e.getMessage());
        stopped = true;
        return;
      }
      delta = d;
      compare(where, "epsilon_rdp", m.get("epsilon_rdp"), epsilonRdp, 1e-6, problems);
      compare(where, "epsilon_pld", m.get("epsilon_pld"), epsilonPld,
          runs.size() == 1 ? 1e-6 : 1e-3, problems);
      double budget = m.get("epsilon_budget");
      double spent = Math.min(epsilonRdp, epsilonPld);
      if (spent > budget * (1 + 1e-9)) {
        problems.add(String.format(Locale.ROOT, "%s spends epsilon %.6f (RDP %.6f, PLD %.6f),"
            + " above its recorded budget %s", where, spent, epsilonRdp, epsilonPld, budget));
      }
    }

    /** The Skellam entries: sensitivities from the encoding, then the Skellam RDP epsilon. */
    private void checkSkellam(String where, Map<String, Double> m, List<String> problems) {
      double q = m.get("sampling_rate");
      double z = m.get("noise_multiplier");
      double d = m.get("delta");
      double l2 = m.get("skellam_l2_units");
      double l1 = m.get("skellam_l1_units");
      double clip = m.get("clip_norm");
      double scale = m.get("noise_scale");
      int dimension = (int) Math.min(Integer.MAX_VALUE, m.get("num_parameters"));
      double expectedL2 = DistributedNoise.sensitivityUnits(clip, scale, dimension);
      double expectedL1 = DistributedNoise.l1SensitivityUnits(clip, scale, dimension);
      compare(where, "skellam_l2_units", l2, expectedL2, 1e-12, problems);
      compare(where, "skellam_l1_units", l1, expectedL1, 1e-12, problems);
      try {
        // the larger of recorded and recomputed: an understated sensitivity cannot lower epsilon
        double[] step = SkellamAccountant.stepRdp(SkellamAccountant.orders(), q, z,
            Math.max(l2, expectedL2), Math.max(l1, expectedL1));
        if (skellamRdp == null) {
          skellamRdp = RdpAccountant.withOrders(SkellamAccountant.orders());
        }
        epsilonRdp = skellamRdp.composeRdp(step).epsilon(d);
      } catch (IllegalArgumentException e) {
        problems.add(where + " records privacy parameters no accountant accepts: "
            + e.getMessage());
        stopped = true;
        return;
      }
      epsilonPld = Double.NaN;
      delta = d;
      compare(where, "epsilon_rdp", m.get("epsilon_rdp"), epsilonRdp, 1e-6, problems);
      double budget = m.get("epsilon_budget");
      if (epsilonRdp > budget * (1 + 1e-9)) {
        problems.add(String.format(Locale.ROOT, "%s spends epsilon %.6f (Skellam RDP), above"
            + " its recorded budget %s", where, epsilonRdp, budget));
      }
    }

    private void extend(double q, double z, double h) {
      double[] last = runs.isEmpty() ? null : runs.get(runs.size() - 1);
      if (last != null && last[0] == q && last[1] == z && last[2] == h) {
        last[3]++;
      } else {
        runs.add(new double[] {q, z, h, 1});
      }
    }

    private double rdp(double d) {
      RdpAccountant a = RdpAccountant.create();
      for (double[] run : runs) {
        a.compose(run[0], run[1], (long) run[3]);
      }
      return a.epsilon(d);
    }

    private double pld(double d) {
      // the interval of the latest run; earlier runs at another interval are re-gridded on it
      PldAccountant a = PldAccountant.create(runs.get(runs.size() - 1)[2]);
      for (double[] run : runs) {
        a.compose(run[0], run[1], (long) run[3]);
      }
      return a.epsilon(d);
    }

    private static void compare(String where, String key, double recorded, double recomputed,
        double tolerance, List<String> problems) {
      if (!(Math.abs(recomputed - recorded) <= tolerance * Math.max(1, Math.abs(recomputed)))) {
        problems.add(String.format(Locale.ROOT, "%s records %s %.9f but its parameters give"
            + " %.9f", where, key, recorded, recomputed));
      }
    }
  }
}
