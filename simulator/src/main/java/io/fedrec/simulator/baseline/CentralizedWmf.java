package io.fedrec.simulator.baseline;

import io.fedrec.core.math.Cholesky;
import io.fedrec.core.model.Checks;
import io.fedrec.core.model.Feedback;
import io.fedrec.core.model.GlobalModel;
import io.fedrec.core.model.LocalTrainer;
import io.fedrec.core.model.ModelShape;
import io.fedrec.core.model.TrainingConfig;
import io.fedrec.core.model.UserState;
import io.fedrec.simulator.data.RatingsData;
import io.fedrec.simulator.eval.ParallelRanges;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;

/**
 * Weighted matrix factorisation of implicit feedback with all the data in one place: the
 * non-private reference for the federated implicit model. Hu, Koren and Volinsky, "Collaborative
 * Filtering for Implicit Feedback Datasets", ICDM 2008, Section 4, with an item bias: the score is
 * {@code s_ui = b_i + p_u . q_i} (the federated model's, with {@code mu = 0}), the preference
 * {@code p_ui} is 1 for the user's training interactions and 0 for every other item, the
 * confidence {@code c_ui = 1 + alpha r_ui} on interactions of strength {@code r_ui} and 1
 * elsewhere. Alternating least squares minimises
 *
 * <pre>
 *   sum_{u, i} c_ui (p_ui - b_i - p_u . q_i)^2 + regUser sum_u |p_u|^2
 *       + regItem sum_i (|q_i|^2 + b_i^2)
 * </pre>
 *
 * <p>{@code Q} starts at {@code N(0, 0.1^2)} from the seed and {@code b} at 0. Each iteration
 * solves, exactly and over the whole catalogue (every non-interaction is a negative):
 *
 * <ul>
 *   <li>for every user, {@code p_u} by the client's own reconstruction ({@link
 *       LocalTrainer#reconstruct} with {@link #trainingConfig()}): {@code (Q^T Q + sum_{i in I_u}
 *       alpha r_ui q_i q_i^T + regUser I) p_u = sum_{i in I_u} (c_ui - alpha r_ui b_i) q_i - Q^T
 *       b}, with the Gram trick of Hu et al. (derivation in {@code ImplicitTrainer});
 *   <li>for every item, {@code w_i = [q_i, b_i]} with features {@code x_u = [p_u, 1]}: {@code
 *       (X^T X + sum_{u in U_i} alpha r_ui x_u x_u^T + regItem I) w_i = sum_{u in U_i} c_ui x_u},
 *       where {@code X^T X} over all users is computed once per iteration (the same trick on the
 *       item side; the right side has only the interacting users because {@code p_ui = 0}
 *       elsewhere).
 * </ul>
 *
 * Both systems are SPD and solved by Cholesky. A final user step is not needed: the evaluator
 * reconstructs users from {@link #toGlobalModel()} with {@link #trainingConfig()}, which is the
 * user step. Solves within a half-step run in parallel on the given pool; the result does not
 * depend on the pool. Immutable and thread-safe once fitted.
 */
public final class CentralizedWmf {
  /** Scale of the initial item factors. */
  static final double INIT_SCALE = 0.1;

  private static final int CHUNK = 64;

  /**
   * Hyper-parameters.
   *
   * @param rank latent dimension k
   * @param iterations number of (user step, item step) pairs
   * @param regUser ridge penalty on {@code p_u}
   * @param regItem ridge penalty on {@code [q_i, b_i]}
   * @param alpha confidence slope: {@code c_ui = 1 + alpha r_ui}
   * @param seed seed of the initial {@code Q}
   */
  public record Params(
      int rank, int iterations, double regUser, double regItem, double alpha, long seed) {
    public static final int DEFAULT_RANK = 32;
    public static final int DEFAULT_ITERATIONS = 15;
    public static final double DEFAULT_REG_USER = 30;
    public static final double DEFAULT_REG_ITEM = 30;
    public static final double DEFAULT_ALPHA = 10;
    public static final long DEFAULT_SEED = 42L;

    public Params {
      Checks.inRange("rank", rank, 1, ModelShape.MAX_RANK);
      Checks.inRange("iterations", iterations, 1, 1000);
      Checks.positiveFinite("regUser", regUser);
      Checks.positiveFinite("regItem", regItem);
      Checks.finiteInRange("alpha", alpha, Double.MIN_VALUE, TrainingConfig.MAX_IMPLICIT_ALPHA);
    }

    /** The defaults (see docs/research.md, "Implicit feedback", for how they were chosen). */
    public static Params defaults() {
      return new Params(DEFAULT_RANK, DEFAULT_ITERATIONS, DEFAULT_REG_USER, DEFAULT_REG_ITEM,
          DEFAULT_ALPHA, DEFAULT_SEED);
    }

    public Params withRank(int newRank) {
      return new Params(newRank, iterations, regUser, regItem, alpha, seed);
    }

    public Params withIterations(int newIterations) {
      return new Params(rank, newIterations, regUser, regItem, alpha, seed);
    }

    public Params withRegularization(double newRegUser, double newRegItem) {
      return new Params(rank, iterations, newRegUser, newRegItem, alpha, seed);
    }

    public Params withAlpha(double newAlpha) {
      return new Params(rank, iterations, regUser, regItem, newAlpha, seed);
    }

    public Params withSeed(long newSeed) {
      return new Params(rank, iterations, regUser, regItem, alpha, newSeed);
    }
  }

