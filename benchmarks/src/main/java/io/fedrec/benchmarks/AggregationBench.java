package io.fedrec.benchmarks;

import io.fedrec.core.aggregate.AggregationProcess;
import io.fedrec.core.aggregate.ClientContribution;
import io.fedrec.core.aggregate.WeightedMeanFactory;
import io.fedrec.core.dp.CentralGaussianAggregation;
import io.fedrec.core.dp.RandomSource;
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
 * The coordinator's per-round aggregation cost.
 *
 * <ul>
 *   <li>{@link #acceptMean}: {@code WeightedMeanFactory}'s {@code accept} of one dense submission
 *       (range check of every coordinate, then the exact fixed-point add), per submission.
 *   <li>{@link #finishCentralGaussian}: {@code CentralGaussianAggregation}'s {@code finish}, i.e.
 *       one exact discrete Gaussian draw per coordinate (clip norm 1, noise multiplier 0.5, so
 *       {@code sigma^2 = (0.5 * 2^24)^2 = 2^46} fixed-point units), the division and the norm.
 *       The round it closes (one accepted submission) is prepared outside the measurement.
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class AggregationBench {
  /** Fewer than WeightedMeanFactory.MAX_CONTRIBUTIONS: a round is renewed before it is full. */
  static final int CONTRIBUTIONS_PER_ROUND = 1 << 18;

  static final double CLIP_NORM = 1.0;
  static final double NOISE_MULTIPLIER = 0.5;

  @Param({"10000", "100000", "1000000"})
  int dimension;

  private AggregationProcess mean;
  private AggregationProcess.RoundAggregator meanRound;
  private int accepted;
  private ClientContribution contribution;

  @Setup(Level.Trial)
  public void setUp() {
    // Values of a typical update's magnitude; weight 1 (one user per submission).
    contribution = new ClientContribution("bench", Synthetic.update(dimension, 0.01f, 3L), 1);
    mean = new WeightedMeanFactory().create();
    meanRound = mean.begin(1, dimension);
    accepted = 0;
  }

  @Benchmark
  public AggregationProcess.RoundAggregator acceptMean() {
    if (accepted == CONTRIBUTIONS_PER_ROUND) {
      meanRound = mean.begin(1, dimension);
      accepted = 0;
    }
    meanRound.accept(contribution);
    accepted++;
    return meanRound;
  }

  /** A central-DP round holding one submission, renewed before every call of finish. */
  @State(Scope.Thread)
  public static class NoiseRound {
    @Param({"secure", "seeded"})
    String random;

    AggregationProcess process;
    AggregationProcess.RoundAggregator round;

    @Setup(Level.Trial)
    public void setUp() {
      RandomSource source =
          random.equals("secure") ? RandomSource.secure() : RandomSource.seeded(5L);
      process = new CentralGaussianAggregation(CLIP_NORM, NOISE_MULTIPLIER, 1, source).create();
    }

    @Setup(Level.Invocation)
    public void openRound(AggregationBench bench) {
      round = process.begin(1, bench.dimension);
      round.accept(bench.contribution);
    }
  }

  @Benchmark
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public Object finishCentralGaussian(NoiseRound noise) {
    return noise.round.finish();
  }
}
