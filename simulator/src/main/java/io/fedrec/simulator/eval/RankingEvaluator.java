package io.fedrec.simulator.eval;

import io.fedrec.core.model.GlobalModel;
import io.fedrec.core.model.TrainingConfig;
import io.fedrec.core.model.UserRatings;
import io.fedrec.simulator.data.RatingsData;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;

/**
 * Top-K evaluation of a {@link Ranker} under a {@link RankingProtocol}: the accuracy metrics of
 * {@link RankingMetrics} and three beyond-accuracy metrics, averaged over the protocol's
 * evaluated users (those with at least one relevant item).
 *
 * <p>Usage, for a federated model on the leave-one-out protocol:
 *
 * <pre>{@code
 * Split loo = DataSets.leaveOneOut(DataSets.load(...), seed);
 * RankingProtocol protocol =
 *     RankingProtocol.leaveOneOut(loo, RankingProtocol.DEFAULT_NEGATIVES, seed);
 * List<MetricSpec> metrics = MetricSpec.parseList("hr@10,ndcg@10,coverage@10");
 * // ... train on loo.train() ...
 * Map<String, Double> m =
 *     RankingEvaluator.evaluate(model, config, loo.train(), protocol, metrics, pool);
 * m.get("hr@10");
 * }</pre>
 *
 * <h2>Accuracy</h2>
 *
 * Per user, the candidates ({@code loo}: the held-out item and its negatives; {@code full}: every
 * item not in the user's training ratings) are ranked by the pessimistic tie rule of {@link
 * RankingMetrics} and scored against the relevant items; each metric is the mean over evaluated
 * users.
 *
 * <h2>Beyond accuracy</h2>
 *
 * These describe what users would be shown, so whatever the protocol they use each evaluated
 * user's top-K of the <em>whole catalogue minus its training items</em>, ties by lower item id
 * ({@link RankingMetrics#order}); under {@code loo} the 100 sampled candidates would say little
 * about exposure.
 *
 * <ul>
 *   <li>{@code coverage@K} (catalogue coverage, Ge, Delgado-Battenfeld and Jannach, RecSys 2010):
 *       the number of distinct items in any evaluated user's top-K, divided by the catalogue
 *       size {@code train.numItems()}.
 *   <li>{@code diversity@K} (intra-list diversity, Ziegler et al., WWW 2005): per user, the mean
 *       over the {@code m(m-1)/2} pairs of its list ({@code m = min(K, list length)}) of the
 *       cosine distance {@code 1 - cos(q_i, q_j)} between item factor vectors of the ranker's
 *       {@link Ranker#itemSpace()} (a zero vector counts as orthogonal: distance 1); the mean over
 *       users with {@code m >= 2}; NaN without an item space. Computed in {@code O(m k)} rather
 *       than {@code O(m^2 k)}: with unit vectors {@code v} (zero stays zero) and {@code S = sum
 *       v}, {@code |S|^2 = sum |v|^2 + 2 sum_{i<j} v_i . v_j}, so {@code sum_{i<j} cos = (|S|^2 -
 *       z) / 2} with {@code z} the number of non-zero vectors, and the mean distance is {@code 1 -
 *       (|S|^2 - z) / (m (m - 1))}.
 *   <li>{@code popularity@K} (popularity bias, Abdollahpouri et al., RecSys 2017): per user, the
 *       mean over its list of {@code count(i) / max_j count(j)}, with {@code count} the number of
 *       training interactions in {@code train}; the mean over users. 1 means every list holds
 *       only the most popular item's peers; NaN when {@code train} is empty.
 * </ul>
 *
 * <h2>Determinism</h2>
 *
 * Per-user values are computed independently (in parallel on {@link ParallelRanges} chunks when
 * a pool is given) and averaged in user order on the calling thread, so results are bit-identical
 * whatever the pool. Thread-safe (stateless); the pool is borrowed, never shut down.
 */
public final class RankingEvaluator {
  /** Users per parallel task. */
  private static final int CHUNK = 64;

