package io.fedrec.simulator.baseline;

import io.fedrec.core.model.GlobalModel;
import io.fedrec.core.model.UserRatings;
import io.fedrec.simulator.data.RatingsData;
import io.fedrec.simulator.data.Split;
import io.fedrec.simulator.eval.Ranker;
import io.fedrec.simulator.eval.RatingMetrics;
import java.util.SplittableRandom;

/**
 * Biased matrix factorisation {@code r(u, i) = mu + b_u + b_i + p_u . q_i} trained by stochastic
 * gradient descent with all the data in one place: Funk's Netflix Prize method with the biases of
 * Koren, Bell and Volinsky ("Matrix Factorization Techniques for Recommender Systems", IEEE
 * Computer 2009, Sections "A basic matrix factorization model" to "Adding biases"; the update
 * rules are those of Koren, KDD 2008, Section 2.3).
 *
 * <p>{@code mu} is the mean train rating (fixed), the biases start at 0 and {@code P}, {@code Q}
 * at {@code N(0, initScale^2)} from the seed. Each epoch visits every train rating once in an
 * order freshly shuffled by the seed and, with {@code e = r_ui - r(u, i)} (unclamped) and the
 * epoch's rate {@code lr_t = learningRate * lrDecay^t}, takes the gradient step of {@code e^2 / 2
 * + (reg (|p_u|^2 + |q_i|^2) + biasReg (b_u^2 + b_i^2)) / 2}:
 *
 * <pre>
 *   b_u += lr_t (e - biasReg b_u)          b_i += lr_t (e - biasReg b_i)
 *   p_u += lr_t (e q_i - reg p_u)          q_i += lr_t (e p_u - reg q_i)
 * </pre>
 *
 * (the factor steps both use the old {@code p_u} and {@code q_i}).
 *
 * <p>Training is sequential and the only randomness comes from the seed, so a seed gives a
 * bit-identical model. Predictions are clamped to the train ratings' range. Immutable and
 * thread-safe once fitted.
 */
public final class CentralizedSgdMf {
  /** Default hyper-parameters; chosen on MovieLens-100K, see {@link #defaults()}. */
  public static final int DEFAULT_RANK = 200;
  public static final int DEFAULT_EPOCHS = 60;
  public static final double DEFAULT_LEARNING_RATE = 0.01;
  public static final double DEFAULT_LR_DECAY = 0.98;
  public static final double DEFAULT_REG = 0.08;
  public static final double DEFAULT_BIAS_REG = 0.01;
  public static final double DEFAULT_INIT_SCALE = 0.03;
  public static final long DEFAULT_SEED = 42L;

  /** The defaults (see docs/research.md, "Centralized baselines", for how they were chosen). */
  public static SgdParams defaults() {
    return new SgdParams(DEFAULT_RANK, DEFAULT_EPOCHS, DEFAULT_LEARNING_RATE, DEFAULT_LR_DECAY,
        DEFAULT_REG, DEFAULT_BIAS_REG, DEFAULT_INIT_SCALE, DEFAULT_SEED);
  }

  private final SgdParams params;
  private final double mu;
  private final double[] userFactors;
  private final double[] userBias;
  private final double[] itemFactors;
  private final double[] itemBias;
  private final float ratingMin;
  private final float ratingMax;

  private CentralizedSgdMf(SgdParams params, double mu, double[] userFactors, double[] userBias,
      double[] itemFactors, double[] itemBias, float ratingMin, float ratingMax) {
    this.params = params;
    this.mu = mu;
    this.userFactors = userFactors;
    this.userBias = userBias;
    this.itemFactors = itemFactors;
    this.itemBias = itemBias;
    this.ratingMin = ratingMin;
    this.ratingMax = ratingMax;
  }

