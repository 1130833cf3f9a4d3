package io.fedrec.core.dp;

import io.fedrec.core.aggregate.AggregateResult;
import io.fedrec.core.aggregate.AggregationFactory;
import io.fedrec.core.aggregate.AggregationProcess;
import io.fedrec.core.aggregate.ClientContribution;
import io.fedrec.core.aggregate.FixedPointSum;
import io.fedrec.core.aggregate.WeightedMeanFactory;
import io.fedrec.core.model.Checks;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.Map;

/**
 * Central user-level differential privacy for one round (DP-FedAvg, McMahan, Ramage, Talwar,
 * Zhang, "Learning Differentially Private Recurrent Language Models", ICLR 2018, Algorithm 1 with
 * the fixed denominator of its Section 3):
 *
 * <ol>
 *   <li>Clients clip each user's whole contribution to L2 norm {@code clipNorm} before summing
 *       ({@code LocalTrainer.accumulateClippedUserUpdate}). As a safety net against a client that
 *       did not, the coordinator scales a submission of weight {@code w} to norm at most {@code w *
 *       clipNorm}; the measurement {@code clipped_submissions} counts how often that happened.
 *   <li>The submissions are summed exactly in fixed point ({@link FixedPointSum}).
 *   <li>One draw of the discrete Gaussian (Canonne, Kamath, Steinke 2020; exact sampler, no
 *       floating point, see {@link DiscreteGaussianSampler}) with standard deviation {@code
 *       noiseMultiplier * clipNorm}, expressed in fixed-point units and rounded <em>up</em> in
 *       variance, is added to every coordinate of the sum.
 *   <li>The noisy sum is divided by the configured {@code expectedWeight} (the expected number of
 *       users per round), not by the realised weight, which would depend on who took part.
 * </ol>
 *
 * <p>Sensitivity: adding or removing one user changes the sum by at most {@code clipNorm} in L2
 * norm, so each round is the Gaussian mechanism with noise multiplier {@code noiseMultiplier};
 * with cohorts sampled from a population, accounting uses the subsampled Gaussian
 * ({@link RdpAccountant}, {@link PldAccountant}). The discrete Gaussian with variance at least
 * {@code sigma^2} is at least as private as the continuous one up to the small terms of Canonne
 * et al., Theorem 7 (for sigma in fixed-point units of order 10^6 and more they are negligible).
 *
 * <p>Fails closed: parameters are validated at construction; a round with no contribution throws
 * from {@code finish} so it is not published.
 */
public final class CentralGaussianAggregation implements AggregationFactory {
  private final double clipNorm;
  private final double noiseMultiplier;
  private final long expectedWeight;
  private final RandomSource random;
  private final BigInteger sigmaSquaredUnits;

  /**
   * @param clipNorm L2 bound per user, > 0
   * @param noiseMultiplier noise standard deviation over clipNorm, > 0
   * @param expectedWeight the denominator: expected users per round, >= 1
   * @param random noise randomness; {@link RandomSource#secure()} in production
   */
  public CentralGaussianAggregation(
      double clipNorm, double noiseMultiplier, long expectedWeight, RandomSource random) {
    this.clipNorm = Checks.positiveFinite("clip_norm", clipNorm);
    this.noiseMultiplier = Checks.positiveFinite("noise_multiplier", noiseMultiplier);
    this.expectedWeight = Checks.inRange("expected_weight", expectedWeight, 1, Long.MAX_VALUE / 2);
    if (random == null) {
      throw new IllegalArgumentException("random must not be null. Provided value: null");
    }
    this.random = random;
    BigDecimal sigmaUnits = new BigDecimal(noiseMultiplier)
        .multiply(new BigDecimal(clipNorm))
        .multiply(BigDecimal.valueOf(FixedPointSum.SCALE));
    // Variance in fixed-point units, rounded up to an integer: never less noise than specified.
    sigmaSquaredUnits = sigmaUnits.multiply(sigmaUnits).setScale(0, RoundingMode.CEILING)
        .toBigIntegerExact();
    if (sigmaSquaredUnits.bitLength() > 120) {
      throw new IllegalArgumentException("noise_multiplier * clip_norm is too large for the"
          + " fixed-point sum. Provided values: noise_multiplier=" + noiseMultiplier
          + ", clip_norm=" + clipNorm);
    }
  }

  public double clipNorm() {
    return clipNorm;
  }

  public double noiseMultiplier() {
    return noiseMultiplier;
  }

  public long expectedWeight() {
    return expectedWeight;
  }

  @Override
  public AggregationProcess create() {
    DiscreteGaussianSampler sampler =
        DiscreteGaussianSampler.ofSigmaSquared(sigmaSquaredUnits, BigInteger.ONE, random);
    return new AggregationProcess() {
      @Override
      public RoundAggregator begin(long round, int dimension) {
        return new Round(dimension, sampler);
      }

      @Override
      public String name() {
        return "central_gaussian";
      }
    };
  }

  private final class Round implements AggregationProcess.RoundAggregator {
    private final FixedPointSum sum;
    private final DiscreteGaussianSampler sampler;
    private long totalWeight;
    private int count;
    private int clipped;
    private boolean finished;

    Round(int dimension, DiscreteGaussianSampler sampler) {
      this.sum = new FixedPointSum(dimension);
      this.sampler = sampler;
    }

    @Override
    public synchronized void accept(ClientContribution c) {
      if (finished) {
        throw new IllegalStateException("aggregator already finished");
      }
      if (count >= WeightedMeanFactory.MAX_CONTRIBUTIONS) {
        throw new IllegalStateException(
            "round already holds " + WeightedMeanFactory.MAX_CONTRIBUTIONS + " contributions");
      }
      float[] u = c.update();
      double norm = FixedPointSum.norm(u);
      double bound = c.weight() * clipNorm;
      if (norm > bound) {
        float s = (float) (bound / norm);
        float[] scaled = new float[u.length];
        for (int i = 0; i < u.length; i++) {
          scaled[i] = u[i] * s;
        }
        u = scaled;
      }
      sum.add(u);
      if (norm > bound) {
        clipped++;
      }
      totalWeight += c.weight();
      count++;
    }

    @Override
    public synchronized int count() {
      return count;
    }

    @Override
    public synchronized AggregateResult finish() {
      if (finished) {
        throw new IllegalStateException("aggregator already finished");
      }
      finished = true;
      if (count == 0) {
        throw new IllegalStateException("no contribution to add noise to; round not published");
      }
      sum.addNoise(sampler::sample);
      float[] mean = sum.divide(expectedWeight);
      return new AggregateResult(mean, count, totalWeight, Map.of(
          "mean_update_norm", FixedPointSum.norm(mean),
          "clip_norm", clipNorm,
          "noise_multiplier", noiseMultiplier,
          "noise_stddev", noiseMultiplier * clipNorm / expectedWeight,
          "expected_weight", (double) expectedWeight,
          "clipped_submissions", (double) clipped));
    }
  }
}
