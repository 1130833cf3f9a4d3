package io.fedrec.simulator.baseline;

import io.fedrec.core.math.Cholesky;
import io.fedrec.core.model.Checks;
import io.fedrec.core.model.GlobalModel;
import io.fedrec.core.model.ModelShape;
import io.fedrec.core.model.TrainingConfig;
import io.fedrec.core.model.UserRatings;
import io.fedrec.simulator.data.RatingsData;
import io.fedrec.simulator.data.Split;
import io.fedrec.simulator.eval.ParallelRanges;
import io.fedrec.simulator.eval.RatingMetrics;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;

/**
 * Biased matrix factorisation {@code r(u, i) = mu + b_u + b_i + p_u . q_i} trained with all the
 * data in one place: the non-private reference that a federated model is compared against.
 *
 * <p>Alternating least squares (Zhou et al., "Large-Scale Parallel Collaborative Filtering for
 * the Netflix Prize", AAIM 2008; biases as in Koren, Bell and Volinsky, IEEE Computer 2009):
 * {@code mu} is the mean train rating; {@code Q} starts at {@code N(0, 0.1^2)} from the seed and
 * item biases at 0. Each iteration solves, exactly,
 *
 * <ul>
 *   <li>for every user: {@code min sum_i (r_ui - mu - b_i - [p_u, b_u] . [q_i, 1])^2 + regUser
 *       (|p_u|^2 + b_u^2)}, i.e. {@code (X^T X + regUser I) w = X^T y} with rows {@code [q_i, 1]}
 *       — the same system as the client's reconstruction ({@link
 *       io.fedrec.core.model.LocalTrainer#reconstruct});
 *   <li>for every item: the symmetric problem in {@code [q_i, b_i]} with rows {@code [p_u, 1]},
 *       targets {@code r_ui - mu - b_u} and penalty {@code regItem}.
 * </ul>
 *
 * <p>Both systems are (k+1) x (k+1) SPD, solved by Cholesky. The penalty is plain, not weighted
 * by rating counts as in ALS-WR, so it is the same penalty the client's reconstruction uses. A
 * final user step makes {@code P} consistent with the final {@code Q}, so that scoring {@link
 * #toGlobalModel()} with {@link io.fedrec.simulator.eval.Evaluator} and {@link
 * #trainingConfig()} reconstructs (up to float rounding) the same users as {@link #evaluate}.
 *
 * <p>Solves within a half-step are independent, so they run in parallel on the given pool;
 * the result does not depend on the pool. Immutable and thread-safe once fitted.
 */
public final class CentralizedMf {
  /** Scale of the initial item factors. */
  static final double INIT_SCALE = 0.1;

  private static final int CHUNK = 64;

  /**
   * Hyper-parameters.
   *
   * @param rank latent dimension k
   * @param iterations number of (user step, item step) pairs
   * @param regUser ridge penalty on {@code [p_u, b_u]}
   * @param regItem ridge penalty on {@code [q_i, b_i]}
   * @param seed seed of the initial {@code Q}
   */
  public record Params(int rank, int iterations, double regUser, double regItem, long seed) {
    public static final int DEFAULT_RANK = 16;
    public static final int DEFAULT_ITERATIONS = 15;
    public static final double DEFAULT_REG_USER = 15;
    public static final double DEFAULT_REG_ITEM = 10;
    public static final long DEFAULT_SEED = 42L;

    public Params {
      Checks.inRange("rank", rank, 1, ModelShape.MAX_RANK);
      Checks.inRange("iterations", iterations, 1, 1000);
      Checks.positiveFinite("regUser", regUser);
      Checks.positiveFinite("regItem", regItem);
    }

    /**
     * The defaults, tuned on MovieLens-100K split u1 (test RMSE 0.929, seeds 1 to 3 and 42 all
     * within 0.9289 to 0.9297; ranks 10 to 20 and penalties 10 to 20 all land in 0.928 to 0.932).
     */
    public static Params defaults() {
      return new Params(
          DEFAULT_RANK, DEFAULT_ITERATIONS, DEFAULT_REG_USER, DEFAULT_REG_ITEM, DEFAULT_SEED);
    }

