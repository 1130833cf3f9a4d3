package io.fedrec.benchmarks;

import io.fedrec.client.ScoringBackend;
import io.fedrec.core.model.GlobalModel;
import io.fedrec.core.model.ModelShape;
import io.fedrec.core.model.UserState;
import io.fedrec.scoring.nd4j.Nd4jScoringBackend;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
 * The dense scoring of {@code FederatedClient.recommendAll}: every user against every item, block
 * by block, through the plain-Java default ({@code plain}) or nd4j-native ({@code nd4j}) {@link
 * ScoringBackend}. One operation scores all {@code users x items} pairs in the blocks {@code
 * recommendAll} uses ({@value #BLOCK_USERS} users by {@value #BLOCK_ITEMS} items). User
 * reconstruction, filtering and top-k are the same for both backends and left out, so the
 * difference between the two is the whole difference in {@code recommendAll}'s scoring step.
 *
 * <p>Inputs: a model and users with factors and biases uniform in {@code [-1, 1)} from fixed
 * seeds. The nd4j backend's off-heap copy of the model is made in the first operation of the
 * warm-up and then reused, as it is across the calls of a client serving one model.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = "-Xmx2g")
public class ScoringBench {
  /** As {@code FederatedClient.SCORE_BLOCK_USERS}. */
  static final int BLOCK_USERS = 128;

  /** As {@code FederatedClient.SCORE_BLOCK_ITEMS}. */
  static final int BLOCK_ITEMS = 4096;

  @Param({"64", "1000", "10000"})
  int users;

  @Param({"1682", "20000"})
  int items;

  @Param({"16", "32"})
  int rank;

  @Param({"plain", "nd4j"})
  String backend;

  private ScoringBackend scoring;
  private GlobalModel model;
  private List<UserState> states;
  private float[] scores;

  @Setup(Level.Trial)
  public void setUp() {
    scoring = switch (backend) {
      case "plain" -> ScoringBackend.plainJava();
      case "nd4j" -> new Nd4jScoringBackend();
      default -> throw new IllegalArgumentException(
          "backend must be plain or nd4j. Provided value: " + backend);
    };
    ModelShape shape = new ModelShape(items, rank);
    model = GlobalModel.of(1, shape, Synthetic.update(shape.numParameters(), 1f, 7));
    float[] values = Synthetic.update(users * (rank + 1), 1f, 8);
    states = new ArrayList<>(users);
    for (int u = 0; u < users; u++) {
      int off = u * (rank + 1);
      states.add(new UserState(Arrays.copyOfRange(values, off, off + rank), values[off + rank]));
    }
    scores = new float[Math.min(users, BLOCK_USERS) * Math.min(items, BLOCK_ITEMS)];
  }

  /** All {@code users x items} scores; returns one per block so none can be optimised away. */
  @Benchmark
  public float scoreAll() {
    float sink = 0f;
    for (int from = 0; from < users; from += BLOCK_USERS) {
      List<UserState> block = states.subList(from, Math.min(users, from + BLOCK_USERS));
      for (int i0 = 0; i0 < items; i0 += BLOCK_ITEMS) {
        int i1 = Math.min(items, i0 + BLOCK_ITEMS);
        scoring.score(model, block, i0, i1, scores);
        sink += scores[(block.size() - 1) * (i1 - i0)];
      }
    }
    return sink;
  }
}
