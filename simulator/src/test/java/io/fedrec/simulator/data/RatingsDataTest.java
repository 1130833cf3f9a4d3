package io.fedrec.simulator.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedrec.core.model.UserRatings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RatingsDataTest {

  private static RatingsData sample() {
    return RatingsData.builder(3, 5)
        .add(2, 4, 1f, 100L)
        .add(0, 3, 5f, 200L)
        .add(2, 0, 2f, 300L)
        .add(0, 1, 4f, 400L)
        .build();
  }

  @Test
  void build_ratingsAddedOutOfOrder_groupsByUserKeepingInsertionOrder() {
    RatingsData d = sample();
    UserRatings u0 = d.user(0);
    UserRatings u2 = d.user(2);
    assertEquals(2, u0.size());
    assertEquals(3, u0.item(0));
    assertEquals(1, u0.item(1));
    assertEquals(4, u2.item(0));
    assertEquals(0, u2.item(1));
    assertEquals(2f, u2.rating(1));
  }

  @Test
  void build_userWithoutRatings_hasEmptyView() {
    RatingsData d = sample();
    assertEquals(0, d.userSize(1));
    assertEquals(0, d.user(1).size());
  }

  @Test
  void counts_sample_matchAddedRatings() {
    RatingsData d = sample();
    assertEquals(3, d.numUsers());
    assertEquals(5, d.numItems());
    assertEquals(4, d.numRatings());
    assertEquals(3.0, d.meanRating(), 1e-12);
    assertEquals(1f, d.minRating());
    assertEquals(5f, d.maxRating());
    assertArrayEquals(new int[] {1, 1, 0, 1, 1}, d.itemCounts());
  }

  @Test
  void timestamp_given_isKeptWithItsRating() {
    RatingsData d = sample();
    assertEquals(200L, d.timestamp(0, 0));
    assertEquals(300L, d.timestamp(2, 1));
  }

  @Test
  void timestamp_absent_isZero() {
    RatingsData d = RatingsData.builder(1, 2).add(0, 1, 3f).build();
    assertEquals(0L, d.timestamp(0, 0));
  }

  @Test
  void build_duplicateUserItem_throwsNamingBoth() {
    RatingsData.Builder b = RatingsData.builder(2, 3).add(1, 2, 3f).add(0, 2, 3f).add(1, 2, 4f);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, b::build);
    assertEquals("duplicate rating for user 1 and item 2 (ratings #1 and #3)", e.getMessage());
  }

  @Test
  void add_itemOutsideCatalogue_throws() {
    RatingsData.Builder b = RatingsData.builder(2, 3);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> b.add(0, 3, 1f));
    assertEquals("item must be in [0, 2]. Provided value: 3", e.getMessage());
  }

  @Test
  void add_nonFiniteRating_throws() {
    RatingsData.Builder b = RatingsData.builder(2, 3);
    assertThrows(IllegalArgumentException.class, () -> b.add(0, 1, Float.NaN));
  }

  @Test
  void userLabel_default_isIndex() {
    assertEquals("2", sample().userLabel(2));
  }

  @Test
  void writeCsv_sample_writesHeaderAndRowsInUserOrder(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("r.csv");
    sample().writeCsv(file);
    assertEquals(
        "user,item,rating\n0,3,5\n0,1,4\n2,4,1\n2,0,2\n",
        Files.readString(file, StandardCharsets.UTF_8));
  }

  @Test
  void writeCsv_readBack_givesSameRatingsAndLabels(@TempDir Path dir) throws IOException {
    RatingsData d = RatingsData.builder(2, 4)
        .add(1, 3, 2.5f)
        .add(0, 0, 4f)
        .userLabels(new String[] {"alice", "bob"})
        .build();
    Path file = dir.resolve("r.csv");
    d.writeCsv(file);
    RatingsData back = CsvRatings.read(file, 4);
    assertEquals(2, back.numUsers());
    assertEquals("alice", back.userLabel(0));
    assertEquals("bob", back.userLabel(1));
    assertEquals(3, back.item(1, 0));
    assertEquals(2.5f, back.rating(1, 0));
    assertTrue(back.numItems() == 4 && back.numRatings() == 2);
  }
}
