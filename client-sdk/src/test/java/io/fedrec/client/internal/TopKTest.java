package io.fedrec.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.fedrec.client.Recommendation;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TopKTest {

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 5, 50, 200})
  void result_randomScoresWithTies_matchesFullSort(int k) {
    SplittableRandom random = new SplittableRandom(k);
    int n = 120;
    float[] scores = new float[n];
    List<Recommendation> all = new ArrayList<>();
    TopK top = new TopK(k);
    for (int item = 0; item < n; item++) {
      scores[item] = random.nextInt(15) * 0.5f; // many ties
      all.add(new Recommendation(item, scores[item]));
    }
    // offer in a shuffled order so the heap sees ties in both directions
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    for (int item : order) {
      top.offer(item, scores[item]);
    }

    all.sort(Comparator.comparing(Recommendation::score).reversed()
        .thenComparing(Recommendation::item));
    assertEquals(all.subList(0, Math.min(k, n)), top.result());
  }

  @Test
  void constructor_zeroK_throwsIllegalArgument() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new TopK(0));

    assertEquals("k must be >= 1. Provided value: 0", e.getMessage());
  }
}