    public Params withRank(int newRank) {
      return new Params(newRank, iterations, regUser, regItem, seed);
    }

    public Params withIterations(int newIterations) {
      return new Params(rank, newIterations, regUser, regItem, seed);
    }

    public Params withSeed(long newSeed) {
      return new Params(rank, iterations, regUser, regItem, newSeed);
    }
  }

  private final Params params;
  private final float mu;
  private final float[] userFactors;
  private final float[] userBias;
  private final float[] itemFactors;
  private final float[] itemBias;
  private final float ratingMin;
  private final float ratingMax;

  private CentralizedMf(
      Params params,
      float mu,
      float[] userFactors,
      float[] userBias,
      float[] itemFactors,
      float[] itemBias,
      float ratingMin,
      float ratingMax) {
    this.params = params;
    this.mu = mu;
    this.userFactors = userFactors;
    this.userBias = userBias;
    this.itemFactors = itemFactors;
    this.itemBias = itemBias;
    this.ratingMin = ratingMin;
    this.ratingMax = ratingMax;
  }

  /** Fits on {@code train} sequentially. */
  public static CentralizedMf fit(RatingsData train, Params params) {
    return fit(train, params, null);
  }

  /**
   * Fits on {@code train}, running the per-user and per-item solves on {@code pool} (null:
   * sequentially). The result is the same with or without a pool.
   *
   * @throws IllegalArgumentException if {@code train} has no rating
   */
  public static CentralizedMf fit(RatingsData train, Params params, ExecutorService pool) {
    if (train.numRatings() == 0) {
      throw new IllegalArgumentException("train must contain at least one rating");
    }
    int k = params.rank();
    int numUsers = train.numUsers();
    int numItems = train.numItems();
    float mu = (float) train.meanRating();
    float[] p = new float[numUsers * k];
    float[] bu = new float[numUsers];
    float[] q = new float[numItems * k];
    float[] bi = new float[numItems];
    SplittableRandom random = new SplittableRandom(params.seed());
    for (int x = 0; x < q.length; x++) {
      q[x] = (float) (INIT_SCALE * gaussian(random));
    }
    ItemIndex byItem = new ItemIndex(train);
    float regUser = (float) params.regUser();
    float regItem = (float) params.regItem();
    ParallelRanges.RangeTask userStep = (from, to) -> {
      Solver s = new Solver(k);
      for (int u = from; u < to; u++) {
        UserRatings r = train.user(u);
        s.reset();
        for (int j = 0; j < r.size(); j++) {
          int i = r.item(j);
          s.add(q, i * k, r.rating(j) - mu - bi[i]);
        }
        s.solveInto(regUser, p, u * k, bu, u);
      }
    };
    ParallelRanges.RangeTask itemStep = (from, to) -> {
      Solver s = new Solver(k);
      for (int i = from; i < to; i++) {
        s.reset();
        for (int x = byItem.offsets[i]; x < byItem.offsets[i + 1]; x++) {
          int u = byItem.users[x];
          s.add(p, u * k, byItem.ratings[x] - mu - bu[u]);
        }
        s.solveInto(regItem, q, i * k, bi, i);
      }
    };
    for (int it = 0; it < params.iterations(); it++) {
      ParallelRanges.run(numUsers, CHUNK, pool, userStep);
      ParallelRanges.run(numItems, CHUNK, pool, itemStep);
    }
    ParallelRanges.run(numUsers, CHUNK, pool, userStep);
    return new CentralizedMf(params, mu, p, bu, q, bi, train.minRating(), train.maxRating());
  }

  /** Fits with {@link Params#defaults()} on a pool (nullable) and scores the split's test. */
  public static RatingMetrics evaluateDefault(Split split, ExecutorService pool) {
    return fit(split.train(), Params.defaults(), pool).evaluate(split);
  }

