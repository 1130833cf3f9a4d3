package io.fedrec.core.dp;

import java.math.BigInteger;

/**
 * Measures sampler throughput (samples per second) on a vector the size a distributed-DP client
 * noises per round. Not a test and asserts nothing; run it by hand:
 *
 * <pre>
 *   ./mvnw -B -ntp -pl core test-compile
 *   java -cp core/target/classes:core/target/test-classes io.fedrec.core.dp.SamplerThroughput
 * </pre>
 *
 * <p>Numbers are indicative (no JMH); a proper benchmark belongs in the {@code benchmarks} module.
 */
public final class SamplerThroughput {
  private SamplerThroughput() {}

  public static void main(String[] args) {
    int size = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    long[] out = new long[size];
    for (String source : new String[] {"secure", "seeded"}) {
      String p = source + ": ";
      run(p + "DiscreteGaussian sigma^2=1", gaussian(1, 1, source), out);
      run(p + "DiscreteGaussian sigma^2=100", gaussian(100, 1, source), out);
      run(p + "DiscreteGaussian sigma^2=10^6", gaussian(1_000_000, 1, source), out);
      run(p + "DiscreteGaussian sigma^2=10^10 (BigInteger)",
          gaussian(10_000_000_000L, 1, source), out);
      run(p + "DiscreteGaussian ofSigma(3.7) (BigInteger)",
          DiscreteGaussianSampler.ofSigma(3.7, randomness(source)), out);
      run(p + "DiscreteLaplace scale=10",
          DiscreteLaplaceSampler.ofScale(10, 1, randomness(source)), out);
      run(p + "DiscreteLaplace scale=1000",
          DiscreteLaplaceSampler.ofScale(1000, 1, randomness(source)), out);
    }
  }

  private static IntegerNoiseSampler gaussian(long num, long den, String source) {
    return DiscreteGaussianSampler.ofSigmaSquared(
        BigInteger.valueOf(num), BigInteger.valueOf(den), randomness(source));
  }

  private static RandomSource randomness(String source) {
    return source.equals("secure") ? RandomSource.secure() : RandomSource.seeded(42);
  }

  private static void run(String name, IntegerNoiseSampler sampler, long[] out) {
    for (int i = 0; i < 3; i++) { // warm-up
      sampler.sample(out);
    }
    int reps = 5;
    long start = System.nanoTime();
    for (int i = 0; i < reps; i++) {
      sampler.addNoise(out);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf(
        "%-56s %,12.0f samples/s%n",
        name, (double) reps * out.length / seconds);
  }
}
