package io.fedrec.core.aggregate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class WeightedMeanFactoryTest {

  private static AggregationProcess.RoundAggregator begin(int dimension) {
    return new WeightedMeanFactory().create().begin(1, dimension);
  }

  private static ClientContribution contribution(long weight, float... update) {
    return new ClientContribution("client", update, weight);
  }

  private static AggregateResult aggregate(List<ClientContribution> contributions, int dimension) {
    AggregationProcess.RoundAggregator agg = begin(dimension);
    for (ClientContribution c : contributions) {
      agg.accept(c);
    }
    return agg.finish();
  }

  /**
   * Values spanning six orders of magnitude, where float or double summation would round
   * differently depending on order.
   */
  private static List<ClientContribution> randomContributions(long seed, int count, int dimension) {
    SplittableRandom random = new SplittableRandom(seed);
    List<ClientContribution> out = new ArrayList<>();
    for (int c = 0; c < count; c++) {
      float[] u = new float[dimension];
      for (int i = 0; i < dimension; i++) {
        double magnitude = Math.pow(10, random.nextInt(-3, 4));
        u[i] = (float) (random.nextDouble(-1, 1) * magnitude);
      }
      out.add(new ClientContribution("c" + c, u, 1 + random.nextInt(5)));
    }
    return out;
  }

  @Test
  void finish_twoContributions_sumOverSumOfWeights() {
    AggregationProcess.RoundAggregator agg = begin(2);
    agg.accept(contribution(1, 2f, -4f));
    agg.accept(contribution(3, 6f, 8f));

    AggregateResult r = agg.finish();

    // ([2, -4] + [6, 8]) / (1 + 3) = [2, 1]
    assertArrayEquals(new float[] {2f, 1f}, r.meanUpdate());
    assertEquals(2, r.contributions());
    assertEquals(4, r.totalWeight());
  }

  @Test
  void finish_twoContributions_reportsMeanUpdateNorm() {
    AggregationProcess.RoundAggregator agg = begin(2);
    agg.accept(contribution(1, 2f, -4f));
    agg.accept(contribution(3, 6f, 8f));

    AggregateResult r = agg.finish();

    assertEquals(Math.sqrt(5), r.measurements().get("mean_update_norm"), 1e-12);
  }

  @Test
  void finish_shuffledArrivalOrder_bitIdenticalResult() {
    List<ClientContribution> contributions = randomContributions(21, 60, 48);
    float[] expected = aggregate(contributions, 48).meanUpdate();

    for (long seed = 0; seed < 8; seed++) {
      List<ClientContribution> shuffled = new ArrayList<>(contributions);
      Collections.shuffle(shuffled, new Random(seed));

      float[] actual = aggregate(shuffled, 48).meanUpdate();

      for (int i = 0; i < expected.length; i++) {
        assertEquals(
            Float.floatToRawIntBits(expected[i]),
            Float.floatToRawIntBits(actual[i]),
            "coordinate " + i + " with shuffle seed " + seed);
      }
    }
  }

  @Test
  void finish_randomContributions_closeToDoubleWeightedMean() {
    List<ClientContribution> contributions = randomContributions(22, 30, 16);
    double[] sum = new double[16];
    long weight = 0;
    for (ClientContribution c : contributions) {
      for (int i = 0; i < 16; i++) {
        sum[i] += c.update()[i];
      }
      weight += c.weight();
    }

    AggregateResult r = aggregate(contributions, 16);

    assertEquals(weight, r.totalWeight());
    for (int i = 0; i < 16; i++) {
      double expected = sum[i] / weight;
      // fixed-point rounding (2^-25 per value) plus the final float rounding
      assertEquals(expected, r.meanUpdate()[i], 1e-6 + Math.ulp((float) expected), "coord " + i);
    }
  }

  @Test
  void finish_valueBelowResolution_roundsToNearestMultipleOfTwoToMinus24() {
    AggregationProcess.RoundAggregator agg = begin(2);
    agg.accept(contribution(1, 0x1p-26f, 0x1p-24f * 3));

    assertArrayEquals(new float[] {0f, 0x1p-24f * 3}, agg.finish().meanUpdate());
  }

  @Test
  void finish_emptyRound_returnsZerosOfDimension() {
    AggregateResult r = begin(5).finish();

    assertArrayEquals(new float[5], r.meanUpdate());
    assertEquals(0, r.contributions());
    assertEquals(0, r.totalWeight());
    assertEquals(0.0, r.measurements().get("mean_update_norm"));
  }

  @Test
  void accept_wrongLength_throwsNamingExpectedLength() {
    AggregationProcess.RoundAggregator agg = begin(3);

    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> agg.accept(contribution(1, 1f, 2f)));

    assertEquals("update length must be 3. Provided value: 2", e.getMessage());
  }

  @Test
  void accept_valueAboveMaxAbs_throwsNamingIndex() {
    AggregationProcess.RoundAggregator agg = begin(2);
    float tooLarge = Math.nextUp(WeightedMeanFactory.MAX_ABS_VALUE);

    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> agg.accept(contribution(1, 0f, -tooLarge)));

    assertEquals(
        "update values must be finite with magnitude <= 1048576.0. Provided value at index 1: "
            + -tooLarge,
        e.getMessage());
  }

  @Test
  void accept_nan_throws() {
    AggregationProcess.RoundAggregator agg = begin(1);

    assertThrows(IllegalArgumentException.class, () -> agg.accept(contribution(1, Float.NaN)));
  }

  @Test
  void accept_exactlyMaxAbs_isAccepted() {
    AggregationProcess.RoundAggregator agg = begin(2);

    agg.accept(
        contribution(1, WeightedMeanFactory.MAX_ABS_VALUE, -WeightedMeanFactory.MAX_ABS_VALUE));

    assertArrayEquals(
        new float[] {WeightedMeanFactory.MAX_ABS_VALUE, -WeightedMeanFactory.MAX_ABS_VALUE},
        agg.finish().meanUpdate());
  }

  /** A contribution rejected half-way through its values must not be partially summed. */
  @Test
  void accept_rejectedContribution_leavesSumAndCountUnchanged() {
    AggregationProcess.RoundAggregator agg = begin(2);
    agg.accept(contribution(2, 4f, 6f));

    assertThrows(
        IllegalArgumentException.class, () -> agg.accept(contribution(1, 100f, Float.NaN)));

    assertEquals(1, agg.count());
    AggregateResult r = agg.finish();
    assertArrayEquals(new float[] {2f, 3f}, r.meanUpdate());
    assertEquals(2, r.totalWeight());
  }

  @Test
  void accept_afterFinish_throwsIllegalState() {
    AggregationProcess.RoundAggregator agg = begin(1);
    agg.finish();

    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> agg.accept(contribution(1, 1f)));

    assertEquals("aggregator already finished", e.getMessage());
  }

  @Test
  void finish_calledTwice_throwsIllegalState() {
    AggregationProcess.RoundAggregator agg = begin(1);
    agg.finish();

    assertThrows(IllegalStateException.class, agg::finish);
  }

  @Test
  void count_afterThreeContributions_isThree() {
    AggregationProcess.RoundAggregator agg = begin(1);
    for (int i = 0; i < 3; i++) {
      agg.accept(contribution(1, i));
    }

    assertEquals(3, agg.count());
  }

  private static AggregationProcess.RoundAggregator filled(int contributions, float value) {
    AggregationProcess.RoundAggregator agg = begin(1);
    float[] u = {value};
    for (int c = 0; c < contributions; c++) {
      agg.accept(new ClientContribution("c", u, 1));
    }
    return agg;
  }

  /**
   * Regression: MAX_CONTRIBUTIONS = 2^19 contributions at +MAX_ABS_VALUE = 2^20 sum to exactly 2^63
   * in fixed point, one past Long.MAX_VALUE; the sum used to wrap to -2^63 and the round published
   * a mean of -2^20 instead of +2^20.
   */
  @Test
  void accept_contributionThatWouldWrapFixedPointSum_refusedAndSumKept() {
    float max = WeightedMeanFactory.MAX_ABS_VALUE;
    AggregationProcess.RoundAggregator agg = filled(WeightedMeanFactory.MAX_CONTRIBUTIONS - 1, max);

    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> agg.accept(contribution(1, max)));

    assertEquals("fixed-point sum would overflow at index 0; contribution refused", e.getMessage());
    assertEquals(WeightedMeanFactory.MAX_CONTRIBUTIONS - 1, agg.count());
    assertArrayEquals(new float[] {max}, agg.finish().meanUpdate());
  }

  @Test
  void accept_lastContributionJustBelowMaxAbs_acceptedWithoutOverflow() {
    float max = WeightedMeanFactory.MAX_ABS_VALUE;
    AggregationProcess.RoundAggregator agg = filled(WeightedMeanFactory.MAX_CONTRIBUTIONS - 1, max);

    agg.accept(contribution(1, Math.nextDown(max)));

    AggregateResult r = agg.finish();
    assertEquals(WeightedMeanFactory.MAX_CONTRIBUTIONS, r.contributions());
    assertArrayEquals(new float[] {max}, r.meanUpdate());
  }

  /** -2^63 is a long, so the negative extreme is summed exactly. */
  @Test
  void finish_maxContributionsAllAtMinusMaxAbs_exactMean() {
    float max = WeightedMeanFactory.MAX_ABS_VALUE;

    AggregateResult r = filled(WeightedMeanFactory.MAX_CONTRIBUTIONS, -max).finish();

    assertEquals(WeightedMeanFactory.MAX_CONTRIBUTIONS, r.contributions());
    assertArrayEquals(new float[] {-max}, r.meanUpdate());
  }

  @Test
  void accept_beyondMaxContributions_throwsIllegalState() {
    AggregationProcess.RoundAggregator agg = filled(WeightedMeanFactory.MAX_CONTRIBUTIONS, 0f);

    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> agg.accept(contribution(1, 0f)));

    assertEquals("round already holds 524288 contributions", e.getMessage());
  }

  @Test
  void create_anyProcess_isNamedWeightedMean() {
    assertEquals("weighted_mean", new WeightedMeanFactory().create().name());
  }

  @Test
  void clientContribution_zeroWeight_throwsEchoingValue() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> contribution(0, 1f));

    assertEquals("weight must be >= 1. Provided value: 0", e.getMessage());
  }
}