  /**
   * Fits on {@code train}.
   *
   * @throws IllegalArgumentException if {@code train} has no rating
   */
  public static CentralizedSgdMf fit(RatingsData train, SgdParams params) {
    int n = train.numRatings();
    if (n == 0) {
      throw new IllegalArgumentException("train must contain at least one rating");
    }
    int k = params.rank();
    int numUsers = train.numUsers();
    int numItems = train.numItems();
    // the ratings as flat (user, item, rating) triples, in user order before the first shuffle
    int[] users = new int[n];
    int[] items = new int[n];
    float[] ratings = new float[n];
    int x = 0;
    for (int u = 0; u < numUsers; u++) {
      UserRatings r = train.user(u);
      for (int j = 0; j < r.size(); j++, x++) {
        users[x] = u;
        items[x] = r.item(j);
        ratings[x] = r.rating(j);
      }
    }
    SplittableRandom random = new SplittableRandom(params.seed());
    double[] p = gaussians(numUsers * k, params.initScale(), random);
    double[] q = gaussians(numItems * k, params.initScale(), random);
    double[] bu = new double[numUsers];
    double[] bi = new double[numItems];
    double mu = train.meanRating();
    double reg = params.reg();
    double biasReg = params.biasReg();
    int[] order = new int[n];
    for (int t = 0; t < n; t++) {
      order[t] = t;
    }
    double lr = params.learningRate();
    for (int epoch = 0; epoch < params.epochs(); epoch++) {
      shuffle(order, random);
      for (int t = 0; t < n; t++) {
        int s = order[t];
        int u = users[s];
        int i = items[s];
        int pu = u * k;
        int qi = i * k;
        double dot = 0;
        for (int f = 0; f < k; f++) {
          dot += p[pu + f] * q[qi + f];
        }
        double e = ratings[s] - (mu + bu[u] + bi[i] + dot);
        bu[u] += lr * (e - biasReg * bu[u]);
        bi[i] += lr * (e - biasReg * bi[i]);
        for (int f = 0; f < k; f++) {
          double pf = p[pu + f];
          double qf = q[qi + f];
          p[pu + f] = pf + lr * (e * qf - reg * pf);
          q[qi + f] = qf + lr * (e * pf - reg * qf);
        }
      }
      lr *= params.lrDecay();
    }
    return new CentralizedSgdMf(
        params, mu, p, bu, q, bi, train.minRating(), train.maxRating());
  }

  /** {@code n} draws of {@code N(0, scale^2)}. */
  static double[] gaussians(int n, double scale, SplittableRandom random) {
    double[] v = new double[n];
    for (int x = 0; x < n; x++) {
      // Box-Muller; SplittableRandom has no nextGaussian on Java 17
      double u1 = random.nextDouble();
      double u2 = random.nextDouble();
      v[x] = scale * Math.sqrt(-2 * Math.log1p(-u1)) * Math.cos(2 * Math.PI * u2);
    }
    return v;
  }

  /** Fisher-Yates. */
  static void shuffle(int[] a, SplittableRandom random) {
    for (int x = a.length - 1; x > 0; x--) {
      int y = random.nextInt(x + 1);
      int tmp = a[x];
      a[x] = a[y];
      a[y] = tmp;
    }
  }

  public SgdParams params() {
    return params;
  }

  /** {@code mu + b_u + b_i + p_u . q_i}, clamped to the train ratings' range. */
  public double predict(int user, int item) {
    int k = params.rank();
    double r = mu + userBias[user] + itemBias[item];
    for (int f = 0; f < k; f++) {
      r += userFactors[user * k + f] * itemFactors[item * k + f];
    }
    return Math.max(ratingMin, Math.min(ratingMax, r));
  }

  /** RMSE and MAE on the split's test ratings. */
  public RatingMetrics evaluate(Split split) {
    return evaluate(split.test());
  }

  /** RMSE and MAE on {@code ratings} (for example the train set). */
  public RatingMetrics evaluate(RatingsData ratings) {
    return RatingErrors.of(ratings, this::predict);
  }

  /** Ranks by {@code b_i + p_u . q_i} with the users' own fitted factors. */
  public Ranker ranker() {
    return new FactorRanker(params.rank(), userFactors, itemFactors, itemBias, mu);
  }

  /** {@code Q}, the item biases and {@code mu} in the core layout, at version 0. */
  public GlobalModel toGlobalModel() {
    return FactorRanker.toGlobalModel(params.rank(), itemFactors, itemBias, mu);
  }
}
