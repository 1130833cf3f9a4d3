package io.fedrec.benchmarks;

import io.fedrec.core.model.GlobalModel;
import io.fedrec.core.model.LocalTrainer;
import io.fedrec.core.model.ModelShape;
import io.fedrec.core.model.TrainingConfig;
import io.fedrec.core.model.UserRatings;
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
 * One user's client computation: {@link LocalTrainer#accumulateUserUpdate} (closed-form
 * reconstruction of {@code p_u, b_u}, {@code localSteps} gradient steps on the user's item rows,
 * and the sparse add of {@code local - global} into the dense accumulator). One operation is one
 * user, so the score in ops/s is users/s on one thread.
 *
 * <p>Inputs are prepared in {@link #setUp}: {@value #USERS} users with exactly {@code ratings}
 * distinct items each, drawn uniformly from the catalogue, and a model of the default initial
 * scale. The users are cycled so that the score is not that of one cache-resident row set.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class LocalTrainerBench {
  static final int USERS = 256;

  @Param({"16", "32"})
  int rank;

  @Param({"20", "100", "500"})
  int ratings;

  @Param({"1682", "100000"})
  int numItems;

  private GlobalModel model;
  private LocalTrainer trainer;
  private UserRatings[] users;
  private float[] acc;
  private int next;

  @Setup(Level.Trial)
  public void setUp() {
    ModelShape shape = new ModelShape(numItems, rank);
    model = GlobalModel.initial(shape, 3.5f, 0.1, 7L);
    trainer = new LocalTrainer(TrainingConfig.defaults(rank));
    users = Synthetic.uniformUsers(USERS, ratings, numItems, 11L);
    acc = new float[shape.numParameters()];
  }

  /** A fresh accumulator each iteration, so that no iteration sums into a huge running total. */
  @Setup(Level.Iteration)
  public void clearAccumulator() {
    java.util.Arrays.fill(acc, 0f);
  }

  @Benchmark
  public double accumulateUserUpdate() {
    UserRatings user = users[next];
    next = (next + 1) & (USERS - 1);
    return trainer.accumulateUserUpdate(model, user, acc);
  }
}
