package io.fedrec.simulator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedrec.simulator.cli.CliTest.Run;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code fedrec privacy} in-process: the published accountant reference values through the command
 * line, the target-epsilon solve, and one exact message per invalid input.
 */
class PrivacyCommandTest {

  /** TF Privacy MNIST tutorial: q = 150/60000, z = 1.3, 6000 steps, delta = 1e-5. */
  private static final String[] TF_PRIVACY = {
    "--noise-multiplier", "1.3", "--sampling-rate", "0.0025", "--rounds", "6000", "--delta", "1e-5"
  };

  /** Opacus' published RDP example: q = 0.04, z = 1.5, 2250 steps, delta = 1e-5. */
  private static final String[] OPACUS = {
    "--noise-multiplier", "1.5", "--sampling-rate", "0.04", "--rounds", "2250", "--delta", "1e-5"
  };

  /** A quick setting for the solve round trips: q = 0.01, 1000 rounds, delta = 1e-5. */
  private static final String[] SOLVE_SETTING = {
    "--sampling-rate", "0.01", "--rounds", "1000", "--delta", "1e-5"
  };

  private static Run privacy(String... args) {
    String[] all = new String[args.length + 1];
    all[0] = "privacy";
    System.arraycopy(args, 0, all, 1, args.length);
    return CliTest.run(all);
  }

