package io.fedrec.simulator.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedrec.simulator.data.RatingsData;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** User-to-silo partitions: coverage, determinism, and the skew the Dirichlet scheme promises. */
class PartitioningTest {
  private static final int USERS = 2000;
  private static final int ITEMS = 300;

  /**
   * 2,000 users; user {@code u} rates 10 items drawn from a window whose position depends on
   * {@code u}, so mean item popularity (the taste stratum) varies across users.
   */
  private static RatingsData data() {
    SplittableRandom r = new SplittableRandom(1);
    RatingsData.Builder b = RatingsData.builder(USERS, ITEMS);
    for (int u = 0; u < USERS; u++) {
      int base = (u * 7) % (ITEMS - 60);
      boolean[] taken = new boolean[ITEMS];
      for (int n = 0; n < 10; ) {
        // popular items (low ids) for some users, the long tail for others
        int i = r.nextDouble() < (double) u / USERS ? r.nextInt(20) : base + r.nextInt(60);
        if (!taken[i]) {
          taken[i] = true;
          b.add(u, i, 4f);
          n++;
        }
      }
    }
    return b.build();
  }

  private static int[] allUsers() {
    int[] u = new int[USERS];
    for (int i = 0; i < USERS; i++) {
      u[i] = i;
    }
    return u;
  }

  /** Every user in exactly one group, each group ascending and non-empty. */
  private static void assertCovers(List<int[]> groups) {
    int[] seen = new int[USERS];
    for (int[] g : groups) {
      assertTrue(g.length > 0);
      for (int i = 0; i < g.length; i++) {
        seen[g[i]]++;
        if (i > 0) {
          assertTrue(g[i - 1] < g[i], "ascending");
        }
      }
    }
    for (int u = 0; u < USERS; u++) {
      assertEquals(1, seen[u], "user " + u);
    }
  }

  @Test
  void contiguous_runsOfUsersPerClientInIndexOrder() {
    List<int[]> g = Partitioning.partition(data(), allUsers(), Partitioning.Kind.CONTIGUOUS,
        300, 0, 0, 1);
    assertEquals(7, g.size());
    assertArrayEquals(new int[] {1800, 1801}, Arrays.copyOf(g.get(6), 2));
    assertEquals(200, g.get(6).length);
    assertCovers(g);
  }

  @Test
  void iid_equalSizesShuffledAndDeterministic() {
    RatingsData d = data();
    List<int[]> g = Partitioning.partition(d, allUsers(), Partitioning.Kind.IID, 1, 7, 0, 5);
    assertEquals(7, g.size());
    for (int[] silo : g) {
      assertTrue(silo.length == 285 || silo.length == 286, "size " + silo.length);
    }
    assertCovers(g);
    List<int[]> again = Partitioning.partition(d, allUsers(), Partitioning.Kind.IID, 1, 7, 0, 5);
    for (int s = 0; s < 7; s++) {
      assertArrayEquals(g.get(s), again.get(s));
    }
    List<int[]> other = Partitioning.partition(d, allUsers(), Partitioning.Kind.IID, 1, 7, 0, 6);
    assertFalse(Arrays.equals(g.get(0), other.get(0)), "another seed, another shuffle");
    // not in index order: the first silo holds users from all over the range
    assertTrue(g.get(0)[g.get(0).length - 1] > 1500 && g.get(0)[0] < 100);
  }

  /** Mean over silos of the share of a silo's users in its most common taste stratum. */
  private static double dominance(RatingsData d, List<int[]> groups) {
    Map<Integer, Integer> stratumOf = new HashMap<>();
    List<int[]> strata = Partitioning.strata(d, allUsers());
    for (int k = 0; k < strata.size(); k++) {
      for (int u : strata.get(k)) {
        stratumOf.put(u, k);
      }
    }
    double sum = 0;
    for (int[] g : groups) {
      int[] counts = new int[Partitioning.STRATA];
      for (int u : g) {
        counts[stratumOf.get(u)]++;
      }
      sum += (double) Arrays.stream(counts).max().getAsInt() / g.length;
    }
    return sum / groups.size();
  }

  @Test
  void dirichlet_smallAlphaSkewsTastesAndSizes_largeAlphaApproachesIid() {
    RatingsData d = data();
    List<int[]> skewed =
        Partitioning.partition(d, allUsers(), Partitioning.Kind.DIRICHLET, 1, 10, 0.1, 3);
    List<int[]> mild =
        Partitioning.partition(d, allUsers(), Partitioning.Kind.DIRICHLET, 1, 10, 100, 3);
    List<int[]> iid = Partitioning.partition(d, allUsers(), Partitioning.Kind.IID, 1, 10, 0, 3);
    assertCovers(skewed);
    assertCovers(mild);
    double skewedDominance = dominance(d, skewed);
    double mildDominance = dominance(d, mild);
    double iidDominance = dominance(d, iid);
    System.out.printf("dominant-stratum share: alpha 0.1 %.3f, alpha 100 %.3f, iid %.3f%n",
        skewedDominance, mildDominance, iidDominance);
    // 10 equal strata: an iid silo's largest stratum is a bit over 0.1
    assertTrue(iidDominance < 0.2, "iid " + iidDominance);
    assertTrue(mildDominance < 0.2, "alpha 100 " + mildDominance);
    assertTrue(skewedDominance > 0.4, "alpha 0.1 " + skewedDominance);
    int[] sizes = skewed.stream().mapToInt(g -> g.length).sorted().toArray();
    assertTrue(sizes[sizes.length - 1] > 3 * sizes[0], "skewed sizes " + Arrays.toString(sizes));
    List<int[]> again =
        Partitioning.partition(d, allUsers(), Partitioning.Kind.DIRICHLET, 1, 10, 0.1, 3);
    assertEquals(skewed.size(), again.size());
    for (int s = 0; s < skewed.size(); s++) {
      assertArrayEquals(skewed.get(s), again.get(s));
    }
  }

  @Test
  void gamma_meanEqualsShape_forShapesBelowAndAboveOne() {
    for (double shape : new double[] {0.3, 1, 4.5}) {
      SplittableRandom r = new SplittableRandom(9);
      int n = 40_000;
      double sum = 0;
      for (int i = 0; i < n; i++) {
        double g = Partitioning.gamma(shape, r);
        assertTrue(g >= 0);
        sum += g;
      }
      // the standard error of the mean is sqrt(shape / n) <= 0.011; 5 of them
      assertEquals(shape, sum / n, 5 * Math.sqrt(shape / n), "shape " + shape);
    }
    double[] p = Partitioning.dirichlet(5, 0.5, new SplittableRandom(2));
    assertEquals(1.0, Arrays.stream(p).sum(), 1e-12);
  }

  @Test
  void parse_unknownKind_namesValues() {
    assertEquals("partition must be one of contiguous, iid, dirichlet. Provided value: silo",
        assertThrows(IllegalArgumentException.class, () -> Partitioning.Kind.parse("silo"))
            .getMessage());
  }
}
