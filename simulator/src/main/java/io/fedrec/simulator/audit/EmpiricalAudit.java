package io.fedrec.simulator.audit;

import io.fedrec.coordinator.round.FederationConfig;
import io.fedrec.core.model.GlobalModel;
import io.fedrec.simulator.data.RatingsData;
import io.fedrec.simulator.data.Split;
import io.fedrec.simulator.data.SyntheticConfig;
import io.fedrec.simulator.data.SyntheticDataset;
import io.fedrec.simulator.sim.Simulation;
import io.fedrec.simulator.sim.SimulationConfig;
import io.fedrec.simulator.sim.SimulationResult;
import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;

/**
 * An empirical lower bound on epsilon from one training run with canaries (Steinke, Nasr,
 * Jagielski, "Privacy Auditing with One (1) Training Run", NeurIPS 2023), for the user-level
 * guarantee of a simulated federation.
 *
 * <ol>
 *   <li>Canaries: {@code m} extra users; canary {@code i} rates one item of its own (an extra
 *       catalogue item nobody else rates) with the top rating. Each canary is included in the
 *       training data independently with probability 1/2 (seeded); excluded canaries' items stay
 *       in the catalogue, unrated.
 *   <li>One federated run over the real coordinator and SDK, with the run's privacy settings;
 *       canaries are ordinary users (sampled, clipped, noised like everyone else).
 *   <li>Score of canary {@code i}: how far its item's bias moved from the (public, seeded)
 *       initial model. Membership inference: the {@code k} highest scores are guessed "included",
 *       the {@code k} lowest "excluded" ({@code k = m / 4}: {@code r = m / 2} guesses).
 *   <li>Bound: if training is {@code epsilon}-DP, each guess is right with probability at most
 *       {@code e^eps / (1 + e^eps)} even given the others (Theorem 3.1 of the paper, with the
 *       delta term neglected: it adds at most {@code r delta}, below 10^-3 here), so the number of
 *       correct guesses is stochastically dominated by {@code Binomial(r, e^eps / (1 + e^eps))}.
 *       The reported lower bound is the largest {@code eps} that this tail rejects at the 95%
 *       level: {@code P[Binomial(r, p(eps)) >= correct] <= 0.05}. It is a statistic of one run:
 *       with all {@code r} guesses right it is {@code ln(p / (1 - p))} with {@code p = 0.05^(1/r)},
 *       about 3.5 for {@code r = 100} — the most this audit can certify, however leaky training
 *       is.
 * </ol>
 *
 * With no noise the canaries are found (a high bound); with noise the bound must stay below the
 * accounted epsilon, or the accounting (or the implementation) is wrong.
 */
public final class EmpiricalAudit {
  /** Confidence of the lower bound. */
  public static final double CONFIDENCE = 0.95;

  private EmpiricalAudit() {}

  /**
   * What the audit found.
   *
   * @param canaries canaries planted
   * @param included canaries actually in the training data
   * @param guesses membership guesses made (the others abstain)
   * @param correct correct guesses
   * @param epsilonLowerBound the empirical lower bound at {@link #CONFIDENCE}
   * @param epsilonAccounted the run's accounted epsilon (PLD), NaN without privacy
   * @param privacyMode the run's privacy mode
   * @param run the federation's result
   */
  public record Result(int canaries, int included, int guesses, int correct,
      double epsilonLowerBound, double epsilonAccounted, String privacyMode,
      SimulationResult run) {}

