package io.fedrec.simulator.cli;

import io.fedrec.core.dp.NoiseCalibration;
import io.fedrec.core.dp.PldAccountant;
import io.fedrec.core.dp.RdpAccountant;
import io.fedrec.simulator.report.JsonWriter;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code fedrec privacy}: the privacy calculator. Prints the (epsilon, delta) guarantee of {@code
 * --rounds} rounds of the Poisson-subsampled Gaussian mechanism (DP-FedAvg with user-level
 * clipping, add/remove-one-user adjacency) by both accountants of {@code io.fedrec.core.dp}: {@link
 * RdpAccountant} (Mironov, Talwar and Zhang 2019, with the conversion of Balle et al. 2020) and
 * {@link PldAccountant} (Koskela et al. 2020, pessimistic discretisation of Doroshenko et al.
 * 2022). With {@code --target-epsilon} instead of {@code --noise-multiplier} it first solves the
 * smallest noise multiplier meeting the target ({@link NoiseCalibration}, by PLD unless {@code
 * --accountant rdp}) and reports both epsilons at that multiplier.
 *
 * <p>{@code --cohort-size N --population P} stands for {@code q = N / P}: a fixed-size cohort is
 * accounted as Poisson sampling at that rate, the standard approximation (TF Privacy makes it for
 * fixed-size batches), and the output says so in a note.
 *
 * <p>Every bad input is a usage error (exit 2) whose one-line message names the flag, the rule and
 * the provided value. See {@code docs/privacy-audit.md}, "Computing epsilon".
 */
@Command(
    name = "privacy",
    mixinStandardHelpOptions = true,
    description = {
      "Computes the (epsilon, delta) guarantee of --rounds rounds of the Poisson-subsampled "
          + "Gaussian mechanism (user-level DP, add/remove one user) by two accountants: RDP "
          + "(Mironov, Talwar, Zhang 2019) and PLD (privacy loss distributions; tighter).",
      "With --target-epsilon instead of --noise-multiplier, solves the smallest noise "
          + "multiplier whose epsilon meets the target (by PLD unless --accountant rdp) and "
          + "reports both epsilons at it.",
      "--cohort-size N --population P sets q = N/P: fixed-size cohorts are accounted as "
          + "Poisson sampling with q = N/P, the standard approximation."
    })
