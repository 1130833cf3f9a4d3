package io.fedrec.scoring.nd4j;

import io.fedrec.client.ScoringBackend;
import io.fedrec.core.model.GlobalModel;
import io.fedrec.core.model.ModelShape;
import io.fedrec.core.model.UserState;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A {@link ScoringBackend} on nd4j-native: each block {@code S = U Q^T + b_u 1^T + 1 b_i^T} is one
 * float32 {@code gemm} (OpenBLAS, on as many threads as nd4j's OpenMP runtime is given; {@code
 * OMP_NUM_THREADS} caps it), copied into the caller's array.
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
 * <p>The biases ride in the product: with {@code U' = [U, b_u, 1]} ({@code m x (rank + 2)}) and
 * {@code Q' = [Q, 1, b_i]} ({@code n x (rank + 2)}), {@code U' Q'^T = U Q^T + b_u 1^T + 1 b_i^T}.
 * One gemm replaces the gemm plus two broadcast adds, which in nd4j 1.0.0-M2.1 cost more than the
 * gemm itself at these ranks. {@code Q'} is built off-heap once per model and item range (a
 * contiguous array per range: gemm on a row-range view of one large array was several times
 * slower) and reused until a different model is scored, so a block costs the copy of its users,
 * the gemm and the copy of the {@code m x n} result.
 *
 * <p>The scores differ from {@link ScoringBackend#plainJava()} only by float32 rounding: the gemm
 * sums {@code p_u . q_i + b_u + b_i} in its own order. docs/performance.md says at which sizes this
 * backend is faster than the plain-Java default.
 *
 * <p>Thread-safe: the cached item arrays are only read once built, every call works on its own
 * user array, and each thread reuses its own result arrays. Constructing the first instance loads nd4j's native libraries (a few
 * seconds, once per JVM).
 */
public final class Nd4jScoringBackend implements ScoringBackend {
  /**
   * Item ranges cached per model: {@code recommendAll} uses {@code ceil(numItems / 4096)} fixed
   * ranges, far fewer; a caller with ever-new ranges gets them built per call beyond this.
   */
  static final int MAX_CACHED_RANGES = 4096;

  /** Result shapes kept per thread: {@code recommendAll} uses at most four per catalogue. */
  static final int MAX_CACHED_SHAPES = 8;

  /** A model and its {@code Q'} arrays by item range ({@code itemFrom << 32 | itemTo}). */
  private record Prepared(GlobalModel model, Map<Long, INDArray> items) {}

  private final AtomicReference<Prepared> prepared = new AtomicReference<>();

  /**
   * This thread's off-heap result arrays by shape ({@code m << 32 | n}). nd4j frees off-heap
   * memory only when the garbage collector finds the Java object gone, so a fresh 2 MiB result per
   * block piles up native memory between collections; reusing one per shape keeps it flat.
   */
  private final ThreadLocal<Map<Long, INDArray>> results = ThreadLocal.withInitial(HashMap::new);

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
    int width = model.rank() + 2;
    int m = users.size();
    float[] u = new float[m * width];
    for (int r = 0; r < m; r++) {
      UserState user = users.get(r);
      System.arraycopy(user.factors(), 0, u, r * width, width - 2);
      u[r * width + width - 2] = user.bias();
      u[r * width + width - 1] = 1f;
    }
    INDArray userMatrix = Nd4j.create(u, new long[] {m, width}, 'c');
    INDArray itemMatrix = items(model, itemFrom, itemTo);
    int n = itemTo - itemFrom;
    INDArray block = result(m, n);
    Nd4j.gemm(userMatrix, itemMatrix, block, false, true, 1.0, 0.0);
    // A c-order array of its own: its buffer holds exactly the m x n block, row by row.
    block.data().asNioFloat().get(scores, 0, m * n);
  }

  /** This thread's {@code m x n} result array (overwritten by each gemm: {@code beta = 0}). */
  private INDArray result(int m, int n) {
    Map<Long, INDArray> byShape = results.get();
    long key = (long) m << 32 | n;
    INDArray result = byShape.get(key);
    if (result == null) {
      if (byShape.size() >= MAX_CACHED_SHAPES) {
        byShape.clear();
      }
      result = Nd4j.createUninitialized(DataType.FLOAT, new long[] {m, n}, 'c');
      byShape.put(key, result);
    }
    return result;
  }

  /** {@code Q'} of {@code model} for items {@code [from, to)}: rows {@code [q_i, 1, b_i]}. */
  private INDArray items(GlobalModel model, int from, int to) {
    Prepared p = prepared.get();
    if (p == null || p.model() != model) {
      // Concurrent callers on a new model may each start a cache; the last one set is kept.
      p = new Prepared(model, new ConcurrentHashMap<>());
      prepared.set(p);
    }
    long key = (long) from << 32 | to;
    INDArray cached = p.items().get(key);
    if (cached != null) {
      return cached;
    }
    INDArray built = buildItems(model, from, to);
    if (p.items().size() < MAX_CACHED_RANGES) {
      p.items().putIfAbsent(key, built);
    }
    return built;
  }

  private static INDArray buildItems(GlobalModel model, int from, int to) {
    ModelShape shape = model.shape();
    int rank = shape.rank();
    int width = rank + 2;
    int n = to - from;
    float[] q = new float[n * width];
    for (int j = 0; j < n; j++) {
      model.copyFactors(from + j, q, j * width);
      q[j * width + rank] = 1f;
      q[j * width + rank + 1] = model.itemBias(from + j);
    }
    return Nd4j.create(q, new long[] {n, width}, 'c');
  }
}
