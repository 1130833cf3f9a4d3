package io.fedrec.benchmarks;

import io.fedrec.simulator.baseline.CentralizedSgdMf;
import io.fedrec.simulator.baseline.SgdParams;
import io.fedrec.simulator.data.RatingsData;
import io.fedrec.simulator.data.SyntheticConfig;
import io.fedrec.simulator.data.SyntheticDataset;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The centralized counterpart of {@link RoundBench}: one epoch of SGD matrix factorisation
 * ({@link CentralizedSgdMf}, rank 32, one pass over every rating in random order, from a fresh
 * initialisation) on the same data as {@code RoundBench} with the same {@code cohort} and {@code
 * numItems} (10 x cohort users with exactly 100 ratings each, seed 42). The score, epochs/s, over
 * {@code RoundBench}'s rounds/s is the cost of a federated round in centralized epochs; 10 rounds
 * touch every user once, so 10 rounds are the federated "epoch".
 *
 * <p>SGD is the honest single-machine counterpart of the federated clients' local steps (each
 * rating visited once per pass, no Gram matrices); ALS would do more work per epoch.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx8g"})
public class CentralizedEpochBench {
  @Param({"1000"})
  int cohort;

  @Param({"1682", "100000"})
  int numItems;

  private RatingsData train;
  private SgdParams params;

  @Setup(Level.Trial)
  public void setUp() {
    train = SyntheticDataset.generate(SyntheticConfig.builder()
        .numUsers(RoundBench.POPULATION_PER_COHORT * cohort)
        .numItems(numItems)
        .meanRatingsPerUser(RoundBench.RATINGS_PER_USER)
        .activitySigma(0)
        .minRatingsPerUser(2)
        .testFraction(0)
        .seed(42L)
        .build()).train();
    SgdParams d = CentralizedSgdMf.defaults();
    params = new SgdParams(RoundBench.RANK, 1, d.learningRate(), d.lrDecay(), d.reg(),
        d.biasReg(), d.initScale(), d.seed());
  }

  @Benchmark
  public CentralizedSgdMf epoch() {
    return CentralizedSgdMf.fit(train, params);
  }
}
