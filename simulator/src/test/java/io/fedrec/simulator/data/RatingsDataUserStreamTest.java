package io.fedrec.simulator.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link RatingsData.UserStream}: the same data set as {@link RatingsData.Builder}, streamed. */
class RatingsDataUserStreamTest {

  @Test
  void build_randomUsers_equalsTheBuilder() {
    Random rnd = new Random(5);
    int users = 500;
    int items = 300;
    RatingsData.Builder builder = RatingsData.builder(users, items);
    RatingsData.UserStream stream = RatingsData.userStream(users, items);
    for (int u = 0; u < users; u++) {
      int[] its = rnd.ints(0, items).distinct().limit(rnd.nextInt(40)).toArray(); // may be empty
      float[] rs = new float[its.length];
      for (int j = 0; j < its.length; j++) {
        rs[j] = 1 + rnd.nextInt(5);
        builder.add(u, its[j], rs[j]);
      }
      stream.append(its, rs, its.length);
    }
    RatingsData a = builder.build();
    RatingsData b = stream.build();
    assertEquals(a.numRatings(), b.numRatings());
    assertEquals(a.meanRating(), b.meanRating(), 0.0);
    for (int u = 0; u < users; u++) {
      assertEquals(a.userSize(u), b.userSize(u), "user " + u);
      for (int j = 0; j < a.userSize(u); j++) {
        assertEquals(a.item(u, j), b.item(u, j));
        assertEquals(a.rating(u, j), b.rating(u, j));
      }
    }
  }

  @Test
  void append_badInput_namesTheProblem() {
    RatingsData.UserStream s = RatingsData.userStream(2, 10);
    assertEquals("item must be in [0, 9]. Provided value: 10",
        assertThrows(IllegalArgumentException.class,
            () -> s.append(new int[] {10}, new float[] {1}, 1)).getMessage());
    assertEquals("duplicate rating for user 0 and item 3",
        assertThrows(IllegalArgumentException.class,
            () -> s.append(new int[] {3, 3}, new float[] {1, 2}, 2)).getMessage());
    assertEquals("rating must be finite. Provided value: NaN",
        assertThrows(IllegalArgumentException.class,
            () -> s.append(new int[] {4}, new float[] {Float.NaN}, 1)).getMessage());
    s.append(new int[] {1}, new float[] {3}, 1);
    assertEquals("only 1 of 2 users were appended",
        assertThrows(IllegalStateException.class, s::build).getMessage());
    s.append(new int[0], new float[0], 0);
    assertEquals("all 2 users were already appended",
        assertThrows(IllegalArgumentException.class,
            () -> s.append(new int[0], new float[0], 0)).getMessage());
    assertEquals(1, s.build().numRatings());
  }
}
