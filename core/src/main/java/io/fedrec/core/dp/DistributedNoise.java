package io.fedrec.core.dp;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;

/**
 * The distributed discrete Gaussian mechanism (Kairouz, Liu, Steinke, "The Distributed Discrete
 * Gaussian Mechanism for Federated Learning with Secure Aggregation", ICML 2021): every client adds
 * discrete Gaussian noise to its integer-encoded update, and secure aggregation reveals only the
 * sum, which then carries the noise of all survivors. No floating-point Gaussian is involved
 * (the exact sampler of Canonne, Kamath, Steinke 2020).
 *
 * <p><b>Sensitivity.</b> A user's contribution is clipped to L2 norm {@code clipNorm} before
 * encoding at {@code scale}; stochastic rounding can move each of the {@code dimension}
 * coordinates by less than 1, and the weight coordinate moves by 1. So adding or removing one user
 * changes the encoded sum by at most {@code Delta = clipNorm * scale + sqrt(dimension) + 1} in L2
 * norm (a worst-case bound, used instead of the paper's conditional rounding; at scale 2^16,
 * clip 0.5 and 17,000 coordinates it is 0.4% above {@code clipNorm * scale}).
 *
 * <p><b>Noise and dropouts.</b> The sum must carry variance at least {@code (z Delta)^2}, the
 * Gaussian mechanism with noise multiplier {@code z} that the accountants assume. Each client
 * adds variance {@code ceil((z Delta)^2 / minSurvivors)} (in encoded units): the worst allowed
 * dropout. A round is published only with at least {@code minSurvivors} inputs in the sum, so the
 * sum's variance is at least {@code (z Delta)^2}; more survivors only add noise, and the
 * accounting never counts it — it never under-counts.
 *
 * <p><b>Sum of discrete Gaussians.</b> The sum of {@code n} independent discrete Gaussians of
 * variance {@code s^2} is not a discrete Gaussian; Kairouz et al. (Theorem 1) bound its privacy by
 * that of a Gaussian of variance {@code n s^2} up to {@code tau = 10 sum_{k=1}^{n-1}
 * exp(-2 pi^2 s^2 k / (k + 1))} per coordinate. {@link #tau(int)} computes it; the constructor
 * refuses (fails closed) a per-client variance below {@value #MIN_CLIENT_VARIANCE}, where tau
 * could matter; at the variances fedrec uses (10^6 and more) it underflows to 0.
 *
 * <p><b>Skellam noise.</b> {@link #sampler(NoiseDistribution, RandomSource)} with {@link
 * NoiseDistribution#SKELLAM} draws the same per-client variance from the symmetric Skellam
 * distribution instead (Agarwal, Kairouz, Liu 2021): the sum of the survivors' noise is then
 * exactly Skellam, with no {@code tau} term, and is accounted by {@link #skellamAccountant()} at
 * this encoding's L2 and L1 sensitivities.
 *
 * <p>Immutable and thread-safe.
 *
 * @param clipNorm L2 bound per user, > 0
 * @param noiseMultiplier z, > 0
 * @param scale fixed-point scale of the encoding, > 0
 * @param dimension coordinates of the encoded update (the weight excluded), >= 1
 * @param minSurvivors fewest inputs a published sum can have, >= 1
 */
