package io.fedrec.examples.partner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.StringReader;
import java.util.List;
import org.junit.jupiter.api.Test;

class InMemoryRatingStoreTest {

  private static InMemoryRatingStore read(String csv) throws IOException {
    return InMemoryRatingStore.fromCsv(new StringReader(csv), "ratings.csv");
  }

  @Test
  void fromCsv_headerAndExtraColumns_skipsHeaderKeepsFirstAppearanceOrder() throws IOException {
    InMemoryRatingStore store = read(
        "user,item,rating,timestamp\nbob,3,4.5,100\nalice,0,1,101\n\nbob,7,2,102\n");

    assertEquals(List.of("bob", "alice"), store.users());
    assertEquals(List.of(new Rating(3, 4.5f), new Rating(7, 2f)), store.ratingsOf("bob"));
    assertEquals(List.of(new Rating(0, 1f)), store.ratingsOf("alice"));
    assertEquals(3, store.size());
  }

  @Test
  void fromCsv_noHeader_readsFirstLineAsData() throws IOException {
    InMemoryRatingStore store = read("carol,5,3\n");

    assertEquals(List.of(new Rating(5, 3f)), store.ratingsOf("carol"));
  }

  @Test
  void ratingsOf_unknownUser_isNull() throws IOException {
    assertNull(read("carol,5,3\n").ratingsOf("dave"));
  }

  @Test
  void fromCsv_negativeItem_namesLineAndRule() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> read("user,item,rating\nbob,-1,4\n"));

    assertEquals("ratings.csv line 2: item must be an integer >= 0. Provided value: \"bob,-1,4\"",
        e.getMessage());
  }

  @Test
  void fromCsv_nonFiniteRating_namesLineAndRule() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> read("bob,1,NaN\n"));

    assertEquals(
        "ratings.csv line 1: rating must be a finite number. Provided value: \"bob,1,NaN\"",
        e.getMessage());
  }

  @Test
  void fromCsv_secondRatingOfAnItem_isRejected() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> read("bob,1,4\nbob,1,5\n"));

    assertEquals("ratings.csv line 2: user bob already rated item 1. Provided value: \"bob,1,5\"",
        e.getMessage());
  }

  @Test
  void fromCsv_tooFewColumns_isRejected() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> read("bob,1\n"));

    assertEquals("ratings.csv line 1: expected user,item,rating. Provided value: \"bob,1\"",
        e.getMessage());
  }
}
