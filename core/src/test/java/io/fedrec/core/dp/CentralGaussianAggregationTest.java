package io.fedrec.core.dp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.fedrec.core.aggregate.AggregateResult;
import io.fedrec.core.aggregate.AggregationProcess;
import io.fedrec.core.aggregate.ClientContribution;
import io.fedrec.core.aggregate.FixedPointSum;
import java.util.Arrays;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Deterministic behaviour of {@link CentralGaussianAggregation}: validation, the server-side clip,
 * the fixed denominator, lifecycle and measurements. The distribution of the noise is tested in
 * {@link CentralGaussianAggregationStatisticalTest}.
 *
 * <p>Values are checked through a <b>nearly noise-free proxy</b>: with {@code noiseMultiplier =
 * 1e-9} and {@code clipNorm <= 8}, {@code sigma = z * C * 2^24 <= 0.14} fixed-point units, so the
 * variance rounded up is exactly 1 unit^2 and the noise is a discrete Gaussian of variance 1 in
 * units of 2^-24. See {@link #assertMean} for the tolerance derived from that.
 */
class CentralGaussianAggregationTest {
  private static final double TINY_NOISE = 1e-9;

  /**
   * Bound on |noise| in fixed-point units: for the discrete Gaussian of variance 1, P[|X| > 12] <
   * 2 e^-72 per coordinate, so the tests built on it are deterministic in all but name.
   */
  private static final double NOISE_BOUND_UNITS = 12;

  private static CentralGaussianAggregation aggregation(
      double clipNorm, double noiseMultiplier, long expectedWeight) {
    return new CentralGaussianAggregation(
        clipNorm, noiseMultiplier, expectedWeight, RandomSource.seeded(17));
  }

  private static AggregationProcess.RoundAggregator round(
      double clipNorm, double noiseMultiplier, long expectedWeight, int dimension) {
    return aggregation(clipNorm, noiseMultiplier, expectedWeight).create().begin(1, dimension);
  }

  private static ClientContribution contribution(long weight, float... update) {
    return new ClientContribution("client-" + weight, update, weight);
  }

  private static double norm(float[] v) {
    double s = 0;
    for (float x : v) {
      s += (double) x * x;
    }
    return Math.sqrt(s);
  }

  /**
   * Asserts {@code actual ~ expected} coordinate-wise, where {@code expected} is the exact (double)
   * mean {@code sum / expectedWeight} of the server-clipped submissions. The published value
   * differs from it by
   *
   * <ul>
   *   <li>the noise, at most {@link #NOISE_BOUND_UNITS} units, and the rounding of each of
   *       {@code submissions} vectors to fixed point, at most 1/2 unit each: in all at most {@code
   *       (12 + submissions / 2) / (2^24 * expectedWeight)};
   *   <li>float rounding relative to the value: the clip factor {@code (float) (bound / norm)},
   *       the product {@code u[i] * s} and the final cast to float, each at most 2^-24 relative,
   *       so at most {@code 3 * 2^-24 * |sum of magnitudes| / expectedWeight}.
   * </ul>
   */
  private static void assertMean(
      double[] expected, double[] magnitudes, int submissions, long expectedWeight,
      float[] actual) {
    assertEquals(expected.length, actual.length, "dimension");
    double absolute =
        (NOISE_BOUND_UNITS + 0.5 * submissions) / (FixedPointSum.SCALE * expectedWeight);
    for (int i = 0; i < expected.length; i++) {
      double relative = 3 * Math.ulp(1f) / 2 * magnitudes[i] / expectedWeight;
      assertEquals(expected[i], actual[i], absolute + relative, "coordinate " + i);
    }
  }

  private static double[] scaled(float[] u, double factor) {
    double[] out = new double[u.length];
    for (int i = 0; i < u.length; i++) {
      out[i] = u[i] * factor;
    }
    return out;
  }

  private static double[] abs(double[] v) {
    double[] out = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = Math.abs(v[i]);
    }
    return out;
  }

  // ---------------------------------------------------------------- validation

  @ParameterizedTest(name = "clip_norm = {0}")
  @ValueSource(doubles = {0.0, -1.0, Double.NaN, Double.POSITIVE_INFINITY})
  void constructor_invalidClipNorm_throwsEchoingValue(double clipNorm) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> aggregation(clipNorm, 1.0, 100));

    assertEquals("clip_norm must be > 0 and finite. Provided value: " + clipNorm, e.getMessage());
  }

  @ParameterizedTest(name = "noise_multiplier = {0}")
  @ValueSource(doubles = {0.0, -0.5, Double.NaN, Double.NEGATIVE_INFINITY})
  void constructor_invalidNoiseMultiplier_throwsEchoingValue(double noiseMultiplier) {
    IllegalArgumentException e = assertThrows(
        IllegalArgumentException.class, () -> aggregation(1.0, noiseMultiplier, 100));

    assertEquals("noise_multiplier must be > 0 and finite. Provided value: " + noiseMultiplier,
        e.getMessage());
  }

  @ParameterizedTest(name = "expected_weight = {0}")
  @ValueSource(longs = {0, -3, Long.MAX_VALUE})
  void constructor_invalidExpectedWeight_throwsNamingRangeAndValue(long expectedWeight) {
    IllegalArgumentException e = assertThrows(
        IllegalArgumentException.class, () -> aggregation(1.0, 1.0, expectedWeight));

    assertEquals("expected_weight must be in [1, " + Long.MAX_VALUE / 2 + "]. Provided value: "
        + expectedWeight, e.getMessage());
  }

  @Test
  void constructor_nullRandom_throws() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new CentralGaussianAggregation(1.0, 1.0, 100, null));

    assertEquals("random must not be null. Provided value: null", e.getMessage());
  }

  /** sigma^2 in units must fit 120 bits: z * C * 2^24 <= 2^60, i.e. z * C <= 2^36 ~ 6.9e10. */
  @Test
  void constructor_noiseTooLargeForFixedPoint_throwsNamingBothValues() {
    IllegalArgumentException e = assertThrows(
        IllegalArgumentException.class, () -> aggregation(1e6, 1e6, 100));

    assertEquals("noise_multiplier * clip_norm is too large for the fixed-point sum. Provided"
        + " values: noise_multiplier=1000000.0, clip_norm=1000000.0", e.getMessage());
  }

  @Test
  void accessors_returnConstructorArguments() {
    CentralGaussianAggregation a = aggregation(0.75, 1.3, 250);

    assertEquals(0.75, a.clipNorm());
    assertEquals(1.3, a.noiseMultiplier());
    assertEquals(250, a.expectedWeight());
  }

  @Test
  void create_name_isCentralGaussian() {
    assertEquals("central_gaussian", aggregation(1.0, 1.0, 10).create().name());
  }

  // ---------------------------------------------------------------- lifecycle

  @Test
  void finish_noContribution_throwsIllegalStateException() {
    AggregationProcess.RoundAggregator r = round(1.0, 1.0, 10, 4);

    IllegalStateException e = assertThrows(IllegalStateException.class, r::finish);

    assertEquals("no contribution to add noise to; round not published", e.getMessage());
  }

  @Test
  void finish_calledTwice_throwsIllegalStateException() {
    AggregationProcess.RoundAggregator r = round(1.0, 1.0, 10, 2);
    r.accept(contribution(1, 0.1f, 0.2f));
    r.finish();

    IllegalStateException e = assertThrows(IllegalStateException.class, r::finish);

    assertEquals("aggregator already finished", e.getMessage());
  }

  @Test
  void accept_afterFinish_throwsIllegalStateException() {
    AggregationProcess.RoundAggregator r = round(1.0, 1.0, 10, 2);
    r.accept(contribution(1, 0.1f, 0.2f));
    r.finish();

    IllegalStateException e = assertThrows(
        IllegalStateException.class, () -> r.accept(contribution(1, 0.1f, 0.2f)));

    assertEquals("aggregator already finished", e.getMessage());
  }

  @Test
  void accept_wrongLength_throwsAndCountsNothing() {
    AggregationProcess.RoundAggregator r = round(1.0, 1.0, 10, 4);

    IllegalArgumentException e = assertThrows(
        IllegalArgumentException.class, () -> r.accept(contribution(1, 0.1f, 0.2f, 0.3f)));

    assertEquals("update length must be 4. Provided value: 3", e.getMessage());
    assertEquals(0, r.count());
  }

  /** NaN slips past the norm comparison ({@code NaN > bound} is false) but not the sum's check. */
  @Test
  void accept_nanCoordinate_throwsAndCountsNothing() {
    AggregationProcess.RoundAggregator r = round(1.0, 1.0, 10, 3);

    assertThrows(IllegalArgumentException.class,
        () -> r.accept(contribution(1, 0.1f, Float.NaN, 0.3f)));

    assertEquals(0, r.count());
  }

  /** An infinite norm gives a clip factor 0 and {@code inf * 0 = NaN}: refused, not zeroed. */
  @Test
  void accept_infiniteCoordinate_throwsAndCountsNothing() {
    AggregationProcess.RoundAggregator r = round(1.0, 1.0, 10, 3);

    assertThrows(IllegalArgumentException.class,
        () -> r.accept(contribution(1, 0.1f, Float.POSITIVE_INFINITY, 0.3f)));

    assertEquals(0, r.count());
  }

  // ---------------------------------------------------------------- server-side clip

  @Test
  void finish_submissionAboveWeightTimesClipNorm_scaledToThatNorm() {
    double clipNorm = 0.5;
    long weight = 2;
    long expectedWeight = 4;
    float[] u = {3f, -4f, 0f, 12f, 0.25f, -1e-3f}; // norm ~ 13.0024
    AggregationProcess.RoundAggregator r = round(clipNorm, TINY_NOISE, expectedWeight, u.length);

    r.accept(contribution(weight, u));
    AggregateResult result = r.finish();

    double bound = weight * clipNorm;
    double[] expected = scaled(u, bound / norm(u) / expectedWeight);
    assertMean(expected, abs(expected), 1, expectedWeight, result.meanUpdate());
    assertEquals(bound / expectedWeight, norm(result.meanUpdate()), 1e-6);
    assertEquals(1.0, result.measurements().get("clipped_submissions"));
  }

  @Test
  void finish_submissionWithinWeightTimesClipNorm_passedUnchanged() {
    long expectedWeight = 5;
    float[] u = {0.3f, -0.4f, 0.1f, 0.05f}; // norm ~ 0.5123 <= 1 * 0.6
    AggregationProcess.RoundAggregator r = round(0.6, TINY_NOISE, expectedWeight, u.length);

    r.accept(contribution(1, u));
    AggregateResult result = r.finish();

    double[] expected = scaled(u, 1.0 / expectedWeight);
    assertMean(expected, abs(expected), 1, expectedWeight, result.meanUpdate());
    assertEquals(0.0, result.measurements().get("clipped_submissions"));
  }

  /** The bound grows with the weight: norm 2.5 is within 3 * 1.0 but not within 2 * 1.0. */
  @Test
  void finish_sameSubmissionDifferentWeights_boundIsWeightTimesClipNorm() {
    float[] u = {1.5f, 2f}; // norm 2.5
    AggregationProcess.RoundAggregator three = round(1.0, TINY_NOISE, 1, u.length);
    AggregationProcess.RoundAggregator two = round(1.0, TINY_NOISE, 1, u.length);

    three.accept(contribution(3, u));
    two.accept(contribution(2, u));
    AggregateResult threeResult = three.finish();
    AggregateResult twoResult = two.finish();

    double[] unchanged = scaled(u, 1.0);
    double[] clipped = scaled(u, 2.0 / 2.5);
    assertMean(unchanged, abs(unchanged), 1, 1, threeResult.meanUpdate());
    assertMean(clipped, abs(clipped), 1, 1, twoResult.meanUpdate());
    assertEquals(0.0, threeResult.measurements().get("clipped_submissions"));
    assertEquals(1.0, twoResult.measurements().get("clipped_submissions"));
  }

  @Test
  void finish_mixedSubmissions_countsOnlyClippedOnes() {
    AggregationProcess.RoundAggregator r = round(1.0, TINY_NOISE, 10, 2);

    r.accept(contribution(1, 3f, 4f)); // 5 > 1: clipped
    r.accept(contribution(1, 0.6f, 0.7f)); // 0.92 <= 1: kept
    r.accept(contribution(4, 6f, 8f)); // 10 > 4: clipped
    AggregateResult result = r.finish();

    assertEquals(2.0, result.measurements().get("clipped_submissions"));
    // (3,4)/5 + (0.6,0.7) + 4 * (6,8)/10 = (0.6 + 0.6 + 2.4, 0.8 + 0.7 + 3.2) = (3.6, 4.7)
    double[] expected = {3.6 / 10, 4.7 / 10};
    double[] magnitudes = {3.6 / 10, 4.7 / 10};
    assertMean(expected, magnitudes, 3, 10, result.meanUpdate());
  }

  // ---------------------------------------------------------------- fixed denominator

  @Test
  void finish_realisedWeightDiffersFromExpected_dividesByExpectedWeight() {
    long expectedWeight = 10;
    float[] a = {0.2f, -0.1f, 0.4f};
    float[] b = {0.5f, 0.3f, -0.9f};
    AggregationProcess.RoundAggregator r = round(1.0, TINY_NOISE, expectedWeight, 3);

    r.accept(contribution(1, a));
    r.accept(contribution(2, b));
    AggregateResult result = r.finish();

    double[] expected = new double[3];
    double[] magnitudes = new double[3];
    for (int i = 0; i < 3; i++) {
      expected[i] = ((double) a[i] + b[i]) / expectedWeight;
      magnitudes[i] = (Math.abs(a[i]) + Math.abs(b[i])) / (double) expectedWeight;
    }
    assertMean(expected, magnitudes, 2, expectedWeight, result.meanUpdate());
    assertEquals(3, result.totalWeight());
    assertEquals(2, result.contributions());
  }

  // ---------------------------------------------------------------- noise and measurements

  @Test
  void finish_zeroSubmissionWithNoise_publishesNonZeroValues() {
    AggregationProcess.RoundAggregator r = round(1.0, 1.0, 10, 50);
    r.accept(contribution(1, new float[50]));

    float[] mean = r.finish().meanUpdate();

    int zeros = 0;
    for (float x : mean) {
      zeros += x == 0f ? 1 : 0;
    }
    // sigma = z * C * 2^24 = 2^24 units: P[X = 0] ~ 1 / (sqrt(2 pi) 2^24) ~ 2.4e-8 per coordinate.
    assertEquals(0, zeros, Arrays.toString(mean));
  }

  @Test
  void finish_sameSeed_identicalNoise() {
    float[] u = {0.1f, 0.2f, 0.3f, 0.4f};
    AggregationProcess.RoundAggregator first = round(1.0, 1.0, 10, u.length);
    AggregationProcess.RoundAggregator second = round(1.0, 1.0, 10, u.length);
    first.accept(contribution(1, u));
    second.accept(contribution(1, u));

    assertArrayEquals(first.finish().meanUpdate(), second.finish().meanUpdate());
  }

  /** Rounds of one process draw fresh noise: the second round's noise is not the first's. */
  @Test
  void finish_twoRoundsOfOneProcess_differentNoise() {
    AggregationProcess process = aggregation(1.0, 1.0, 10).create();
    AggregationProcess.RoundAggregator first = process.begin(1, 8);
    AggregationProcess.RoundAggregator second = process.begin(2, 8);
    first.accept(contribution(1, new float[8]));
    second.accept(contribution(1, new float[8]));

    assertFalse(Arrays.equals(first.finish().meanUpdate(), second.finish().meanUpdate()));
  }

  @Test
  void finish_measurements_reportParametersStddevAndClippedCount() {
    double clipNorm = 0.5;
    double noiseMultiplier = 1.3;
    long expectedWeight = 8;
    AggregationProcess.RoundAggregator r = round(clipNorm, noiseMultiplier, expectedWeight, 3);
    r.accept(contribution(1, 3f, 0f, 4f)); // norm 5 > 0.5: clipped
    r.accept(contribution(1, 0.1f, 0.1f, 0.1f));

    AggregateResult result = r.finish();

    var m = result.measurements();
    assertEquals(Set.of("mean_update_norm", "clip_norm", "noise_multiplier", "noise_stddev",
        "expected_weight", "clipped_submissions"), m.keySet());
    assertEquals(0.5, m.get("clip_norm"));
    assertEquals(1.3, m.get("noise_multiplier"));
    assertEquals(1.3 * 0.5 / 8, m.get("noise_stddev"), 1e-15);
    assertEquals(8.0, m.get("expected_weight"));
    assertEquals(1.0, m.get("clipped_submissions"));
    assertEquals(norm(result.meanUpdate()), m.get("mean_update_norm"), 1e-12);
  }
}