  public Params params() {
    return params;
  }

  /** {@code mu + b_u + b_i + p_u . q_i}, clamped to the train ratings' range. */
  public float predict(int user, int item) {
    int k = params.rank();
    float dot = 0f;
    for (int f = 0; f < k; f++) {
      dot += userFactors[user * k + f] * itemFactors[item * k + f];
    }
    float r = mu + userBias[user] + itemBias[item] + dot;
    return Math.max(ratingMin, Math.min(ratingMax, r));
  }

  /** RMSE and MAE on the split's test ratings with the fitted user parameters. */
  public RatingMetrics evaluate(Split split) {
    return evaluate(split.test());
  }

  /** RMSE and MAE on {@code ratings} (for example the train set). */
  public RatingMetrics evaluate(RatingsData ratings) {
    return RatingErrors.of(ratings, this::predict);
  }

  /** The item side ({@code Q}, item biases, {@code mu}) in the core layout, at version 0. */
  public GlobalModel toGlobalModel() {
    int k = params.rank();
    ModelShape shape = new ModelShape(itemBias.length, k);
    float[] flat = new float[shape.numParameters()];
    System.arraycopy(itemFactors, 0, flat, 0, itemFactors.length);
    System.arraycopy(itemBias, 0, flat, shape.biasOffset(0), itemBias.length);
    flat[shape.muOffset()] = mu;
    return GlobalModel.of(0, shape, flat);
  }

  /**
   * A training config whose reconstruction ({@code userRegularization = userBiasRegularization
   * = regUser}) and clamp match this model's user step, for scoring {@link #toGlobalModel()}
   * with the federated evaluator. The local-update fields are unused by evaluation.
   */
  public TrainingConfig trainingConfig() {
    float reg = (float) params.regUser();
    return new TrainingConfig(
        params.rank(), reg, reg, (float) params.regItem(), 1, 0.05f, ratingMin, ratingMax, 1e-4f);
  }

  /** Box-Muller; SplittableRandom has no nextGaussian on Java 17. */
  private static double gaussian(SplittableRandom random) {
    double u1 = random.nextDouble();
    double u2 = random.nextDouble();
    return Math.sqrt(-2 * Math.log1p(-u1)) * Math.cos(2 * Math.PI * u2);
  }

  /**
   * Accumulates the normal equations {@code (X^T X) w = X^T y} of one ridge problem with rows
   * {@code [x, 1]} and solves it. Not thread-safe: one per task.
   */
  private static final class Solver {
    private final int k;
    private final int n;
    private final double[] a;
    private final double[] b;

    Solver(int k) {
      this.k = k;
      this.n = k + 1;
      this.a = new double[n * n];
      this.b = new double[n];
    }

    void reset() {
      java.util.Arrays.fill(a, 0);
      java.util.Arrays.fill(b, 0);
    }

    /** Adds the row {@code [x[off .. off + k), 1]} with target {@code y}. */
    void add(float[] x, int off, double y) {
      // lower triangle plus the last row; mirrored in solveInto
      for (int r = 0; r < k; r++) {
        double xr = x[off + r];
        int row = r * n;
        for (int c = 0; c <= r; c++) {
          a[row + c] += xr * x[off + c];
        }
        a[k * n + r] += xr;
        b[r] += xr * y;
      }
      a[k * n + k] += 1;
      b[k] += y;
    }

    /** Solves with penalty {@code reg} on every coordinate; writes w to factors and bias. */
    void solveInto(float reg, float[] factors, int off, float[] bias, int index) {
      for (int r = 0; r < n; r++) {
        for (int c = 0; c < r; c++) {
          a[c * n + r] = a[r * n + c];
        }
        a[r * n + r] += reg;
      }
      Cholesky.solveInPlace(a, b, n);
      for (int f = 0; f < k; f++) {
        factors[off + f] = (float) b[f];
      }
      bias[index] = (float) b[k];
    }
  }
}
