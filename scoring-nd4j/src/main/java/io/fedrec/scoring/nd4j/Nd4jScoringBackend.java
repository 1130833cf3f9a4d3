package io.fedrec.scoring.nd4j;

import io.fedrec.client.ScoringBackend;
import io.fedrec.core.model.GlobalModel;
import io.fedrec.core.model.ModelShape;
import io.fedrec.core.model.UserState;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * A {@link ScoringBackend} on nd4j-native: each block {@code S = U Q^T + b_u 1^T + 1 b_i^T} is one
 * float32 {@code gemm} (OpenBLAS, on as many threads as nd4j's OpenMP runtime is given; {@code
 * OMP_NUM_THREADS} caps it) followed by two broadcast adds, then copied into the caller's array.
 *
 * <pre>{@code
 * FederatedClient client = FederatedClient.builder()
 *     ...
 *     .scoringBackend(new Nd4jScoringBackend())
 *     .build();
 * Map<String, List<Recommendation>> top =
 *     client.recommendAll(userIds, 10, RecommendationFilter.DEFAULT);
 * }</pre>
 *
 * <p>The model's item factors {@code Q} ({@code numItems x rank}) and biases are copied off-heap
 * once per model and reused for every block and every call until a different model is scored, so
 * the cost of a block is the gemm, the bias adds and one copy of the {@code m x n} result. The
 * scores differ from {@link ScoringBackend#plainJava()} only by float32 rounding: the gemm sums
 * {@code p_u . q_i} in its own order, and the biases are added after it. docs/performance.md
 * says at which sizes this is faster than the plain-Java default (it is not for small blocks).
 *
 * <p>Thread-safe: the cached model arrays are only read, and every call works on its own arrays.
 * Constructing the first instance loads nd4j's native libraries (a few seconds, once per JVM).
 */
public final class Nd4jScoringBackend implements ScoringBackend {

  /** A model's {@code Q} ({@code numItems x rank}, row-major) and biases ({@code 1 x numItems}). */
  private record Prepared(GlobalModel model, INDArray factors, INDArray biases) {}

  private final AtomicReference<Prepared> prepared = new AtomicReference<>();

  /**
   * Loads the nd4j backend now, so that a missing or incompatible native library fails here,
   * when the client is built, rather than on the first {@code recommendAll}.
   *
   * @throws RuntimeException from nd4j when no native backend can be loaded on this platform
   */
  public Nd4jScoringBackend() {
    Nd4j.getBackend();
  }

  @Override
  public void score(
      GlobalModel model, List<UserState> users, int itemFrom, int itemTo, float[] scores) {
    Prepared p = prepare(model);
    int rank = model.rank();
    int m = users.size();
    int n = itemTo - itemFrom;
    float[] factors = new float[m * rank];
    float[] biases = new float[m];
    for (int u = 0; u < m; u++) {
      UserState user = users.get(u);
      System.arraycopy(user.factors(), 0, factors, u * rank, rank);
      biases[u] = user.bias();
    }
    INDArray userFactors = Nd4j.create(factors, new long[] {m, rank}, 'c');
    INDArray userBiases = Nd4j.create(biases, new long[] {m, 1}, 'c');
    boolean whole = itemFrom == 0 && itemTo == model.numItems();
    INDArray itemFactors = whole ? p.factors()
        : p.factors().get(NDArrayIndex.interval(itemFrom, itemTo), NDArrayIndex.all());
    INDArray itemBiases = whole ? p.biases()
        : p.biases().get(NDArrayIndex.all(), NDArrayIndex.interval(itemFrom, itemTo));
    INDArray block = Nd4j.createUninitialized(DataType.FLOAT, new long[] {m, n}, 'c');
    Nd4j.gemm(userFactors, itemFactors, block, false, true, 1.0, 0.0);
    block.addiColumnVector(userBiases).addiRowVector(itemBiases);
    // A fresh c-order array: its buffer holds exactly the m x n block, row by row, from offset 0.
    block.data().asNioFloat().get(scores, 0, m * n);
  }

  /** The off-heap copy of {@code model}'s item parameters, made once per model. */
  private Prepared prepare(GlobalModel model) {
    Prepared p = prepared.get();
    if (p != null && p.model() == model) {
      return p;
    }
    ModelShape shape = model.shape();
    int numItems = shape.numItems();
    float[] q = new float[numItems * shape.rank()];
    model.copyParameters(shape.factorOffset(0), q, 0, q.length);
    float[] b = new float[numItems];
    model.copyParameters(shape.biasOffset(0), b, 0, numItems);
    p = new Prepared(model, Nd4j.create(q, new long[] {numItems, shape.rank()}, 'c'),
        Nd4j.create(b, new long[] {1, numItems}, 'c'));
    // Concurrent callers on a new model may each build one; the last one set is kept.
    prepared.set(p);
    return p;
  }
}
