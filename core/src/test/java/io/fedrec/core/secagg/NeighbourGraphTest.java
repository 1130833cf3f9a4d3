package io.fedrec.core.secagg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NeighbourGraphTest {

  static byte[] seed(int b) {
    byte[] s = new byte[32];
    Arrays.fill(s, (byte) b);
    return s;
  }

  @ParameterizedTest
  @CsvSource({"10, 4", "11, 6", "100, 28", "1000, 40", "7, 6", "8, 7", "2, 1", "30, 0"})
  void create_everyClient_hasExactlyKDistinctNeighboursSymmetrically(int n, int k) {
    NeighbourGraph g = NeighbourGraph.create(seed(1), n, k);
    for (int i = 0; i < n; i++) {
      int[] nb = g.neighboursOf(i);
      assertEquals(k, nb.length, "degree of " + i);
      for (int j = 0; j < nb.length; j++) {
        assertTrue(nb[j] != i, "no self loop at " + i);
        assertTrue(j == 0 || nb[j - 1] < nb[j], "distinct and ascending at " + i);
        assertTrue(g.areNeighbours(nb[j], i), "symmetric " + i + " ~ " + nb[j]);
      }
    }
  }

  @Test
  void create_sameSeed_isDeterministic() {
    NeighbourGraph a = NeighbourGraph.create(seed(2), 200, 20);
    NeighbourGraph b = NeighbourGraph.create(seed(2), 200, 20);
    for (int i = 0; i < 200; i++) {
      assertArrayEquals(a.neighboursOf(i), b.neighboursOf(i));
    }
  }

  @Test
  void create_differentSeeds_differ() {
    NeighbourGraph a = NeighbourGraph.create(seed(2), 200, 20);
    NeighbourGraph b = NeighbourGraph.create(seed(3), 200, 20);
    int differing = 0;
    for (int i = 0; i < 200; i++) {
      differing += Arrays.equals(a.neighboursOf(i), b.neighboursOf(i)) ? 0 : 1;
    }
    assertTrue(differing > 190, "rows differing: " + differing);
  }

  @Test
  void create_seed7Golden_matchesDocs() {
    // docs/secagg.md, "Neighbour graph": seed 32 x 0x07, n = 10, k = 4.
    NeighbourGraph g = NeighbourGraph.create(seed(7), 10, 4);
    assertArrayEquals(GOLDEN_PERMUTATION, g.permutation());
    assertArrayEquals(GOLDEN_NEIGHBOURS_OF_0, g.neighboursOf(0));
  }

  static final int[] GOLDEN_PERMUTATION = {3, 8, 4, 2, 1, 5, 9, 6, 7, 0};
  static final int[] GOLDEN_NEIGHBOURS_OF_0 = {3, 6, 7, 8};

  @Test
  void create_kEqualsNMinus1_isComplete() {
    NeighbourGraph g = NeighbourGraph.create(seed(4), 6, 5);
    assertArrayEquals(new int[] {0, 1, 2, 4, 5}, g.neighboursOf(3));
  }

  @Test
  void create_oddKBelowNMinus1_throwsNamingRule() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> NeighbourGraph.create(seed(1), 10, 5));
    assertEquals(
        "neighbours must be even or cohortSize - 1 = 9. Provided value: 5", e.getMessage());
  }

  @Test
  void create_kAboveNMinus1_throws() {
    assertThrows(IllegalArgumentException.class, () -> NeighbourGraph.create(seed(1), 5, 5));
  }

  @ParameterizedTest
  @CsvSource({"1, 0", "2, 1", "5, 4", "20, 18", "100, 28", "1000, 40", "10000, 54"})
  void defaultNeighbours_followsFourLog2Rule(int n, int k) {
    assertEquals(k, NeighbourGraph.defaultNeighbours(n));
  }

  @ParameterizedTest
  @CsvSource({"4, 3", "28, 15", "40, 21", "5, 4", "1, 2"})
  void defaultThreshold_isStrictMajorityOfHolders(int k, int t) {
    assertEquals(t, NeighbourGraph.defaultThreshold(k));
    assertTrue(2 * t > k + 1);
    assertFalse(2 * (t - 1) > k + 1);
  }
}
