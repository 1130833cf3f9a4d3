package io.fedrec.core.dp;

import static java.math.BigInteger.ONE;
import static java.math.BigInteger.ZERO;
import static java.math.BigInteger.valueOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;

class BernoulliSamplerTest {

  /** A source that fails the test if the sampler draws anything. */
  private static final RandomSource NO_RANDOMNESS = new RandomSource() {
    @Override
    public long nextLong() {
      throw new AssertionError("drew randomness");
    }

    @Override
    public int nextInt() {
      throw new AssertionError("drew randomness");
    }

    @Override
    public boolean nextBoolean() {
      throw new AssertionError("drew randomness");
    }
  };

  @Test
  void ofExpMinus_gammaZero_alwaysTrueWithoutRandomness() {
    BernoulliSampler sampler = BernoulliSampler.ofExpMinus(ZERO, valueOf(7), NO_RANDOMNESS);
    for (int i = 0; i < 100; i++) {
      assertTrue(sampler.sample());
    }
  }

  @Test
  void ofExpMinus_hugeGammaZeroNumerator_alwaysTrue() {
    BigInteger hugeDenominator = ONE.shiftLeft(200);
    BernoulliSampler sampler = BernoulliSampler.ofExpMinus(ZERO, hugeDenominator, NO_RANDOMNESS);
    assertTrue(sampler.sample());
  }

  @Test
  void ofExpMinus_veryLargeGamma_practicallyAlwaysFalse() {
    // exp(-10^30) is 0 for every practical purpose; the sampler must still terminate quickly.
    BernoulliSampler sampler =
        BernoulliSampler.ofExpMinus(BigInteger.TEN.pow(30), ONE, RandomSource.seeded(1));
    for (int i = 0; i < 1000; i++) {
      assertFalse(sampler.sample());
    }
  }

  @Test
  void ofProbability_zero_alwaysFalse() {
    BernoulliSampler sampler =
        BernoulliSampler.ofProbability(ZERO, valueOf(3), RandomSource.seeded(2));
    for (int i = 0; i < 1000; i++) {
      assertFalse(sampler.sample());
    }
  }

  @Test
  void ofProbability_one_alwaysTrue() {
    BernoulliSampler sampler =
        BernoulliSampler.ofProbability(valueOf(5), valueOf(5), RandomSource.seeded(3));
    for (int i = 0; i < 1000; i++) {
      assertTrue(sampler.sample());
    }
  }

  @Test
  void ofProbability_aboveOne_throwsNamingTheValue() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> BernoulliSampler.ofProbability(valueOf(4), valueOf(3)));
    assertEquals("probability numerator / denominator must be <= 1. Provided value: 4/3",
        e.getMessage());
  }

  @Test
  void ofProbability_negativeNumerator_throwsNamingTheValue() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> BernoulliSampler.ofProbability(valueOf(-1), valueOf(3)));
    assertEquals("numerator must be >= 0. Provided value: -1", e.getMessage());
  }

  @Test
  void ofExpMinus_negativeGamma_throwsNamingTheValue() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> BernoulliSampler.ofExpMinus(valueOf(-2), ONE));
    assertEquals("gammaNumerator must be >= 0. Provided value: -2", e.getMessage());
  }

  @Test
  void ofExpMinus_zeroDenominator_throwsNamingTheValue() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> BernoulliSampler.ofExpMinus(ONE, ZERO));
    assertEquals("gammaDenominator must be > 0. Provided value: 0", e.getMessage());
  }

  @Test
  void ofExpMinus_nullNumerator_throwsNamingTheParameter() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> BernoulliSampler.ofExpMinus(null, ONE));
    assertEquals("gammaNumerator must not be null", e.getMessage());
  }

  @Test
  void ofExpMinus_nullRandomSource_throws() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> BernoulliSampler.ofExpMinus(ONE, ONE, null));
    assertEquals("random must not be null", e.getMessage());
  }

  @Test
  void toString_showsReducedParameters() {
    assertEquals("Bernoulli(exp(-3/2))",
        BernoulliSampler.ofExpMinus(valueOf(6), valueOf(4), RandomSource.seeded(1)).toString());
    assertEquals("Bernoulli(1/3)",
        BernoulliSampler.ofProbability(valueOf(2), valueOf(6), RandomSource.seeded(1)).toString());
  }

  @Test
  void sampleExpMinusFraction_productOverflowingLong_stillTerminatesInRange() {
    // den * k overflows for every k >= 2: exercises the Bernoulli(1/k) AND Bernoulli(gamma) split.
    RandomSource random = RandomSource.seeded(4);
    long den = Long.MAX_VALUE - 1;
    int trues = 0;
    for (int i = 0; i < 1000; i++) {
      trues += BernoulliSampler.sampleExpMinusFraction(random, den - 1, den) ? 1 : 0;
    }
    assertTrue(trues > 250 && trues < 500, "trues = " + trues); // exp(-1) ~= 0.368
  }

  @Test
  void sample_batch_fillsEveryElement() {
    boolean[] out = new boolean[64];
    BernoulliSampler.ofProbability(ONE, ONE, RandomSource.seeded(1)).sample(out);
    for (boolean b : out) {
      assertTrue(b);
    }
  }
}