public record DistributedNoise(
    double clipNorm, double noiseMultiplier, double scale, int dimension, int minSurvivors) {

  /** Smallest per-client variance accepted (encoded units); below it tau is not negligible. */
  public static final long MIN_CLIENT_VARIANCE = 4;

  /** Fixed-point scale of local DP noise when there is no secure aggregation to dictate one. */
  public static final double LOCAL_SCALE = 1 << 16;

  /** Headroom of the modulus above the largest noiseless sum, in standard deviations. */
  public static final double TAIL_SIGMAS = 12;

  public DistributedNoise {
    if (!(clipNorm > 0) || !Double.isFinite(clipNorm)) {
      throw new IllegalArgumentException("clip_norm must be > 0 and finite. Provided value: "
          + clipNorm);
    }
    if (!(noiseMultiplier > 0) || !Double.isFinite(noiseMultiplier)) {
      throw new IllegalArgumentException("noise_multiplier must be > 0 and finite. Provided value: "
          + noiseMultiplier);
    }
    if (!(scale > 0) || !Double.isFinite(scale)) {
      throw new IllegalArgumentException("scale must be > 0 and finite. Provided value: " + scale);
    }
    if (dimension < 1) {
      throw new IllegalArgumentException("dimension must be >= 1. Provided value: " + dimension);
    }
    if (minSurvivors < 1) {
      throw new IllegalArgumentException(
          "min_survivors must be >= 1. Provided value: " + minSurvivors);
    }
    BigInteger v = clientVarianceOf(clipNorm, noiseMultiplier, scale, dimension, minSurvivors);
    if (v.compareTo(BigInteger.valueOf(MIN_CLIENT_VARIANCE)) < 0) {
      throw new IllegalArgumentException("the per-client noise variance " + v + " (encoded units)"
          + " is below " + MIN_CLIENT_VARIANCE + ", where the sum of discrete Gaussians is not"
          + " provably close to a Gaussian; raise the scale, the clip or the noise multiplier");
    }
    if (v.bitLength() > 62) {
      throw new IllegalArgumentException("the per-client noise variance " + v + " (encoded units)"
          + " is too large for the encoding's 32 bits; lower the scale");
    }
  }

  /** {@code Delta}: L2 sensitivity of one user's encoded contribution, in encoded units. */
  public double sensitivityUnits() {
    return sensitivityUnits(clipNorm, scale, dimension);
  }

  /**
   * {@code Delta = clipNorm * scale + sqrt(dimension) + 1} for an encoding of {@code dimension}
   * coordinates (the weight excluded) at {@code scale}: the class comment's bound, for callers
   * that need it without a noise configuration (auditors, accountants).
   */
  public static double sensitivityUnits(double clipNorm, double scale, int dimension) {
    return clipNorm * scale + Math.sqrt(dimension) + 1;
  }

  private static BigInteger clientVarianceOf(
      double clipNorm, double z, double scale, int dimension, int minSurvivors) {
    BigDecimal sigma = new BigDecimal(z).multiply(new BigDecimal(
        sensitivityUnits(clipNorm, scale, dimension)));
    return sigma.multiply(sigma)
        .divide(BigDecimal.valueOf(minSurvivors), 0, RoundingMode.CEILING)
        .toBigIntegerExact();
  }

  /** The variance each client adds per coordinate, in encoded units (rounded up). */
  public BigInteger clientVarianceUnits() {
    return clientVarianceOf(clipNorm, noiseMultiplier, scale, dimension, minSurvivors);
  }

  /** Standard deviation of the noise in a sum of {@code survivors} inputs, encoded units. */
  public double sumStddevUnits(int survivors) {
    return Math.sqrt(clientVarianceUnits().doubleValue() * survivors);
  }

  /**
   * Kairouz et al.'s {@code tau} for {@code n} summed discrete Gaussians of the client variance:
   * the extra term of the sum's privacy bound per coordinate (0 when it underflows).
   */
  public double tau(int n) {
    double s2 = clientVarianceUnits().doubleValue();
    double sum = 0;
    for (int k = 1; k < n; k++) {
      sum += Math.exp(-2 * Math.PI * Math.PI * s2 * k / (k + 1));
    }
    return 10 * sum;
  }

  /**
   * Bits per coordinate so that a sum of {@code n} inputs, each coordinate at most {@code
   * maxMagnitude} before noise, stays inside the modulus with the noise's {@value #TAIL_SIGMAS}
   * standard deviations of headroom: {@code bitLength(n M + 12 sigma_sum) + 1}.
   *
   * @throws IllegalArgumentException if more than 32 bits would be needed
   */
  public int bitsFor(int n, long maxMagnitude) {
    double bound = (double) n * maxMagnitude + Math.ceil(TAIL_SIGMAS * sumStddevUnits(n));
    if (bound >= 0x1p31) {
      throw new IllegalArgumentException("the noisy sum of " + n + " inputs needs more than 32"
          + " bits (bound " + (long) bound + "); lower the scale, the clip range or the cohort");
    }
    long b = (long) Math.ceil(bound);
    return 64 - Long.numberOfLeadingZeros(b) + 1;
  }

  /** A sampler of this client's discrete Gaussian noise. */
  public DiscreteGaussianSampler sampler(RandomSource random) {
    return DiscreteGaussianSampler.ofSigmaSquared(clientVarianceUnits(), BigInteger.ONE, random);
  }

  /**
   * A sampler of this client's noise from {@code distribution}, of the same variance {@link
   * #clientVarianceUnits()}. With {@link NoiseDistribution#SKELLAM} the sum of {@code n} clients'
   * noise is exactly Skellam of variance {@code n} times that, at least {@code (z Delta)^2} when
   * {@code n >= minSurvivors}, which is what {@link #skellamAccountant()} assumes.
   *
   * @throws IllegalArgumentException if the variance exceeds {@link SkellamSampler#MAX_VARIANCE}
   */
  public IntegerNoiseSampler sampler(NoiseDistribution distribution, RandomSource random) {
    return switch (distribution) {
      case DISCRETE_GAUSSIAN -> sampler(random);
      case SKELLAM -> SkellamSampler.ofVariance(clientVarianceUnits(), BigInteger.ONE, random);
    };
  }

  /**
   * L1 sensitivity of one user's encoded contribution: {@code min(sqrt(dimension + 1) Delta,
   * Delta^2)} (the weight coordinate included; {@link SkellamAccountant#l1Bound}).
   */
  public double l1SensitivityUnits() {
    return l1SensitivityUnits(clipNorm, scale, dimension);
  }

  /**
   * {@link #l1SensitivityUnits()} of an encoding, as for {@link #sensitivityUnits(double, double,
   * int)}.
   */
  public static double l1SensitivityUnits(double clipNorm, double scale, int dimension) {
    return SkellamAccountant.l1Bound(
        sensitivityUnits(clipNorm, scale, dimension), (long) dimension + 1);
  }

  /** An empty accountant of the Skellam mechanism at this encoding's sensitivities. */
  public SkellamAccountant skellamAccountant() {
    return skellamAccountant(clipNorm, scale, dimension);
  }

  /**
   * An empty Skellam accountant at the sensitivities of an encoding; they depend neither on the
   * noise multiplier nor on the survivors floor.
   */
  public static SkellamAccountant skellamAccountant(double clipNorm, double scale, int dimension) {
    return SkellamAccountant.create(sensitivityUnits(clipNorm, scale, dimension),
        l1SensitivityUnits(clipNorm, scale, dimension));
  }

  /**
   * Local DP without secure aggregation: encodes {@code update} at {@code scale} with stochastic
   * rounding, adds this client's discrete Gaussian noise to every coordinate in exact integer
   * arithmetic, and decodes back to floats. (With {@code minSurvivors = 1} the output alone is the
   * Gaussian mechanism with noise multiplier {@code z}.)
   */
  public float[] noisyCopy(
      float[] update, java.util.random.RandomGenerator rounding, RandomSource random) {
    return noisyCopy(update, rounding, NoiseDistribution.DISCRETE_GAUSSIAN, random);
  }

  /**
   * As {@link #noisyCopy(float[], java.util.random.RandomGenerator, RandomSource)} with noise from
   * {@code distribution}.
   */
  public float[] noisyCopy(float[] update, java.util.random.RandomGenerator rounding,
      NoiseDistribution distribution, RandomSource random) {
    if (update.length != dimension) {
      throw new IllegalArgumentException("update must have " + dimension + " values. Provided: "
          + update.length);
    }
    IntegerNoiseSampler sampler = sampler(distribution, random);
    float[] out = new float[update.length];
    for (int i = 0; i < update.length; i++) {
      double y = update[i] * scale;
      double floor = Math.floor(y);
      long v = (long) floor + (rounding.nextDouble() < y - floor ? 1 : 0) + sampler.sample();
      out[i] = (float) (v / scale);
    }
    return out;
  }

  /**
   * Adds one draw of the client's noise to every residue of {@code encoded} (modulo {@code
   * 2^bits}).
   */
  public void addNoise(int[] encoded, int bits, RandomSource random) {
    addNoise(encoded, bits, NoiseDistribution.DISCRETE_GAUSSIAN, random);
  }

  /** As {@link #addNoise(int[], int, RandomSource)} with noise from {@code distribution}. */
  public void addNoise(
      int[] encoded, int bits, NoiseDistribution distribution, RandomSource random) {
    if (bits < 1 || bits > 32) {
      throw new IllegalArgumentException("bits must be in [1, 32]. Provided value: " + bits);
    }
    IntegerNoiseSampler sampler = sampler(distribution, random);
    long mask = bits == 32 ? 0xffffffffL : (1L << bits) - 1;
    long[] noise = new long[Math.min(encoded.length, 4096)];
    for (int from = 0; from < encoded.length; from += noise.length) {
      int n = Math.min(noise.length, encoded.length - from);
      long[] batch = n == noise.length ? noise : new long[n];
      sampler.sample(batch);
      for (int i = 0; i < n; i++) {
        encoded[from + i] = (int) (((encoded[from + i] & 0xffffffffL) + batch[i]) & mask);
      }
    }
  }
}