  private RankingEvaluator() {}

  /**
   * Evaluates the federated model: users are reconstructed from {@code train} as on their
   * devices ({@link Ranker#of(GlobalModel, TrainingConfig)}).
   *
   * @see #evaluate(Ranker, RatingsData, RankingProtocol, List, ExecutorService)
   */
  public static Map<String, Double> evaluate(
      GlobalModel model,
      TrainingConfig config,
      RatingsData train,
      RankingProtocol protocol,
      List<MetricSpec> metrics,
      ExecutorService pool) {
    return evaluate(Ranker.of(model, config), train, protocol, metrics, pool);
  }

  /**
   * The requested metrics of {@code ranker}, keyed by {@link MetricSpec#key()} in the order
   * requested (an unmodifiable, insertion-ordered map). A metric with no user to average over is
   * NaN.
   *
   * @param train the training ratings: what users are reconstructed from, what is never
   *     recommended back to them, and the popularity counts of {@code popularity@K}
   * @param pool where to run per-user work; null means on the calling thread
   * @throws IllegalArgumentException if {@code train}, {@code protocol} and {@code ranker} do not
   *     cover the same users and items, or {@code metrics} is empty
   */
  public static Map<String, Double> evaluate(
      Ranker ranker,
      RatingsData train,
      RankingProtocol protocol,
      List<MetricSpec> metrics,
      ExecutorService pool) {
    if (metrics.isEmpty()) {
      throw new IllegalArgumentException("metrics must not be empty");
    }
    if (protocol.numUsers() != train.numUsers() || protocol.numItems() != train.numItems()) {
      throw new IllegalArgumentException(
          "protocol and train must have the same numUsers and numItems. Provided values: "
              + protocol + " and " + train);
    }
    if (ranker.numItems() < train.numItems()) {
      throw new IllegalArgumentException(
          "ranker must score at least train numItems " + train.numItems()
              + ". Provided value: " + ranker.numItems());
    }
    Plan plan = new Plan(metrics, ranker.itemSpace(), train);
    int numUsers = train.numUsers();
    int numSpecs = metrics.size();
    double[] values = new double[numUsers * numSpecs];
    Arrays.fill(values, Double.NaN);
    int[] shown = new int[numUsers * plan.coverageK];
    int[] shownCount = new int[numUsers];
    ParallelRanges.run(numUsers, CHUNK, pool, (from, to) -> {
      UserWork w = new UserWork(ranker, train, protocol, plan);
      for (int u = from; u < to; u++) {
        if (protocol.numRelevant(u) > 0) {
          shownCount[u] = w.evaluate(u, values, u * numSpecs, shown, u * plan.coverageK);
        }
      }
    });

    Map<String, Double> out = new LinkedHashMap<>();
    boolean[] covered = new boolean[train.numItems()];
    for (int s = 0; s < numSpecs; s++) {
      MetricSpec spec = metrics.get(s);
      double result;
      if (spec.kind() == MetricSpec.Kind.COVERAGE) {
        Arrays.fill(covered, false);
        int distinct = 0;
        for (int u = 0; u < numUsers; u++) {
          int m = Math.min(spec.k(), shownCount[u]);
          for (int r = 0; r < m; r++) {
            int item = shown[u * plan.coverageK + r];
            if (!covered[item]) {
              covered[item] = true;
              distinct++;
            }
          }
        }
        result = protocol.numEvaluatedUsers() == 0
            ? Double.NaN
            : (double) distinct / train.numItems();
      } else {
        double sum = 0;
        long n = 0;
        for (int u = 0; u < numUsers; u++) {
          double v = values[u * numSpecs + s];
          if (!Double.isNaN(v)) {
            sum += v;
            n++;
          }
        }
        result = n == 0 ? Double.NaN : sum / n;
      }
      out.put(spec.key(), result);
    }
    return Collections.unmodifiableMap(out);
  }