  private static String[] concat(String[] a, String... b) {
    String[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> json(String... args) {
    Run r = privacy(concat(args, "--json"));
    assertEquals(0, r.code(), r.err());
    assertEquals("", r.err());
    return (Map<String, Object>) MiniJson.parse(r.out());
  }

  private static double number(Map<String, Object> json, String key) {
    assertTrue(json.containsKey(key), key + " missing in " + json);
    return (Double) json.get(key);
  }

  /** Exit 2, and standard error is exactly the one-line message (no stack trace, no usage). */
  private static void assertUsage(String expected, String... args) {
    Run r = privacy(args);
    assertEquals(2, r.code(), r.err());
    assertEquals("fedrec privacy: " + expected + System.lineSeparator(), r.err());
    assertEquals("", r.out());
  }

  // ---- Reference values -----------------------------------------------------------------------

  @Test
  void json_tfPrivacyReference_epsilonRdpIs0_7242() {
    Map<String, Object> j = json(TF_PRIVACY);
    assertEquals("0.7242", String.format(Locale.ROOT, "%.4f", number(j, "epsilon_rdp")));
    // Independent SciPy port of TF Privacy's rdp_accountant.py: 0.724223402610934 at order 19.
    assertEquals(0.724223402610934, number(j, "epsilon_rdp"), 1e-9);
    assertEquals(19.0, number(j, "rdp_order"));
  }

  @Test
  void json_tfPrivacyReference_epsilonPldMatchesDpAccounting() {
    Map<String, Object> j = json(TF_PRIVACY);
    // dp_accounting 0.6, value_discretization_interval = 1e-4: 0.6401109264440167.
    assertEquals(0.6401109264440167, number(j, "epsilon_pld"), 1e-6);
    assertEquals(1e-4, number(j, "pld_discretization"));
  }

  @Test
  void json_tfPrivacyReference_echoesInputs() {
    Map<String, Object> j = json(TF_PRIVACY);
    assertEquals(1.3, number(j, "noise_multiplier"));
    assertEquals(0.0025, number(j, "sampling_rate"));
    assertEquals(6000.0, number(j, "rounds"));
    assertEquals(1e-5, number(j, "delta"));
    assertEquals(List.of(), j.get("notes"));
    assertFalse(j.containsKey("target_epsilon"));
  }

  @Test
  void json_opacusReference_epsilonRdpIs7_3291AndPldIs6_7688() {
    Map<String, Object> j = json(OPACUS);
    assertEquals("7.3291", String.format(Locale.ROOT, "%.4f", number(j, "epsilon_rdp")));
    // dp_accounting 0.6 at interval 1e-4: 6.768787373893697.
    assertEquals(6.768787373893697, number(j, "epsilon_pld"), 1e-6);
  }

  @Test
  void json_referenceSettings_pldBelowRdp() {
    for (String[] setting : List.of(TF_PRIVACY, OPACUS)) {
      Map<String, Object> j = json(setting);
      assertTrue(number(j, "epsilon_pld") < number(j, "epsilon_rdp"), j.toString());
    }
  }

  @Test
  void json_coarserPldInterval_isLooserAndReported() {
    Map<String, Object> j = json(concat(TF_PRIVACY, "--pld-interval", "1e-3"));
    // dp_accounting at 1e-3: 0.6505770762800158 (pessimistic by about the interval).
    assertEquals(0.6505770762800158, number(j, "epsilon_pld"), 1e-6);
    assertEquals(1e-3, number(j, "pld_discretization"));
  }

  // ---- Cohort convenience -----------------------------------------------------------------------

  @Test
  void json_cohortOverPopulation_isSamplingRateNOverPWithNote() {
    Map<String, Object> j = json("--noise-multiplier", "1.3", "--cohort-size", "150",
        "--population", "60000", "--rounds", "6000", "--delta", "1e-5");
    assertEquals(150.0 / 60000, number(j, "sampling_rate"));
    assertEquals(150.0, number(j, "cohort_size"));
    assertEquals(60000.0, number(j, "population"));
    assertEquals(0.724223402610934, number(j, "epsilon_rdp"), 1e-9);
    assertEquals(List.of(PrivacyCommand.COHORT_NOTE), j.get("notes"));
  }

  @Test
  void table_cohortOverPopulation_printsPoissonNote() {
    Run r = privacy("--noise-multiplier", "1.3", "--cohort-size", "150", "--population",
        "60000", "--rounds", "6000", "--delta", "1e-5");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("note: fixed-size cohorts are accounted as Poisson sampling with"
        + " q = N/P, the standard approximation"), r.out());
    assertTrue(r.out().contains("cohort 150 / population 60000"), r.out());
  }

  // ---- Human output -----------------------------------------------------------------------------

  @Test
  void table_tfPrivacyReference_alignedRowsWithBothEpsilons() {
    Run r = privacy(TF_PRIVACY);
    assertEquals(0, r.code(), r.err());
    List<String> lines = r.out().lines().toList();
    assertEquals(List.of(
        "privacy: Poisson-subsampled Gaussian mechanism, add/remove-one-user adjacency",
        "  noise multiplier  1.3",
        "  sampling rate     0.0025",
        "  rounds            6000",
        "  delta             0.00001",
        "  epsilon (RDP)     0.7242   best order 19",
        "  epsilon (PLD)     0.6401   pessimistic, discretisation interval 0.0001"), lines);
  }

  // ---- Target epsilon ---------------------------------------------------------------------------

  /** epsilon_pld at multiplier {@code z} for {@link #SOLVE_SETTING}. */
  private static double epsilonPldAt(double z) {
    return number(json(concat(SOLVE_SETTING, "--noise-multiplier", Double.toString(z))),
        "epsilon_pld");
  }

  @Test
  void targetEpsilon_pldByDefault_roundTrips() {
    double target = 1.0;
    Map<String, Object> j = json(concat(SOLVE_SETTING, "--target-epsilon", "1"));
    assertEquals("pld", j.get("solved_by"));
    assertEquals(target, number(j, "target_epsilon"));
    double z = number(j, "noise_multiplier");
    assertTrue(number(j, "epsilon_pld") <= target, j.toString());
    assertTrue(number(j, "epsilon_rdp") > number(j, "epsilon_pld"), j.toString());
    assertTrue(epsilonPldAt(z) <= target, "z " + z);
    assertTrue(epsilonPldAt(0.99 * z) > target, "0.99 z " + 0.99 * z);
  }

  @Test
  void targetEpsilon_rdp_roundTrips() {
    double target = 2.0;
    Map<String, Object> j =
        json(concat(SOLVE_SETTING, "--target-epsilon", "2", "--accountant", "rdp"));
    assertEquals("rdp", j.get("solved_by"));
    double z = number(j, "noise_multiplier");
    assertTrue(number(j, "epsilon_rdp") <= target, j.toString());
    double atZ = number(json(concat(SOLVE_SETTING, "--noise-multiplier", Double.toString(z))),
        "epsilon_rdp");
    double below = number(json(concat(SOLVE_SETTING, "--noise-multiplier",
        Double.toString(0.99 * z))), "epsilon_rdp");
    assertTrue(atZ <= target, "z " + z + ": " + atZ);
    assertTrue(below > target, "0.99 z: " + below);
  }

  @Test
  void targetEpsilon_rdpSolve_needsMoreNoiseThanPld() {
    double pld = number(json(concat(SOLVE_SETTING, "--target-epsilon", "2")), "noise_multiplier");
    double rdp = number(json(concat(SOLVE_SETTING, "--target-epsilon", "2", "--accountant",
        "rdp")), "noise_multiplier");
    assertTrue(pld < rdp, "pld " + pld + ", rdp " + rdp);
  }

  @Test
  void table_targetEpsilon_showsTargetAndSolvedMultiplier() {
    Run r = privacy(concat(SOLVE_SETTING, "--target-epsilon", "2", "--accountant", "RDP"));
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().lines().toList().contains("  target epsilon    2"), r.out());
    Matcher m = Pattern.compile("noise multiplier +([0-9.]+) +smallest meeting the target by RDP")
        .matcher(r.out());
    assertTrue(m.find(), r.out());
    assertTrue(Double.parseDouble(m.group(1)) > 0.1, r.out());
  }

