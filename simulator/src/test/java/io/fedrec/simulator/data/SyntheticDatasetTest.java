package io.fedrec.simulator.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SyntheticDatasetTest {
  private static Split defaults;

  @BeforeAll
  static void generateDefaults() {
    defaults = SyntheticDataset.generate(SyntheticConfig.defaults());
  }

  private static SyntheticConfig small(long seed) {
    return SyntheticConfig.builder().numUsers(200).numItems(300).seed(seed).build();
  }

  private static boolean sameData(RatingsData a, RatingsData b) {
    if (a.numUsers() != b.numUsers() || a.numRatings() != b.numRatings()) {
      return false;
    }
    for (int u = 0; u < a.numUsers(); u++) {
      if (a.userSize(u) != b.userSize(u)) {
        return false;
      }
      for (int j = 0; j < a.userSize(u); j++) {
        if (a.item(u, j) != b.item(u, j) || a.rating(u, j) != b.rating(u, j)) {
          return false;
        }
      }
    }
    return true;
  }

  @Test
  void generate_sameSeed_sameData() {
    Split a = SyntheticDataset.generate(small(7));
    Split b = SyntheticDataset.generate(small(7));
    assertTrue(sameData(a.train(), b.train()));
    assertTrue(sameData(a.test(), b.test()));
  }

  @Test
  void generate_differentSeed_differentData() {
    Split a = SyntheticDataset.generate(small(7));
    Split b = SyntheticDataset.generate(small(8));
    assertFalse(sameData(a.train(), b.train()));
  }

  @Test
  void generate_defaults_namesDatasetAndSplit() {
    assertEquals("synthetic", defaults.dataset());
    assertEquals("random", defaults.splitName());
    assertEquals(3000, defaults.numUsers());
    assertEquals(1000, defaults.numItems());
  }

  @Test
  void generate_defaults_ratingsAreIntegersInOneToFive() {
    for (RatingsData d : new RatingsData[] {defaults.train(), defaults.test()}) {
      for (int u = 0; u < d.numUsers(); u++) {
        for (int j = 0; j < d.userSize(u); j++) {
          float r = d.rating(u, j);
          assertTrue(r >= 1f && r <= 5f && r == Math.rint(r), "rating " + r);
        }
      }
    }
  }

  @Test
  void generate_defaults_meanRatingsPerUserNearConfigured() {
    double perUser =
        (defaults.train().numRatings() + defaults.test().numRatings()) / 3000.0;
    // log-normal mean 60 before clamping to [10, 500]; clamping moves it by well under 10%
    assertEquals(60.0, perUser, 6.0);
  }

  @Test
  void generate_defaults_perUserCountsWithinClamp() {
    for (int u = 0; u < defaults.numUsers(); u++) {
      int n = defaults.train().userSize(u) + defaults.test().userSize(u);
      assertTrue(n >= 10 && n <= 500, "user " + u + " has " + n);
    }
  }

  @Test
  void generate_defaults_popularItemsGetMostRatings() {
    int[] counts = defaults.train().itemCounts();
    int[] testCounts = defaults.test().itemCounts();
    long total = 0;
    for (int i = 0; i < counts.length; i++) {
      counts[i] += testCounts[i];
      total += counts[i];
    }
    Arrays.sort(counts);
    long top = 0;
    for (int i = counts.length - 100; i < counts.length; i++) {
      top += counts[i];
    }
    // uniform sampling would give the top 10% of items about 10% of the ratings
    assertTrue(top > 0.3 * total, "top 10% share " + (double) top / total);
  }

  @Test
  void generate_defaults_everyUserKeepsTrainAndTestRatings() {
    for (int u = 0; u < defaults.numUsers(); u++) {
      assertTrue(defaults.train().userSize(u) >= 1);
      assertTrue(defaults.test().userSize(u) >= 1);
    }
  }

  @Test
  void generate_defaults_testFractionNearTwentyPercent() {
    double fraction = (double) defaults.test().numRatings()
        / (defaults.train().numRatings() + defaults.test().numRatings());
    assertEquals(0.2, fraction, 0.01);
  }

  @Test
  void generate_defaults_noUserRatesAnItemTwice() {
    // build() rejects duplicates within train and within test; check across the two as well
    for (int u = 0; u < defaults.numUsers(); u++) {
      boolean[] seen = new boolean[defaults.numItems()];
      for (RatingsData d : new RatingsData[] {defaults.train(), defaults.test()}) {
        for (int j = 0; j < d.userSize(u); j++) {
          assertFalse(seen[d.item(u, j)]);
          seen[d.item(u, j)] = true;
        }
      }
    }
  }

  @Test
  void generate_extremeSkew_fallsBackAndStillDrawsDistinctItems() {
    // exponent 5 puts ~96% of the mass on one item: rejection exhausts its budget for 40 items
    SyntheticConfig c = SyntheticConfig.builder()
        .numUsers(20).numItems(200).minRatingsPerUser(40).meanRatingsPerUser(40)
        .activitySigma(0).popularityExponent(5).build();
    Split s = SyntheticDataset.generate(c);
    for (int u = 0; u < 20; u++) {
      assertEquals(40, s.train().userSize(u) + s.test().userSize(u));
    }
  }

  @Test
  void builder_invalidRank_throwsNamingParameter() {
    IllegalArgumentException e = assertThrows(
        IllegalArgumentException.class, () -> SyntheticConfig.builder().rank(0).build());
    assertEquals("rank must be in [1, 512]. Provided value: 0", e.getMessage());
  }

  @Test
  void toBuilder_roundTrip_equalsOriginal() {
    SyntheticConfig c = small(3);
    assertEquals(c, c.toBuilder().build());
  }
}
