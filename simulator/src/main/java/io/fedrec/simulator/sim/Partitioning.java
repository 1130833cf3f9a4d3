package io.fedrec.simulator.sim;

import io.fedrec.simulator.data.RatingsData;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * How the training users are grouped into clients (cross-silo federations).
 *
 * <ul>
 *   <li>{@link Kind#CONTIGUOUS} (default): runs of {@code usersPerClient} users in index order (1:
 *       one device per user, cross-device).
 *   <li>{@link Kind#IID}: {@code silos} silos; the users are shuffled by the seed and dealt out
 *       round-robin, so every silo gets the same share of every kind of user (sizes differ by at
 *       most one).
 *   <li>{@link Kind#DIRICHLET}: {@code silos} silos with skewed membership, in the manner of Hsu,
 *       Qi and Brown ("Measuring the Effects of Non-Identical Data Distribution for Federated
 *       Visual Classification", 2019), with a user's <em>taste stratum</em> as its class: users are
 *       ranked by the mean training popularity of the items they rated and cut into {@value
 *       #STRATA} equal strata (niche to mainstream tastes); for each stratum, proportions {@code
 *       p ~ Dirichlet(alpha, ..., alpha)} over the silos are drawn and the stratum's users,
 *       shuffled, are cut into consecutive runs of sizes {@code round(p_s * count)}. Small {@code
 *       alpha} (0.1) gives silos dominated by one kind of taste and of very different sizes;
 *       large {@code alpha} (100) approaches IID. Empty silos are dropped.
 * </ul>
 *
 * Deterministic per seed; a silo's users are in ascending index order.
 */
public final class Partitioning {
  /** Taste strata of the Dirichlet partition. */
  public static final int STRATA = 10;

  /** The partition schemes. */
  public enum Kind {
    CONTIGUOUS("contiguous"),
    IID("iid"),
    DIRICHLET("dirichlet");

    private final String key;

    Kind(String key) {
      this.key = key;
    }

    public String key() {
      return key;
    }

    /** @throws IllegalArgumentException naming the valid values */
    public static Kind parse(String key) {
      for (Kind k : values()) {
        if (k.key.equals(key)) {
          return k;
        }
      }
      throw new IllegalArgumentException(
          "partition must be one of contiguous, iid, dirichlet. Provided value: " + key);
    }
  }

  private Partitioning() {}

  /**
   * Groups {@code users} (training users with at least one rating, ascending) into clients.
   *
   * @param usersPerClient the run length of {@link Kind#CONTIGUOUS}
   * @param silos the number of silos of {@link Kind#IID} and {@link Kind#DIRICHLET}
   * @return the clients' users, each ascending, no client empty
   */
  public static List<int[]> partition(RatingsData train, int[] users, Kind kind,
      int usersPerClient, int silos, double alpha, long seed) {
    int n = users.length;
    List<int[]> out = new ArrayList<>();
    switch (kind) {
      case CONTIGUOUS -> {
        for (int from = 0; from < n; from += usersPerClient) {
          out.add(Arrays.copyOfRange(users, from, Math.min(n, from + usersPerClient)));
        }
      }
      case IID -> {
        int[] shuffled = shuffled(users, new SplittableRandom(seed));
        List<List<Integer>> groups = groups(silos);
        for (int i = 0; i < n; i++) {
          groups.get(i % silos).add(shuffled[i]);
        }
        addNonEmpty(out, groups);
      }
      case DIRICHLET -> {
        SplittableRandom random = new SplittableRandom(seed);
        List<List<Integer>> groups = groups(silos);
        for (int[] stratum : strata(train, users)) {
          int[] members = shuffled(stratum, random);
          double[] p = dirichlet(silos, alpha, random);
          // cumulative rounding: the runs cover the stratum exactly
          double cumulative = 0;
          int from = 0;
          for (int s = 0; s < silos; s++) {
            cumulative += p[s];
            int to = s == silos - 1 ? members.length
                : (int) Math.min(members.length, Math.round(cumulative * members.length));
            for (int i = from; i < to; i++) {
              groups.get(s).add(members[i]);
            }
            from = Math.max(from, to);
          }
        }
        addNonEmpty(out, groups);
      }
      default -> throw new IllegalStateException(kind.toString());
    }
    return out;
  }

  /** The users cut into {@value #STRATA} strata by the mean popularity of their items. */
  static List<int[]> strata(RatingsData train, int[] users) {
    long[] popularity = new long[train.numItems()];
    for (int u : users) {
      for (int j = 0; j < train.userSize(u); j++) {
        popularity[train.item(u, j)]++;
      }
    }
    double[] taste = new double[users.length];
    Integer[] order = new Integer[users.length];
    for (int x = 0; x < users.length; x++) {
      int u = users[x];
      double s = 0;
      for (int j = 0; j < train.userSize(u); j++) {
        s += popularity[train.item(u, j)];
      }
      taste[x] = s / train.userSize(u);
      order[x] = x;
    }
    Arrays.sort(order, (a, b) -> {
      int c = Double.compare(taste[a], taste[b]);
      return c != 0 ? c : Integer.compare(users[a], users[b]);
    });
    List<int[]> out = new ArrayList<>();
    for (int k = 0; k < STRATA; k++) {
      int from = (int) ((long) users.length * k / STRATA);
      int to = (int) ((long) users.length * (k + 1) / STRATA);
      int[] stratum = new int[to - from];
      for (int i = from; i < to; i++) {
        stratum[i - from] = users[order[i]];
      }
      out.add(stratum);
    }
    return out;
  }

  /** {@code Dirichlet(alpha, ..., alpha)} of dimension {@code k}, by normalised gammas. */
  static double[] dirichlet(int k, double alpha, SplittableRandom random) {
    double[] g = new double[k];
    double sum = 0;
    for (int i = 0; i < k; i++) {
      g[i] = gamma(alpha, random);
      sum += g[i];
    }
    if (!(sum > 0)) {
      // every gamma underflowed (tiny alpha): all the mass on one uniformly chosen coordinate
      Arrays.fill(g, 0);
      g[random.nextInt(k)] = 1;
      return g;
    }
    for (int i = 0; i < k; i++) {
      g[i] /= sum;
    }
    return g;
  }

  /**
   * {@code Gamma(shape, 1)} by Marsaglia and Tsang (2000), boosted for {@code shape < 1} by
   * {@code Gamma(shape + 1) * U^(1/shape)}.
   */
  static double gamma(double shape, SplittableRandom random) {
    if (shape < 1) {
      double u = random.nextDouble();
      return gamma(shape + 1, random) * Math.pow(u, 1 / shape);
    }
    double d = shape - 1.0 / 3;
    double c = 1 / Math.sqrt(9 * d);
    while (true) {
      double x;
      double v;
      do {
        x = normal(random);
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      double u = random.nextDouble();
      if (u < 1 - 0.0331 * x * x * x * x || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) {
        return d * v;
      }
    }
  }

  private static double normal(SplittableRandom random) {
    double u1 = random.nextDouble();
    double u2 = random.nextDouble();
    return Math.sqrt(-2 * Math.log1p(-u1)) * Math.cos(2 * Math.PI * u2);
  }

  private static int[] shuffled(int[] values, SplittableRandom random) {
    int[] a = values.clone();
    for (int i = a.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a;
  }

  private static List<List<Integer>> groups(int k) {
    List<List<Integer>> g = new ArrayList<>(k);
    for (int i = 0; i < k; i++) {
      g.add(new ArrayList<>());
    }
    return g;
  }

  private static void addNonEmpty(List<int[]> out, List<List<Integer>> groups) {
    for (List<Integer> g : groups) {
      if (!g.isEmpty()) {
        int[] a = g.stream().mapToInt(Integer::intValue).toArray();
        Arrays.sort(a);
        out.add(a);
      }
    }
  }

  /** A one-line description for logs, e.g. {@code dirichlet(alpha 0.5) over 10 silos}. */
  public static String describe(Kind kind, int usersPerClient, int silos, double alpha) {
    return switch (kind) {
      case CONTIGUOUS -> usersPerClient + " user" + (usersPerClient == 1 ? "" : "s") + " each";
      case IID -> "iid over " + silos + " silos";
      case DIRICHLET -> String.format(Locale.ROOT, "dirichlet(alpha %s) over %d silos", alpha,
          silos);
    };
  }
}
