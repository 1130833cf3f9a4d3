package io.fedrec.client;

import io.fedrec.client.internal.PlainScoringBackend;
import io.fedrec.core.model.GlobalModel;
import io.fedrec.core.model.UserState;
import java.util.List;

/**
 * Computes blocks of the dense user-by-item score matrix that {@link
 * FederatedClient#recommendAll} ranks: for a block of {@code m} users and the items {@code
 * [itemFrom, itemTo)}, with {@code n = itemTo - itemFrom},
 *
 * <pre>
 *   S = U Q^T + b_u 1^T + 1 b_i^T        (m x n)
 *   S[u][j] = b_u + b_(itemFrom + j) + p_u . q_(itemFrom + j)
 * </pre>
 *
 * where {@code U} stacks the users' factors {@code p_u} (rows of {@link UserState#factors()}),
 * {@code b_u} is {@link UserState#bias()}, and {@code Q}, {@code b_i} are the model's item factors
 * and biases. This is exactly {@link UserState#score(GlobalModel, int)}: the global mean {@code
 * mu} is left out, as it does not change an order. Filtering and top-k stay in {@link
 * FederatedClient}; a backend only does the arithmetic.
 *
 * <p>The default, {@link #plainJava()}, computes every score with the same float operations in the
 * same order as {@link UserState#score}, so {@code recommendAll} returns exactly what {@link
 * FederatedClient#recommend(String, int, RecommendationFilter)} returns per user. Other backends
 * (the optional {@code fedrec-scoring-nd4j} module runs one float32 gemm per block) may sum in
 * another order and so differ in the last bits; where two items' scores are that close, their
 * order may differ from {@code recommend}'s. Which backend is faster at which sizes is measured in
 * {@code docs/performance.md}.
 *
 * <p><b>Thread safety:</b> implementations must be safe for concurrent use: {@code recommendAll}
 * may be called from several threads at once, each with its own {@code scores} array.
 */
public interface ScoringBackend {

  /**
   * Writes the score block into {@code scores} row-major: the score of item {@code itemFrom + j}
   * for {@code users.get(u)} at {@code scores[u * (itemTo - itemFrom) + j]}. Entries past {@code
   * users.size() * (itemTo - itemFrom)} are left as they are. The caller has checked the
   * arguments: {@code 0 <= itemFrom < itemTo <= model.numItems()}, every user's factors have
   * length {@code model.rank()}, and {@code scores} is large enough.
   *
   * @param model the model whose item factors and biases are scored against
   * @param users the block's users, with factors of length {@code model.rank()}
   * @param itemFrom first item of the block, inclusive
   * @param itemTo last item of the block, exclusive
   * @param scores receives the {@code users.size() x (itemTo - itemFrom)} block
   */
  void score(GlobalModel model, List<UserState> users, int itemFrom, int itemTo, float[] scores);

  /**
   * The plain-Java default: no dependencies beyond the JDK, single-threaded, cache-blocked, and
   * bit-identical to {@link UserState#score(GlobalModel, int)}.
   */
  static ScoringBackend plainJava() {
    return PlainScoringBackend.INSTANCE;
  }
}