  /**
   * Plants {@code canaries} canaries in a synthetic data set of {@code base} users and {@code
   * baseItems} items, runs the federation {@code config} on it, and audits.
   *
   * @throws IllegalArgumentException if {@code canaries < 8} or not a multiple of 4
   */
  public static Result run(SimulationConfig config, int base, int baseItems, int canaries) {
    if (canaries < 8 || canaries % 4 != 0) {
      throw new IllegalArgumentException(
          "canaries must be >= 8 and a multiple of 4. Provided value: " + canaries);
    }
    Split plain = SyntheticDataset.generate(SyntheticConfig.builder().numUsers(base)
        .numItems(baseItems).seed(config.seed()).build());
    SplittableRandom coin = new SplittableRandom(config.seed() ^ 0x63616e617279L);
    boolean[] in = new boolean[canaries];
    int included = 0;
    for (int i = 0; i < canaries; i++) {
      in[i] = coin.nextBoolean();
      included += in[i] ? 1 : 0;
    }
    Split split = withCanaries(plain, in);
    Simulation simulation = new Simulation(config, split);
    FederationConfig federation = simulation.federationConfig();
    GlobalModel initial = GlobalModel.initial(federation.shape(), federation.initialMean(),
        federation.initScale(), federation.seed());
    SimulationResult result = simulation.run();
    GlobalModel model = result.finalModel();
    Integer[] order = new Integer[canaries];
    double[] score = new double[canaries];
    for (int i = 0; i < canaries; i++) {
      int item = baseItems + i;
      score[i] = model.itemBias(item) - initial.itemBias(item);
      order[i] = i;
    }
    // ascending score; ties broken by index (deterministic)
    Arrays.sort(order, Comparator.<Integer>comparingDouble(i -> score[i]).thenComparing(i -> i));
    int k = canaries / 4;
    int correct = 0;
    for (int j = 0; j < k; j++) {
      correct += in[order[j]] ? 0 : 1; // lowest: guessed excluded
      correct += in[order[canaries - 1 - j]] ? 1 : 0; // highest: guessed included
    }
    double lower = lowerBound(2 * k, correct, 1 - CONFIDENCE);
    return new Result(canaries, included, 2 * k, correct, lower, result.privacy().epsilon(),
        result.privacy().mode(), result);
  }

  /** The split with one dedicated item per canary, and the included canaries as users. */
  static Split withCanaries(Split plain, boolean[] in) {
    RatingsData train = plain.train();
    int items = train.numItems() + in.length;
    int users = train.numUsers();
    int extra = 0;
    for (boolean b : in) {
      extra += b ? 1 : 0;
    }
    RatingsData.Builder b = RatingsData.builder(users + extra, items);
    for (int u = 0; u < users; u++) {
      for (int j = 0; j < train.userSize(u); j++) {
        b.add(u, train.item(u, j), train.rating(u, j));
      }
    }
    float top = 5f;
    int next = users;
    for (int i = 0; i < in.length; i++) {
      if (in[i]) {
        b.add(next++, train.numItems() + i, top);
      }
    }
    RatingsData test = plain.test();
    RatingsData.Builder t = RatingsData.builder(users + extra, items);
    for (int u = 0; u < test.numUsers(); u++) {
      for (int j = 0; j < test.userSize(u); j++) {
        t.add(u, test.item(u, j), test.rating(u, j));
      }
    }
    return new Split(plain.dataset() + "+canaries", plain.splitName(), b.build(), t.build());
  }

  /**
   * The largest {@code eps} in [0, 20] with {@code P[Binomial(r, e^eps/(1+e^eps)) >= correct]
   * <= alpha}; 0 when even {@code eps = 0} does not reject.
   */
  public static double lowerBound(int r, int correct, double alpha) {
    if (tail(r, correct, 0.5) > alpha) {
      return 0;
    }
    double lo = 0;
    double hi = 20;
    if (tail(r, correct, p(hi)) <= alpha) {
      return hi;
    }
    for (int it = 0; it < 100; it++) {
      double mid = (lo + hi) / 2;
      if (tail(r, correct, p(mid)) <= alpha) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  private static double p(double eps) {
    return 1 / (1 + Math.exp(-eps));
  }

  /** {@code P[Binomial(n, p) >= v]}, summed in log space. */
  static double tail(int n, int v, double p) {
    if (v <= 0) {
      return 1;
    }
    if (v > n) {
      return 0;
    }
    double lp = Math.log(p);
    double lq = Math.log1p(-p);
    double sum = 0;
    double logChoose = 0; // log C(n, 0)
    for (int x = 0; x <= n; x++) {
      if (x > 0) {
        logChoose += Math.log(n - x + 1) - Math.log(x);
      }
      if (x >= v) {
        sum += Math.exp(logChoose + x * lp + (n - x) * lq);
      }
    }
    return Math.min(1, sum);
  }
}
