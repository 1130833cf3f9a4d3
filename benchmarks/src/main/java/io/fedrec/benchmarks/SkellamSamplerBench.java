package io.fedrec.benchmarks;

import io.fedrec.core.dp.RandomSource;
import io.fedrec.core.dp.SkellamSampler;
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
 * Exact Skellam noise: {@link SkellamSampler#sample(long[])} (two exact Poisson draws per value)
 * into a {@value #BATCH}-value vector; the score is samples/s, to compare with {@link
 * SamplerBench}'s discrete Gaussian at the same variance.
 *
 * <p>{@code variance}: {@code 1000}; {@code 1000000}; {@code 4294967296 = 2^32}, a client's
 * variance at clip 1, scale {@code 2^16}, noise multiplier 1 and a single survivor (local mode);
 * {@code 42949673} = the same over 100 survivors, the private default's order of magnitude.
 * {@code random} as in {@link SamplerBench}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SkellamSamplerBench {
  static final int BATCH = 4096;

  @Param({"1000", "1000000", "42949673", "4294967296"})
  String variance;

  @Param({"secure", "seeded"})
  String random;

  private SkellamSampler sampler;
  private long[] out;

  @Setup(Level.Trial)
  public void setUp() {
    RandomSource source =
        random.equals("secure") ? RandomSource.secure() : RandomSource.seeded(9L);
    sampler = SkellamSampler.ofVariance(new BigInteger(variance), BigInteger.ONE, source);
    out = new long[BATCH];
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public long[] sample() {
    sampler.sample(out);
    return out;
  }
}