  private final Params params;
  private final GlobalModel model;

  private CentralizedWmf(Params params, GlobalModel model) {
    this.params = params;
    this.model = model;
  }

  /**
   * Fits on the interactions of {@code train} (rating values are the strengths {@code r_ui}, so
   * they must be >= 0), running the solves on {@code pool} (null: sequentially).
   *
   * @throws IllegalArgumentException if {@code train} has no interaction or a negative strength
   */
  public static CentralizedWmf fit(RatingsData train, Params params, ExecutorService pool) {
    if (train.numRatings() == 0) {
      throw new IllegalArgumentException("train must contain at least one interaction");
    }
    int k = params.rank();
    int n = k + 1;
    int numUsers = train.numUsers();
    int numItems = train.numItems();
    ModelShape shape = new ModelShape(numItems, k);
    float[] theta = new float[shape.numParameters()];
    SplittableRandom random = new SplittableRandom(params.seed());
    for (int x = 0; x < numItems * k; x++) {
      theta[x] = (float) (INIT_SCALE * gaussian(random));
    }
    TrainingConfig config = trainingConfig(params);
    ItemIndex byItem = new ItemIndex(train);
    float[] users = new float[numUsers * k];
    double alpha = params.alpha();
    double regItem = params.regItem();
    for (int it = 0; it < params.iterations(); it++) {
      GlobalModel current = GlobalModel.of(0, shape, theta);
      ParallelRanges.run(numUsers, CHUNK, pool, (from, to) -> {
        LocalTrainer trainer = new LocalTrainer(config);
        for (int u = from; u < to; u++) {
          UserState s = trainer.reconstruct(current, train.user(u));
          System.arraycopy(s.factors(), 0, users, u * k, k);
        }
      });
      // X^T X over all users, x_u = [p_u, 1]
      double[] gram = new double[n * n];
      for (int u = 0; u < numUsers; u++) {
        addOuter(gram, users, u * k, k, 1);
      }
      ParallelRanges.run(numItems, CHUNK, pool, (from, to) -> {
        double[] a = new double[n * n];
        double[] b = new double[n];
        for (int i = from; i < to; i++) {
          System.arraycopy(gram, 0, a, 0, a.length);
          java.util.Arrays.fill(b, 0);
          for (int x = byItem.offsets[i]; x < byItem.offsets[i + 1]; x++) {
            int u = byItem.users[x];
            double strength = byItem.ratings[x];
            if (!(strength >= 0)) {
              throw new IllegalArgumentException(
                  "implicit interaction strengths must be >= 0. Provided value: " + strength);
            }
            double extra = alpha * strength;
            addOuter(a, users, u * k, k, extra);
            double c = 1 + extra;
            for (int f = 0; f < k; f++) {
              b[f] += c * users[u * k + f];
            }
            b[k] += c;
          }
          for (int r = 0; r < n; r++) {
            a[r * n + r] += regItem;
          }
          Cholesky.solveInPlace(a, b, n);
          for (int f = 0; f < k; f++) {
            theta[shape.factorOffset(i) + f] = (float) b[f];
          }
          theta[shape.biasOffset(i)] = (float) b[k];
        }
      });
    }
    return new CentralizedWmf(params, GlobalModel.of(0, shape, theta));
  }

  /** Adds {@code w x x^T} with {@code x = [v[off .. off + k), 1]} to the full matrix {@code a}. */
  private static void addOuter(double[] a, float[] v, int off, int k, double w) {
    int n = k + 1;
    for (int r = 0; r < k; r++) {
      double xr = w * v[off + r];
      int row = r * n;
      for (int c = 0; c < k; c++) {
        a[row + c] += xr * v[off + c];
      }
      a[row + k] += xr;
      a[k * n + r] += xr;
    }
    a[k * n + k] += w;
  }

  public Params params() {
    return params;
  }

  /** {@code Q}, the item biases and {@code mu = 0} in the core layout, at version 0. */
  public GlobalModel toGlobalModel() {
    return model;
  }

  /**
   * The implicit training config whose reconstruction is this model's user step ({@code
   * userRegularization = regUser}, {@code implicitAlpha = alpha}), for ranking {@link
   * #toGlobalModel()} with the federated evaluator. The local-update fields are unused.
   */
  public TrainingConfig trainingConfig() {
    return trainingConfig(params);
  }

  private static TrainingConfig trainingConfig(Params params) {
    return new TrainingConfig(params.rank(), (float) params.regUser(), 1f,
        (float) params.regItem(), 1, 0.01f, 0f, 1f, 1e-4f, Feedback.IMPLICIT,
        (float) params.alpha());
  }

  /** Box-Muller; SplittableRandom has no nextGaussian on Java 17. */
  private static double gaussian(SplittableRandom random) {
    double u1 = random.nextDouble();
    double u2 = random.nextDouble();
    return Math.sqrt(-2 * Math.log1p(-u1)) * Math.cos(2 * Math.PI * u2);
  }
}
