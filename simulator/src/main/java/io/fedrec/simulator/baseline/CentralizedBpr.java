package io.fedrec.simulator.baseline;

import io.fedrec.core.model.GlobalModel;
import io.fedrec.core.model.UserRatings;
import io.fedrec.simulator.data.RatingsData;
import io.fedrec.simulator.eval.Ranker;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Bayesian Personalised Ranking of implicit feedback with all the data in one place: Rendle,
 * Freudenthaler, Gantner and Schmidt-Thieme, "BPR: Bayesian Personalized Ranking from Implicit
 * Feedback", UAI 2009, Section 4 (the BPR-Opt criterion and LearnBPR) applied to matrix
 * factorisation (Section 5.1) with an item bias: the score is {@code x_ui = b_i + p_u . q_i}.
 *
 * <p>Every training interaction is a positive, whatever its rating value. LearnBPR maximises
 * {@code sum ln sigma(x_ui - x_uj) - reg (|p_u|^2 + |q_i|^2 + |q_j|^2) / 2 - biasReg (b_i^2 +
 * b_j^2) / 2} over triples {@code (u, i, j)} with {@code i} a positive of {@code u} and {@code j}
 * not, by stochastic gradient ascent on bootstrapped triples: an epoch draws as many triples as
 * there are interactions, each by picking an interaction {@code (u, i)} uniformly and a negative
 * {@code j} uniformly from the catalogue, redrawn while {@code u} interacted with it. With {@code
 * g = sigma(-(x_ui - x_uj)) = 1 - sigma(x_uij)} and the epoch's rate {@code lr = learningRate *
 * lrDecay^epoch}, the step is
 *
 * <pre>
 *   p_u += lr (g (q_i - q_j) - reg p_u)
 *   q_i += lr (g p_u - reg q_i)          q_j += lr (-g p_u - reg q_j)     (all from the old values)
 *   b_i += lr (g - biasReg b_i)          b_j += lr (-g - biasReg b_j)
 * </pre>
 *
 * <p>{@code P} and {@code Q} start at {@code N(0, initScale^2)} from the seed, the biases at 0.
 * Training is sequential and draws only from the seed, so a seed gives a bit-identical model.
 * Users are ranked with their own fitted {@code p_u} ({@link #ranker()}). Immutable and
 * thread-safe once fitted.
 */
public final class CentralizedBpr {
  /** Default hyper-parameters; chosen on MovieLens-100K, see {@link #defaults()}. */
  public static final int DEFAULT_RANK = 64;
  public static final int DEFAULT_EPOCHS = 80;
  public static final double DEFAULT_LEARNING_RATE = 0.05;
  public static final double DEFAULT_LR_DECAY = 1;
  public static final double DEFAULT_REG = 0.01;
  public static final double DEFAULT_BIAS_REG = 0.01;
  public static final double DEFAULT_INIT_SCALE = 0.1;
  public static final long DEFAULT_SEED = 42L;

  /** The defaults (see docs/research.md, "Centralized baselines", for how they were chosen). */
  public static SgdParams defaults() {
    return new SgdParams(DEFAULT_RANK, DEFAULT_EPOCHS, DEFAULT_LEARNING_RATE, DEFAULT_LR_DECAY,
        DEFAULT_REG, DEFAULT_BIAS_REG, DEFAULT_INIT_SCALE, DEFAULT_SEED);
  }

  private final SgdParams params;
  private final double[] userFactors;
  private final double[] itemFactors;
  private final double[] itemBias;

  private CentralizedBpr(
      SgdParams params, double[] userFactors, double[] itemFactors, double[] itemBias) {
    this.params = params;
    this.userFactors = userFactors;
    this.itemFactors = itemFactors;
    this.itemBias = itemBias;
  }

  /**
   * Fits on the interactions of {@code train} (rating values are ignored).
   *
   * @throws IllegalArgumentException if {@code train} has no interaction
   */
  public static CentralizedBpr fit(RatingsData train, SgdParams params) {
    int n = train.numRatings();
    if (n == 0) {
      throw new IllegalArgumentException("train must contain at least one interaction");
    }
    int k = params.rank();
    int numUsers = train.numUsers();
    int numItems = train.numItems();
    // positives grouped by user, each user's items sorted for the membership test of negatives
    int[] offsets = new int[numUsers + 1];
    int[] users = new int[n];
    int[] items = new int[n];
    for (int u = 0; u < numUsers; u++) {
      UserRatings r = train.user(u);
      int from = offsets[u];
      for (int j = 0; j < r.size(); j++) {
        users[from + j] = u;
        items[from + j] = r.item(j);
      }
      offsets[u + 1] = from + r.size();
      Arrays.sort(items, from, offsets[u + 1]);
    }
    SplittableRandom random = new SplittableRandom(params.seed());
    double[] p = CentralizedSgdMf.gaussians(numUsers * k, params.initScale(), random);
    double[] q = CentralizedSgdMf.gaussians(numItems * k, params.initScale(), random);
    double[] b = new double[numItems];
    double reg = params.reg();
    double biasReg = params.biasReg();
    double lr = params.learningRate();
    for (int epoch = 0; epoch < params.epochs(); epoch++) {
      for (int t = 0; t < n; t++) {
        int x = random.nextInt(n);
        int u = users[x];
        int from = offsets[u];
        int to = offsets[u + 1];
        if (to - from == numItems) {
          continue; // the user interacted with every item: no negative to compare with
        }
        int i = items[x];
        int j;
        do {
          j = random.nextInt(numItems);
        } while (Arrays.binarySearch(items, from, to, j) >= 0);
        int pu = u * k;
        int qi = i * k;
        int qj = j * k;
        double diff = b[i] - b[j];
        for (int f = 0; f < k; f++) {
          diff += p[pu + f] * (q[qi + f] - q[qj + f]);
        }
        // sigma(-diff), written to stay finite for any diff
        double g = diff >= 0 ? Math.exp(-diff) / (1 + Math.exp(-diff)) : 1 / (1 + Math.exp(diff));
        b[i] += lr * (g - biasReg * b[i]);
        b[j] += lr * (-g - biasReg * b[j]);
        for (int f = 0; f < k; f++) {
          double pf = p[pu + f];
          double qif = q[qi + f];
          double qjf = q[qj + f];
          p[pu + f] = pf + lr * (g * (qif - qjf) - reg * pf);
          q[qi + f] = qif + lr * (g * pf - reg * qif);
          q[qj + f] = qjf + lr * (-g * pf - reg * qjf);
        }
      }
      lr *= params.lrDecay();
    }
    return new CentralizedBpr(params, p, q, b);
  }

  public SgdParams params() {
    return params;
  }

  /** The score {@code b_i + p_u . q_i}; higher ranks first. */
  public double score(int user, int item) {
    int k = params.rank();
    double s = itemBias[item];
    for (int f = 0; f < k; f++) {
      s += userFactors[user * k + f] * itemFactors[item * k + f];
    }
    return s;
  }

  /** Ranks by {@link #score} with the users' own fitted factors. */
  public Ranker ranker() {
    return new FactorRanker(params.rank(), userFactors, itemFactors, itemBias, 0);
  }

  /** {@code Q}, the item biases and {@code mu = 0} in the core layout, at version 0. */
  public GlobalModel toGlobalModel() {
    return FactorRanker.toGlobalModel(params.rank(), itemFactors, itemBias, 0);
  }
}
