package io.fedrec.client.internal;

import io.fedrec.client.ScoringBackend;
import io.fedrec.core.model.GlobalModel;
import io.fedrec.core.model.ModelShape;
import io.fedrec.core.model.UserState;
import java.util.List;

/**
 * The plain-Java {@link ScoringBackend}: cache-blocked loops, bit-identical to {@link
 * UserState#score(GlobalModel, int)}.
 *
 * <p>The block's items are taken in tiles of {@value #TILE_ITEMS}: a tile's factors (32 KiB at
 * rank 32) are copied out of the model once and then read by every user of the block while they
 * are still in cache. Within a tile four items are scored at once, so the CPU can overlap four
 * independent sums; each sum still runs over {@code f = 0 .. rank-1} in order with a separate
 * multiply and add, exactly as {@link GlobalModel#dot} does, and the biases are added as {@code
 * (b_u + b_i) + dot} as in {@link UserState#score}. Java evaluates float arithmetic strictly
 * (JEP 306), so the scores equal the per-user ones bit for bit.
 *
 * <p>Stateless and thread-safe.
 */
public final class PlainScoringBackend implements ScoringBackend {
  /** The shared instance; see {@link ScoringBackend#plainJava()}. */
  public static final PlainScoringBackend INSTANCE = new PlainScoringBackend();

  /** Items per tile of item factors kept in cache while every user of the block reads it. */
  static final int TILE_ITEMS = 256;

  private PlainScoringBackend() {}

  @Override
  public void score(
      GlobalModel model, List<UserState> users, int itemFrom, int itemTo, float[] scores) {
    ModelShape shape = model.shape();
    int rank = shape.rank();
    int n = itemTo - itemFrom;
    int m = users.size();
    int tile = Math.min(n, TILE_ITEMS);
    float[] q = new float[tile * rank];
    float[] b = new float[tile];
    for (int t0 = 0; t0 < n; t0 += TILE_ITEMS) {
      int len = Math.min(n, t0 + TILE_ITEMS) - t0;
      model.copyParameters(shape.factorOffset(itemFrom + t0), q, 0, len * rank);
      model.copyParameters(shape.biasOffset(itemFrom + t0), b, 0, len);
      for (int u = 0; u < m; u++) {
        UserState user = users.get(u);
        scoreTile(user.factors(), user.bias(), q, b, len, rank, scores, u * n + t0);
      }
    }
  }

  /** {@code out[off + j] = (bu + b[j]) + q_j . p} for the {@code len} items of a tile. */
  private static void scoreTile(
      float[] p, float bu, float[] q, float[] b, int len, int rank, float[] out, int off) {
    int j = 0;
    for (; j + 4 <= len; j += 4) {
      int q0 = j * rank;
      int q1 = q0 + rank;
      int q2 = q1 + rank;
      int q3 = q2 + rank;
      float s0 = 0f;
      float s1 = 0f;
      float s2 = 0f;
      float s3 = 0f;
      for (int f = 0; f < rank; f++) {
        float pf = p[f];
        s0 += q[q0 + f] * pf;
        s1 += q[q1 + f] * pf;
        s2 += q[q2 + f] * pf;
        s3 += q[q3 + f] * pf;
      }
      out[off + j] = bu + b[j] + s0;
      out[off + j + 1] = bu + b[j + 1] + s1;
      out[off + j + 2] = bu + b[j + 2] + s2;
      out[off + j + 3] = bu + b[j + 3] + s3;
    }
    for (; j < len; j++) {
      int q0 = j * rank;
      float s = 0f;
      for (int f = 0; f < rank; f++) {
        s += q[q0 + f] * p[f];
      }
      out[off + j] = bu + b[j] + s;
    }
  }
}
