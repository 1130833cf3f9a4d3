package io.fedrec.benchmarks;

import io.fedrec.core.dp.DiscreteGaussianSampler;
import io.fedrec.core.dp.RandomSource;
import java.math.BigInteger;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Exact discrete Gaussian noise: {@link DiscreteGaussianSampler#sample(long[])} into a {@value
 * #BATCH}-value vector; the score is samples/s.
 *
 * <p>{@code sigmaSquared} (an integer, denominator 1):
 *
 * <ul>
 *   <li>{@code 1}: small sigma (sigma = 1);
 *   <li>{@code 1000000}: sigma = 1000, still on the sampler's {@code long} acceptance path;
 *   <li>{@code 70368744177664} = {@code (1 * 0.5 * 2^24)^2 = 2^46}: what {@code
 *       CentralGaussianAggregation} uses for clip norm 1 and noise multiplier 0.5 in the
 *       coordinator's fixed-point units (2^24 per 1.0). Its acceptance denominator {@code 2 n d
 *       t^2} is about 2^93, so the sampler takes its {@code BigInteger} path.
 * </ul>
 *
 * <p>{@code random}: {@code secure} is the production default ({@link RandomSource#secure()},
 * DRBG); {@code seeded} is the simulator's xoshiro256** ({@link RandomSource#seeded}), which
 * protects nothing and is here to separate the cost of randomness from that of the algorithm.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SamplerBench {
  static final int BATCH = 4096;

  @Param({"1", "1000000", "70368744177664"})
  String sigmaSquared;

  @Param({"secure", "seeded"})
  String random;

  private DiscreteGaussianSampler sampler;
  private long[] out;

  @Setup(Level.Trial)
  public void setUp() {
    RandomSource source =
        random.equals("secure") ? RandomSource.secure() : RandomSource.seeded(9L);
    sampler = DiscreteGaussianSampler.ofSigmaSquared(
        new BigInteger(sigmaSquared), BigInteger.ONE, source);
    out = new long[BATCH];
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public long[] sample() {
    sampler.sample(out);
    return out;
  }
}
