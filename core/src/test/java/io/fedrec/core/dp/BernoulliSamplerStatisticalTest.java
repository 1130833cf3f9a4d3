package io.fedrec.core.dp;

import java.math.BigInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Frequencies of {@link BernoulliSampler}. Each assertion fails for a correct sampler with
 * probability at most {@link SamplerStatistics#FALSE_FAILURE_RATE} (1e-6) for a random seed; seeds
 * are fixed, so runs are deterministic.
 */
class BernoulliSamplerStatisticalTest {
  private static final int N = 200_000;

  @ParameterizedTest(name = "gamma = {0}/{1}")
  @CsvSource({
    "1, 3", // gamma < 1, Algorithm 1 directly
    "1, 1", // exactly 1
    "5, 2", // integer and fractional part
    "7, 1", // several Bernoulli(exp(-1)) rounds
    "1, 1000000007", // tiny gamma
    "6805647338418769269267492148635364229, 4537098225612512846178328099090242819", // BigInteger
  })
  void ofExpMinus_frequencyMatchesExpMinusGamma(String numerator, String denominator) {
    BigInteger num = new BigInteger(numerator);
    BigInteger den = new BigInteger(denominator);
    BernoulliSampler sampler = BernoulliSampler.ofExpMinus(num, den, RandomSource.seeded(201));
    long successes = 0;
    for (int i = 0; i < N; i++) {
      successes += sampler.sample() ? 1 : 0;
    }
    double gamma = new java.math.BigDecimal(num)
        .divide(new java.math.BigDecimal(den), java.math.MathContext.DECIMAL64).doubleValue();
    SamplerStatistics.assertBinomial(successes, N, Math.exp(-gamma));
  }

  @ParameterizedTest(name = "p = {0}/{1}")
  @CsvSource({
    "1, 3",
    "999, 1000",
    "1267650600228229401496703205376, 3802951800684688204490109616129", // ~1/3, > 2^100
  })
  void ofProbability_frequencyMatchesP(String numerator, String denominator) {
    BigInteger num = new BigInteger(numerator);
    BigInteger den = new BigInteger(denominator);
    BernoulliSampler sampler = BernoulliSampler.ofProbability(num, den, RandomSource.seeded(202));
    long successes = 0;
    for (int i = 0; i < N; i++) {
      successes += sampler.sample() ? 1 : 0;
    }
    SamplerStatistics.assertBinomial(successes, N, num.doubleValue() / den.doubleValue());
  }
}