  // ---- Invalid input: exit 2 and the exact message ----------------------------------------------

  @Test
  void samplingRateZero_exit2() {
    assertUsage("--sampling-rate must be in (0, 1]. Provided value: 0.0",
        "--noise-multiplier", "1", "--sampling-rate", "0", "--rounds", "10", "--delta", "1e-5");
  }

  @Test
  void samplingRateAboveOne_exit2() {
    assertUsage("--sampling-rate must be in (0, 1]. Provided value: 1.5",
        "--noise-multiplier", "1", "--sampling-rate", "1.5", "--rounds", "10", "--delta", "1e-5");
  }

  @Test
  void noiseMultiplierZero_exit2() {
    assertUsage("--noise-multiplier must be > 0 and finite. Provided value: 0.0",
        "--noise-multiplier", "0", "--sampling-rate", "0.1", "--rounds", "10", "--delta", "1e-5");
  }

  @Test
  void noiseMultiplierNegative_exit2() {
    assertUsage("--noise-multiplier must be > 0 and finite. Provided value: -1.0",
        "--noise-multiplier", "-1", "--sampling-rate", "0.1", "--rounds", "10", "--delta",
        "1e-5");
  }

  @Test
  void noiseMultiplierNaN_exit2() {
    assertUsage("--noise-multiplier must be > 0 and finite. Provided value: NaN",
        "--noise-multiplier", "NaN", "--sampling-rate", "0.1", "--rounds", "10", "--delta",
        "1e-5");
  }

  @Test
  void deltaZero_exit2() {
    assertUsage("--delta must be in (0, 1). Provided value: 0.0",
        "--noise-multiplier", "1", "--sampling-rate", "0.1", "--rounds", "10", "--delta", "0");
  }

  @Test
  void deltaOne_exit2() {
    assertUsage("--delta must be in (0, 1). Provided value: 1.0",
        "--noise-multiplier", "1", "--sampling-rate", "0.1", "--rounds", "10", "--delta", "1");
  }

  @Test
  void roundsZero_exit2() {
    assertUsage("--rounds must be >= 1. Provided value: 0",
        "--noise-multiplier", "1", "--sampling-rate", "0.1", "--rounds", "0", "--delta", "1e-5");
  }

  @Test
  void bothNoiseMultiplierAndTargetEpsilon_exit2() {
    assertUsage("--noise-multiplier and --target-epsilon are mutually exclusive: give one."
            + " Provided values: --noise-multiplier 1.0, --target-epsilon 2.0",
        "--noise-multiplier", "1", "--target-epsilon", "2", "--sampling-rate", "0.1",
        "--rounds", "10", "--delta", "1e-5");
  }

  @Test
  void neitherNoiseMultiplierNorTargetEpsilon_exit2() {
    assertUsage("one of --noise-multiplier or --target-epsilon is required",
        "--sampling-rate", "0.1", "--rounds", "10", "--delta", "1e-5");
  }

  @Test
  void targetEpsilonZero_exit2() {
    assertUsage("--target-epsilon must be > 0 and finite. Provided value: 0.0",
        "--target-epsilon", "0", "--sampling-rate", "0.1", "--rounds", "10", "--delta", "1e-5");
  }

  @Test
  void targetEpsilonUnreachable_exit2NamingFlags() {
    assertUsage("--target-epsilon is not reachable with --noise-multiplier <= 10000.0 for --delta"
            + " 1.0E-5, --sampling-rate 1.0, --rounds 1000. Provided value: 1.0E-6",
        "--target-epsilon", "1e-6", "--sampling-rate", "1", "--rounds", "1000", "--delta",
        "1e-5", "--accountant", "rdp");
  }