  /** What the requested metrics need, computed once per evaluation. */
  private static final class Plan {
    final List<MetricSpec> specs;
    final boolean anyAccuracy;
    /** Longest top-K list any beyond-accuracy metric needs; 0 when none is requested. */
    final int shownK;
    /** Longest list coverage needs per user; 0 when coverage is not requested. */
    final int coverageK;
    /** Unit item vectors (numItems x rank, zero rows stay zero), or null. */
    final double[] unitVectors;
    final int rank;
    /** count(i) / max count, or null when popularity is not requested. */
    final double[] relativePopularity;

    Plan(List<MetricSpec> specs, GlobalModel space, RatingsData train) {
      this.specs = new ArrayList<>(specs);
      boolean accuracy = false;
      int shown = 0;
      int coverage = 0;
      boolean diversity = false;
      boolean popularity = false;
      for (MetricSpec spec : specs) {
        MetricSpec.Kind kind = spec.kind();
        if (kind.isAccuracy()) {
          accuracy = true;
        } else {
          shown = Math.max(shown, spec.k());
        }
        if (kind == MetricSpec.Kind.COVERAGE) {
          coverage = Math.max(coverage, spec.k());
        }
        diversity |= kind == MetricSpec.Kind.DIVERSITY;
        popularity |= kind == MetricSpec.Kind.POPULARITY;
      }
      this.anyAccuracy = accuracy;
      this.shownK = shown;
      this.coverageK = coverage;
      int numItems = train.numItems();
      if (diversity && space != null) {
        if (space.numItems() < numItems) {
          throw new IllegalArgumentException(
              "item space must have at least " + numItems + " items. Provided value: "
                  + space.numItems());
        }
        this.rank = space.rank();
        this.unitVectors = new double[numItems * rank];
        for (int i = 0; i < numItems; i++) {
          double norm2 = 0;
          for (int f = 0; f < rank; f++) {
            double q = space.factor(i, f);
            norm2 += q * q;
          }
          if (norm2 > 0) {
            double inv = 1 / Math.sqrt(norm2);
            for (int f = 0; f < rank; f++) {
              unitVectors[i * rank + f] = space.factor(i, f) * inv;
            }
          }
        }
      } else {
        this.rank = 0;
        this.unitVectors = null;
      }
      if (popularity) {
        int[] counts = train.itemCounts();
        int max = 0;
        for (int c : counts) {
          max = Math.max(max, c);
        }
        this.relativePopularity = new double[numItems];
        for (int i = 0; i < numItems; i++) {
          relativePopularity[i] = max == 0 ? Double.NaN : (double) counts[i] / max;
        }
      } else {
        this.relativePopularity = null;
      }
    }
  }

  /** One thread's scratch space. Not thread-safe. */
  private static final class UserWork {
    private final RatingsData train;
    private final RankingProtocol protocol;
    private final Plan plan;
    private final Ranker.Scorer scorer;
    private final float[] scores;
    private final boolean[] inTrain;
    private final boolean[] relevant;
    private final long[] keys;
    private final double[] sum;

    UserWork(Ranker ranker, RatingsData train, RankingProtocol protocol, Plan plan) {
      this.train = train;
      this.protocol = protocol;
      this.plan = plan;
      this.scorer = ranker.newScorer();
      int numItems = train.numItems();
      this.scores = new float[numItems];
      this.inTrain = new boolean[numItems];
      this.relevant = new boolean[numItems];
      this.keys = new long[numItems];
      this.sum = new double[Math.max(plan.rank, 1)];
    }

