package io.fedrec.simulator.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedrec.simulator.data.DataSets;
import io.fedrec.simulator.data.RatingsData;
import io.fedrec.simulator.data.Split;
import io.fedrec.simulator.data.SyntheticConfig;
import io.fedrec.simulator.data.SyntheticDataset;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The leave-one-out split ({@link DataSets#leaveOneOut}) and both protocols. */
class RankingProtocolTest {

  /**
   * User 0: (3, t=5), (1, t=9) in train, (7, t=2) in test: latest is item 1. User 1: (2, t=4)
   * and (5, t=4) tie for latest, (0, t=1). User 2: a single rating. User 3: none.
   */
  private static Split source() {
    RatingsData train = RatingsData.builder(4, 10)
        .add(0, 3, 4f, 5L).add(0, 1, 2f, 9L)
        .add(1, 2, 5f, 4L).add(1, 0, 3f, 1L)
        .add(2, 6, 1f, 3L)
        .build();
    RatingsData test = RatingsData.builder(4, 10)
        .add(0, 7, 5f, 2L)
        .add(1, 5, 4f, 4L)
        .build();
    return new Split("hand", "random", train, test);
  }

  private static Set<Integer> items(RatingsData d, int u) {
    Set<Integer> s = new HashSet<>();
    for (int j = 0; j < d.userSize(u); j++) {
      s.add(d.item(u, j));
    }
    return s;
  }

  @Test
  void leaveOneOut_latestByTimestamp_heldOutFromPooledRatings() {
    Split loo = DataSets.leaveOneOut(source(), 7L);
    assertEquals(DataSets.LEAVE_ONE_OUT, loo.splitName());
    assertEquals(Set.of(1), items(loo.test(), 0));
    assertEquals(Set.of(3, 7), items(loo.train(), 0));
    assertEquals(9L, loo.test().timestamp(0, 0));
    assertEquals(2f, loo.test().rating(0, 0));
  }

  @Test
  void leaveOneOut_tieOnLatest_holdsOutExactlyOneOfTheTied() {
    for (long seed = 0; seed < 20; seed++) {
      Split loo = DataSets.leaveOneOut(source(), seed);
      Set<Integer> held = items(loo.test(), 1);
      assertEquals(1, held.size());
      assertTrue(held.contains(2) || held.contains(5), held.toString());
      Set<Integer> all = new HashSet<>(items(loo.train(), 1));
      all.addAll(held);
      assertEquals(Set.of(0, 2, 5), all);
    }
  }

  @Test
  void leaveOneOut_tieOnLatest_bothChoicesOccurAcrossSeeds() {
    Set<Integer> seen = new HashSet<>();
    for (long seed = 0; seed < 20; seed++) {
      seen.addAll(items(DataSets.leaveOneOut(source(), seed).test(), 1));
    }
    assertEquals(Set.of(2, 5), seen);
  }

  @Test
  void leaveOneOut_sameSeed_sameSplit() {
    Split a = DataSets.leaveOneOut(source(), 3L);
    Split b = DataSets.leaveOneOut(source(), 3L);
    assertEquals(items(a.test(), 1), items(b.test(), 1));
  }

  @Test
  void leaveOneOut_singleRatingOrNone_keptInTrainWithoutTest() {
    Split loo = DataSets.leaveOneOut(source(), 7L);
    assertEquals(0, loo.test().userSize(2));
    assertEquals(Set.of(6), items(loo.train(), 2));
    assertEquals(0, loo.test().userSize(3));
    assertEquals(0, loo.train().userSize(3));
    assertEquals(2, loo.test().numRatings());
    assertEquals(5, loo.train().numRatings());
  }

  @Test
  void leaveOneOut_synthetic_exactlyTheLatestPerUserAndNothingLost() {
    // synthetic data has no timestamps: every rating ties at 0, one is held out per user
    Split s = SyntheticDataset.generate(
        SyntheticConfig.builder().numUsers(200).numItems(100).seed(5).build());
    Split loo = DataSets.leaveOneOut(s, 1L);
    assertEquals(s.train().numRatings() + s.test().numRatings(),
        loo.train().numRatings() + loo.test().numRatings());
    for (int u = 0; u < s.numUsers(); u++) {
      int total = s.train().userSize(u) + s.test().userSize(u);
      assertEquals(total >= 2 ? 1 : 0, loo.test().userSize(u));
    }
  }

  @Test
  void leaveOneOut_heldOutIsTheLatestTimestamp_onRandomTimestamps() {
    java.util.SplittableRandom r = new java.util.SplittableRandom(9);
    RatingsData.Builder b = RatingsData.builder(50, 40);
    for (int u = 0; u < 50; u++) {
      for (int i = 0; i < 40; i++) {
        if (r.nextInt(3) == 0) {
          b.add(u, i, 1f, 1 + r.nextInt(20));
        }
      }
    }
    RatingsData all = b.build();
    Split loo = DataSets.leaveOneOut(
        new Split("t", "random", all, RatingsData.builder(50, 40).build()), 2L);
    for (int u = 0; u < 50; u++) {
      if (all.userSize(u) < 2) {
        continue;
      }
      long held = loo.test().timestamp(u, 0);
      for (int j = 0; j < loo.train().userSize(u); j++) {
        assertTrue(loo.train().timestamp(u, j) <= held, "user " + u);
      }
    }
  }

  @Test
  void leaveOneOutProtocol_candidates_heldOutFirstThenDistinctNegativesNeverPositive() {
    Split s = SyntheticDataset.generate(
        SyntheticConfig.builder().numUsers(300).numItems(400).seed(3).build());
    Split loo = DataSets.leaveOneOut(s, 1L);
    RankingProtocol p = RankingProtocol.leaveOneOut(loo, 99, 11L);
    assertEquals(RankingProtocol.Kind.LEAVE_ONE_OUT, p.kind());
    int evaluated = 0;
    for (int u = 0; u < p.numUsers(); u++) {
      if (loo.test().userSize(u) == 0) {
        assertEquals(0, p.numRelevant(u));
        assertEquals(0, p.candidates(u).length);
        continue;
      }
      evaluated++;
      int held = loo.test().item(u, 0);
      assertArrayEquals(new int[] {held}, p.relevant(u));
      int[] c = p.candidates(u);
      assertEquals(held, c[0]);
      Set<Integer> positives = items(loo.train(), u);
      positives.add(held);
      assertEquals(Math.min(99, 400 - positives.size()) + 1, c.length);
      Set<Integer> negatives = new HashSet<>();
      for (int x = 1; x < c.length; x++) {
        assertFalse(positives.contains(c[x]), "user " + u + " negative " + c[x] + " is positive");
        assertTrue(c[x] >= 0 && c[x] < 400);
        assertTrue(negatives.add(c[x]), "repeated negative " + c[x]);
      }
    }
    assertEquals(evaluated, p.numEvaluatedUsers());
  }

  @Test
  void leaveOneOutProtocol_denseUser_usesShuffleAndStillExcludesPositives() {
    // 150 items, 10 positives: 140 allowed, 99 requested (more than half): Fisher-Yates path
    RatingsData.Builder train = RatingsData.builder(1, 150);
    for (int i = 0; i < 9; i++) {
      train.add(0, i * 7, 1f);
    }
    RatingsData test = RatingsData.builder(1, 150).add(0, 100, 1f).build();
    RankingProtocol p =
        RankingProtocol.leaveOneOut(new Split("t", "loo", train.build(), test), 99, 1L);
    int[] c = p.candidates(0);
    assertEquals(100, c.length);
    Set<Integer> distinct = new HashSet<>();
    for (int x = 1; x < c.length; x++) {
      assertTrue(c[x] % 7 != 0 || c[x] > 56, "positive sampled: " + c[x]);
      assertNotEquals(100, c[x]);
      distinct.add(c[x]);
    }
    assertEquals(99, distinct.size());
  }

  @Test
  void leaveOneOutProtocol_fewerAllowedThanRequested_takesAllInIdOrder() {
    RatingsData train = RatingsData.builder(1, 5).add(0, 0, 1f).add(0, 3, 1f).build();
    RatingsData test = RatingsData.builder(1, 5).add(0, 2, 1f).build();
    RankingProtocol p = RankingProtocol.leaveOneOut(new Split("t", "loo", train, test), 99, 1L);
    assertArrayEquals(new int[] {2, 1, 4}, p.candidates(0));
  }

  @Test
  void leaveOneOutProtocol_sameSeedSame_otherSeedDiffers() {
    Split loo = DataSets.leaveOneOut(SyntheticDataset.generate(
        SyntheticConfig.builder().numUsers(100).numItems(300).seed(3).build()), 1L);
    RankingProtocol a = RankingProtocol.leaveOneOut(loo, 99, 5L);
    RankingProtocol b = RankingProtocol.leaveOneOut(loo, 99, 5L);
    RankingProtocol c = RankingProtocol.leaveOneOut(loo, 99, 6L);
    boolean anyDifferent = false;
    for (int u = 0; u < 100; u++) {
      assertArrayEquals(a.candidates(u), b.candidates(u));
      anyDifferent |= !Arrays.equals(a.candidates(u), c.candidates(u));
    }
    assertTrue(anyDifferent);
  }

  @Test
  void leaveOneOutProtocol_twoTestItems_rejected() {
    RatingsData test = RatingsData.builder(1, 5).add(0, 1, 1f).add(0, 2, 1f).build();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> RankingProtocol.leaveOneOut(
            new Split("t", "x", RatingsData.builder(1, 5).build(), test), 99, 1L));
    assertTrue(e.getMessage().contains("DataSets.leaveOneOut"), e.getMessage());
  }

  @Test
  void leaveOneOutProtocol_badNumNegatives_rejected() {
    Split loo = DataSets.leaveOneOut(source(), 1L);
    assertThrows(IllegalArgumentException.class, () -> RankingProtocol.leaveOneOut(loo, 0, 1L));
  }

  @Test
  void fullCatalogue_threshold4_keepsOnlyLikedTestItems() {
    RatingsData train = RatingsData.builder(2, 6).add(0, 0, 5f).build();
    RatingsData test = RatingsData.builder(2, 6)
        .add(0, 4, 4f).add(0, 2, 5f).add(0, 3, 3.5f)
        .add(1, 1, 2f)
        .build();
    RankingProtocol p = RankingProtocol.fullCatalogue(
        new Split("t", "random", train, test), RankingProtocol.EXPLICIT_RELEVANCE_THRESHOLD);
    assertArrayEquals(new int[] {2, 4}, p.relevant(0));
    assertEquals(0, p.numRelevant(1));
    assertEquals(1, p.numEvaluatedUsers());
    assertNull(p.candidates(0));
  }

  @Test
  void fullCatalogue_anyRating_keepsEveryTestItem() {
    RatingsData test = RatingsData.builder(2, 6).add(0, 3, 1f).add(1, 1, 0f).build();
    RankingProtocol p = RankingProtocol.fullCatalogue(
        new Split("t", "random", RatingsData.builder(2, 6).build(), test),
        RankingProtocol.ANY_RATING);
    assertArrayEquals(new int[] {3}, p.relevant(0));
    assertArrayEquals(new int[] {1}, p.relevant(1));
    assertEquals(2, p.numEvaluatedUsers());
  }

  @Test
  void kindParse_namesAndUnknown() {
    assertEquals(RankingProtocol.Kind.LEAVE_ONE_OUT, RankingProtocol.Kind.parse("LOO"));
    assertEquals(RankingProtocol.Kind.FULL_CATALOGUE, RankingProtocol.Kind.parse("full"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> RankingProtocol.Kind.parse("sampled"));
    assertTrue(e.getMessage().contains("sampled") && e.getMessage().contains("loo"));
  }
}