final class PrivacyCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--noise-multiplier", paramLabel = "Z",
      description = "noise standard deviation over the clip norm, > 0")
  Double noiseMultiplier;

  @Option(names = "--target-epsilon", paramLabel = "E",
      description = "solve the smallest noise multiplier with epsilon <= E (instead of "
          + "--noise-multiplier)")
  Double targetEpsilon;

  @Option(names = "--sampling-rate", paramLabel = "Q",
      description = "probability that a user takes part in a round, in (0, 1]")
  Double samplingRate;

  @Option(names = "--cohort-size", paramLabel = "N",
      description = "users per round; with --population, q = N/P (instead of --sampling-rate)")
  Long cohortSize;

  @Option(names = "--population", paramLabel = "P",
      description = "users eligible each round; with --cohort-size, q = N/P")
  Long population;

  @Option(names = "--rounds", paramLabel = "T", required = true,
      description = "rounds (steps) composed, >= 1")
  long rounds;

  @Option(names = "--delta", paramLabel = "D", required = true,
      description = "target delta, in (0, 1); usually well below 1/population")
  double delta;

  @Option(names = "--accountant", paramLabel = "KIND",
      description = "accountant the --target-epsilon solve uses: rdp or pld (default: pld)")
  String accountant;

  @Option(names = "--pld-interval", paramLabel = "H",
      defaultValue = "" + PldAccountant.DEFAULT_VALUE_DISCRETIZATION_INTERVAL,
      description = "PLD loss discretisation interval in [1e-6, 0.1]; smaller is tighter and "
          + "slower, and epsilon never falls below the true value (default: ${DEFAULT-VALUE})")
  double pldInterval;

  @Option(names = "--json", description = "print one JSON object instead of the table")
  boolean json;

  /** Library parameter names (io.fedrec.core.dp) to flags. */
  private static final Map<String, String> FLAGS = new LinkedHashMap<>();

  static {
    FLAGS.put("samplingRate", "--sampling-rate");
    FLAGS.put("noiseMultiplier", "--noise-multiplier");
    FLAGS.put("targetEpsilon", "--target-epsilon");
    FLAGS.put("delta", "--delta");
    FLAGS.put("steps", "--rounds");
    FLAGS.put("valueDiscretizationInterval", "--pld-interval");
  }

  static final String COHORT_NOTE =
      "fixed-size cohorts are accounted as Poisson sampling with q = N/P, the standard"
          + " approximation, not an exact bound for sampling without replacement"
          + " (docs/privacy-audit.md)";

  /** The accountant a {@code --target-epsilon} solve uses. */
  private enum Solver {
    RDP,
    PLD
  }

  @Override
  public Integer call() {
    boolean solve = validateNoise();
    double q = samplingRate();
    if (rounds < 1) {
      throw CliException.usage("--rounds must be >= 1. Provided value: " + rounds);
    }
    if (!(delta > 0 && delta < 1)) {
      throw CliException.usage("--delta must be in (0, 1). Provided value: " + delta);
    }
    if (!(pldInterval >= 1e-6 && pldInterval <= 0.1)) {
      throw CliException.usage(
          "--pld-interval must be in [1.0E-6, 0.1]. Provided value: " + pldInterval);
    }
    Solver solver = solver(solve);

    List<String> notes = new ArrayList<>();
    if (cohortSize != null) {
      notes.add(COHORT_NOTE);
    }
    double z;
    if (solve) {
      z = solveNoiseMultiplier(q, solver);
      if (z <= NoiseCalibration.MIN_NOISE_MULTIPLIER) {
        notes.add("the target is met already at the smallest noise multiplier searched ("
            + NoiseCalibration.MIN_NOISE_MULTIPLIER + "); less noise may meet it too");
      }
    } else {
      z = noiseMultiplier;
    }

    RdpAccountant rdp;
    PldAccountant pld;
    try {
      rdp = RdpAccountant.create().compose(q, z, rounds);
      pld = PldAccountant.create(pldInterval).compose(q, z, rounds);
    } catch (IllegalArgumentException e) {
      throw usage(e);
    }
    double epsilonRdp = rdp.epsilon(delta);
    double rdpOrder = rdp.bestOrder(delta);
    double epsilonPld = pld.epsilon(delta);

    PrintWriter o = spec.commandLine().getOut();
    if (json) {
      JsonWriter w = new JsonWriter(o);
      w.beginObject()
          .name("noise_multiplier").value(z)
          .name("sampling_rate").value(q)
          .name("rounds").value(rounds)
          .name("delta").value(delta);
      if (cohortSize != null) {
        w.name("cohort_size").value(cohortSize.longValue())
            .name("population").value(population.longValue());
      }
      if (solve) {
        w.name("target_epsilon").value(targetEpsilon.doubleValue())
            .name("solved_by").value(solver.name().toLowerCase(Locale.ROOT))
            .name("solver_relative_tolerance").value(NoiseCalibration.RELATIVE_TOLERANCE);
      }
      w.name("epsilon_rdp").value(epsilonRdp)
          .name("epsilon_pld").value(epsilonPld)
          .name("rdp_order").value(rdpOrder)
          .name("pld_discretization").value(pldInterval)
          .name("notes").beginArray();
      for (String note : notes) {
        w.value(note);
      }
      w.endArray().endObject().finish();
    } else {
      o.println("privacy: Poisson-subsampled Gaussian mechanism, add/remove-one-user adjacency");
      List<String[]> rows = new ArrayList<>();
      if (solve) {
        rows.add(new String[] {"target epsilon", number(targetEpsilon), ""});
      }
      rows.add(new String[] {"noise multiplier", number(z), solve
          ? "smallest meeting the target by " + solver + " (relative tolerance "
              + number(NoiseCalibration.RELATIVE_TOLERANCE) + ", rounded up)"
          : ""});
      rows.add(new String[] {"sampling rate", number(q),
          cohortSize == null ? "" : "cohort " + cohortSize + " / population " + population});
      rows.add(new String[] {"rounds", Long.toString(rounds), ""});
      rows.add(new String[] {"delta", number(delta), ""});
      rows.add(new String[] {"epsilon (RDP)", epsilon(epsilonRdp),
          "best order " + number(rdpOrder)});
      rows.add(new String[] {"epsilon (PLD)", epsilon(epsilonPld),
          "pessimistic, discretisation interval " + number(pldInterval)});
      printTable(o, rows);
      for (String note : notes) {
        o.println("note: " + note);
      }
    }
    o.flush();
    return 0;
  }

  /** Checks exactly one of --noise-multiplier and --target-epsilon; true if solving. */
  private boolean validateNoise() {
    if (noiseMultiplier != null && targetEpsilon != null) {
      throw CliException.usage("--noise-multiplier and --target-epsilon are mutually exclusive:"
          + " give one. Provided values: --noise-multiplier " + noiseMultiplier
          + ", --target-epsilon " + targetEpsilon);
    }
    if (noiseMultiplier == null && targetEpsilon == null) {
      throw CliException.usage("one of --noise-multiplier or --target-epsilon is required");
    }
    if (noiseMultiplier != null && !(noiseMultiplier > 0 && Double.isFinite(noiseMultiplier))) {
      throw CliException.usage(
          "--noise-multiplier must be > 0 and finite. Provided value: " + noiseMultiplier);
    }
    if (targetEpsilon != null && !(targetEpsilon > 0 && Double.isFinite(targetEpsilon))) {
      throw CliException.usage(
          "--target-epsilon must be > 0 and finite. Provided value: " + targetEpsilon);
    }
    return targetEpsilon != null;
  }

  /** The sampling rate from --sampling-rate, or N/P from --cohort-size and --population. */
  private double samplingRate() {
    boolean cohort = cohortSize != null || population != null;
    if (samplingRate != null && cohort) {
      throw CliException.usage("--sampling-rate and --cohort-size/--population are mutually"
          + " exclusive (the cohort flags set q = N/P). Provided values: --sampling-rate "
          + samplingRate + ", " + (cohortSize != null
              ? "--cohort-size " + cohortSize : "--population " + population));
    }
    if (samplingRate != null) {
      if (!(samplingRate > 0 && samplingRate <= 1)) {
        throw CliException.usage(
            "--sampling-rate must be in (0, 1]. Provided value: " + samplingRate);
      }
      return samplingRate;
    }
    if (!cohort) {
      throw CliException.usage(
          "one of --sampling-rate or --cohort-size with --population is required");
    }
    if (population == null) {
      throw CliException.usage(
          "--cohort-size needs --population (q = N/P). Provided value: " + cohortSize);
    }
    if (cohortSize == null) {
      throw CliException.usage(
          "--population needs --cohort-size (q = N/P). Provided value: " + population);
    }
    if (population < 1) {
      throw CliException.usage("--population must be >= 1. Provided value: " + population);
    }
    if (cohortSize < 1 || cohortSize > population) {
      throw CliException.usage("--cohort-size must be in [1, " + population
          + "] (at most --population). Provided value: " + cohortSize);
    }
    return (double) cohortSize / population;
  }

  private Solver solver(boolean solve) {
    if (accountant == null) {
      return Solver.PLD;
    }
    Solver s;
    switch (accountant.toLowerCase(Locale.ROOT)) {
      case "rdp" -> s = Solver.RDP;
      case "pld" -> s = Solver.PLD;
      default -> throw CliException.usage(
          "--accountant must be one of rdp, pld. Provided value: " + accountant);
    }
    if (!solve) {
      // Both epsilons are always printed; a silently ignored flag would suggest otherwise.
      throw CliException.usage("--accountant only chooses how --target-epsilon is solved and"
          + " needs it (both epsilons are always printed). Provided value: " + accountant);
    }
    return s;
  }

  private double solveNoiseMultiplier(double q, Solver solver) {
    try {
      return solver == Solver.RDP
          ? NoiseCalibration.solveNoiseMultiplier(targetEpsilon, delta, q, rounds,
              RdpAccountant::create)
          : NoiseCalibration.solveNoiseMultiplier(targetEpsilon, delta, q, rounds,
              () -> PldAccountant.create(pldInterval));
    } catch (IllegalArgumentException e) {
      throw usage(e);
    }
  }

  /**
   * A usage error from an accountant's or the solver's message with every library parameter name
   * replaced by its flag ({@code "noiseMultiplier too small for valueDiscretizationInterval 1.0E-4
   * ..."} becomes {@code "--noise-multiplier too small for --pld-interval 1.0E-4 ..."}).
   */
  private static CliException usage(IllegalArgumentException e) {
    String message = e.getMessage() == null ? e.toString() : e.getMessage();
    for (Map.Entry<String, String> m : FLAGS.entrySet()) {
      message = message.replaceAll("\\b" + m.getKey() + "\\b", m.getValue());
    }
    return CliException.usage(message, e);
  }

  /** Rows of name, value and comment, each column padded to its widest entry. */
  private static void printTable(PrintWriter o, List<String[]> rows) {
    int nameWidth = 0;
    int valueWidth = 0;
    for (String[] r : rows) {
      nameWidth = Math.max(nameWidth, r[0].length());
      valueWidth = Math.max(valueWidth, r[1].length());
    }
    String format = "  %-" + nameWidth + "s  %-" + valueWidth + "s  %s";
    for (String[] r : rows) {
      o.println(String.format(Locale.ROOT, format, r[0], r[1], r[2]).stripTrailing());
    }
  }

  private static String epsilon(double epsilon) {
    return Double.isFinite(epsilon)
        ? String.format(Locale.ROOT, "%.4f", epsilon) : "infinity";
  }

  /** Shortest exact decimal: {@code 6000}, {@code 0.0025}, {@code 0.00001}, {@code 1E-10}. */
  static String number(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    return BigDecimal.valueOf(v).stripTrailingZeros().toString();
  }
}