    /**
     * Writes user {@code u}'s value of every non-coverage metric to {@code values[base + s]} and
     * its shown list (up to {@code plan.coverageK} items) to {@code shown[shownBase ..]}.
     * Returns the number of shown items written.
     */
    int evaluate(int u, double[] values, int base, int[] shown, int shownBase) {
      UserRatings own = train.user(u);
      scorer.score(u, own, scores);
      for (int j = 0; j < own.size(); j++) {
        inTrain[own.item(j)] = true;
      }
      int numRelevant = protocol.numRelevant(u);
      for (int x = protocol.relevantFrom(u); x < protocol.relevantTo(u); x++) {
        relevant[protocol.relevantItem(x)] = true;
      }
      if (plan.anyAccuracy) {
        boolean[] hits = rankForAccuracy(u);
        for (int s = 0; s < plan.specs.size(); s++) {
          MetricSpec spec = plan.specs.get(s);
          if (spec.kind().isAccuracy()) {
            values[base + s] = RankingMetrics.value(spec, hits, numRelevant);
          }
        }
      }
      int written = 0;
      if (plan.shownK > 0) {
        int m = rankShown();
        written = Math.min(m, plan.coverageK);
        for (int r = 0; r < written; r++) {
          shown[shownBase + r] = RankingMetrics.itemOfKey(keys[r]);
        }
        for (int s = 0; s < plan.specs.size(); s++) {
          MetricSpec spec = plan.specs.get(s);
          int len = Math.min(spec.k(), m);
          if (spec.kind() == MetricSpec.Kind.DIVERSITY) {
            values[base + s] = diversity(len);
          } else if (spec.kind() == MetricSpec.Kind.POPULARITY) {
            values[base + s] = popularity(len);
          }
        }
      }
      for (int j = 0; j < own.size(); j++) {
        inTrain[own.item(j)] = false;
      }
      for (int x = protocol.relevantFrom(u); x < protocol.relevantTo(u); x++) {
        relevant[protocol.relevantItem(x)] = false;
      }
      return written;
    }

    /** Sorts the protocol's candidates pessimistically; returns the hits by rank. */
    private boolean[] rankForAccuracy(int u) {
      int n = 0;
      if (protocol.hasCandidates()) {
        for (int x = protocol.candidateFrom(u); x < protocol.candidateTo(u); x++) {
          int item = protocol.candidateItem(x);
          keys[n++] = RankingMetrics.key(scores[item], relevant[item], item);
        }
      } else {
        for (int item = 0; item < scores.length; item++) {
          if (!inTrain[item]) {
            keys[n++] = RankingMetrics.key(scores[item], relevant[item], item);
          }
        }
      }
      Arrays.sort(keys, 0, n);
      boolean[] hits = new boolean[n];
      for (int r = 0; r < n; r++) {
        hits[r] = RankingMetrics.isRelevantKey(keys[r]);
      }
      return hits;
    }

    /** Sorts the items not in train by the display rule into {@code keys}; returns how many. */
    private int rankShown() {
      int n = 0;
      for (int item = 0; item < scores.length; item++) {
        if (!inTrain[item]) {
          keys[n++] = RankingMetrics.key(scores[item], false, item);
        }
      }
      Arrays.sort(keys, 0, n);
      return n;
    }

    /** Mean pairwise cosine distance of the first {@code m} shown items (see class comment). */
    private double diversity(int m) {
      if (plan.unitVectors == null || m < 2) {
        return Double.NaN;
      }
      int k = plan.rank;
      Arrays.fill(sum, 0, k, 0);
      int nonZero = 0;
      for (int r = 0; r < m; r++) {
        int off = RankingMetrics.itemOfKey(keys[r]) * k;
        double norm2 = 0;
        for (int f = 0; f < k; f++) {
          double v = plan.unitVectors[off + f];
          sum[f] += v;
          norm2 += v * v;
        }
        if (norm2 > 0) {
          nonZero++;
        }
      }
      double s2 = 0;
      for (int f = 0; f < k; f++) {
        s2 += sum[f] * sum[f];
      }
      return 1 - (s2 - nonZero) / ((double) m * (m - 1));
    }

    /** Mean relative popularity of the first {@code m} shown items. */
    private double popularity(int m) {
      if (m == 0) {
        return Double.NaN;
      }
      double s = 0;
      for (int r = 0; r < m; r++) {
        s += plan.relativePopularity[RankingMetrics.itemOfKey(keys[r])];
      }
      return s / m;
    }
  }
}