  @Test
  void samplingRateWithCohortSize_exit2() {
    assertUsage("--sampling-rate and --cohort-size/--population are mutually exclusive (the"
            + " cohort flags set q = N/P). Provided values: --sampling-rate 0.1, --cohort-size 5",
        "--noise-multiplier", "1", "--sampling-rate", "0.1", "--cohort-size", "5",
        "--population", "50", "--rounds", "10", "--delta", "1e-5");
  }

  @Test
  void neitherSamplingRateNorCohort_exit2() {
    assertUsage("one of --sampling-rate or --cohort-size with --population is required",
        "--noise-multiplier", "1", "--rounds", "10", "--delta", "1e-5");
  }

  @Test
  void cohortSizeWithoutPopulation_exit2() {
    assertUsage("--cohort-size needs --population (q = N/P). Provided value: 5",
        "--noise-multiplier", "1", "--cohort-size", "5", "--rounds", "10", "--delta", "1e-5");
  }

  @Test
  void populationWithoutCohortSize_exit2() {
    assertUsage("--population needs --cohort-size (q = N/P). Provided value: 50",
        "--noise-multiplier", "1", "--population", "50", "--rounds", "10", "--delta", "1e-5");
  }

  @Test
  void cohortSizeAbovePopulation_exit2() {
    assertUsage("--cohort-size must be in [1, 50] (at most --population). Provided value: 51",
        "--noise-multiplier", "1", "--cohort-size", "51", "--population", "50", "--rounds", "10",
        "--delta", "1e-5");
  }

  @Test
  void populationZero_exit2() {
    assertUsage("--population must be >= 1. Provided value: 0",
        "--noise-multiplier", "1", "--cohort-size", "1", "--population", "0", "--rounds", "10",
        "--delta", "1e-5");
  }

  @Test
  void unknownAccountant_exit2() {
    assertUsage("--accountant must be one of rdp, pld. Provided value: moments",
        "--target-epsilon", "1", "--sampling-rate", "0.1", "--rounds", "10", "--delta", "1e-5",
        "--accountant", "moments");
  }

  @Test
  void accountantWithoutTargetEpsilon_exit2() {
    assertUsage("--accountant only chooses how --target-epsilon is solved and needs it (both"
            + " epsilons are always printed). Provided value: rdp",
        "--noise-multiplier", "1", "--sampling-rate", "0.1", "--rounds", "10", "--delta", "1e-5",
        "--accountant", "rdp");
  }

  @Test
  void pldIntervalOutOfRange_exit2() {
    assertUsage("--pld-interval must be in [1.0E-6, 0.1]. Provided value: 1.0",
        "--noise-multiplier", "1", "--sampling-rate", "0.1", "--rounds", "10", "--delta", "1e-5",
        "--pld-interval", "1");
  }

  @Test
  void noiseMultiplierTooSmallForPldGrid_exit2NamingFlags() {
    assertUsage("--noise-multiplier too small for --pld-interval 1.0E-4 (one-step loss grid of"
            + " 5097432778 points). Provided value: 0.001",
        "--noise-multiplier", "0.001", "--sampling-rate", "0.1", "--rounds", "1", "--delta",
        "1e-5");
  }

  @Test
  void missingDelta_exit2() {
    Run r = privacy("--noise-multiplier", "1", "--sampling-rate", "0.1", "--rounds", "10");
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().startsWith("fedrec privacy: Missing required option: '--delta=D'"),
        r.err());
  }

  @Test
  void nonNumericRounds_exit2() {
    Run r = privacy("--noise-multiplier", "1", "--sampling-rate", "0.1", "--rounds", "many",
        "--delta", "1e-5");
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("Invalid value for option '--rounds': 'many' is not a long"),
        r.err());
  }

  // ---- Help -------------------------------------------------------------------------------------

  @Test
  void help_exit0ListingEveryFlag() {
    Run r = privacy("--help");
    assertEquals(0, r.code(), r.err());
    List<String> missing = new ArrayList<>();
    for (String flag : List.of("--noise-multiplier", "--target-epsilon", "--sampling-rate",
        "--cohort-size", "--population", "--rounds", "--delta", "--accountant", "--pld-interval",
        "--json")) {
      if (!r.out().contains(flag)) {
        missing.add(flag);
      }
    }
    assertEquals(List.of(), missing, r.out());
    assertTrue(r.out().contains("Poisson sampling with q = N/P"), r.out());
  }

  @Test
  void main_help_listsPrivacySubcommand() {
    Run r = CliTest.run("--help");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().lines().anyMatch(l -> l.matches("\\s+privacy\\s+\\S.*")), r.out());
  }
}
