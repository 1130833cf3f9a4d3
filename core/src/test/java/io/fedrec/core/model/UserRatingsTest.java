package io.fedrec.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class UserRatingsTest {

  @Test
  void of_parallelArrays_exposesPairsInOrder() {
    UserRatings u = UserRatings.of(new int[] {4, 0, 9}, new float[] {5f, 1f, 3.5f});

    assertEquals(3, u.size());
    assertEquals(4, u.item(0));
    assertEquals(9, u.item(2));
    assertEquals(1f, u.rating(1));
    assertEquals(3.5f, u.rating(2));
  }

  @Test
  void of_callerMutatesInputsAfterwards_ratingsUnchanged() {
    int[] items = {4, 0};
    float[] ratings = {5f, 1f};
    UserRatings u = UserRatings.of(items, ratings);

    items[0] = 7;
    ratings[0] = 2f;

    assertEquals(4, u.item(0));
    assertEquals(5f, u.rating(0));
  }

  @Test
  void of_lengthMismatch_throwsNamingBothLengths() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> UserRatings.of(new int[] {1, 2}, new float[] {3f}));

    assertEquals(
        "items and ratings must have the same length. Provided values: 2 and 1", e.getMessage());
  }

  @Test
  void of_nanRating_throwsEchoingValue() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> UserRatings.of(new int[] {1, 2}, new float[] {3f, Float.NaN}));

    assertEquals("ratings must be finite. Provided value: NaN", e.getMessage());
  }

  @Test
  void of_negativeItem_throwsEchoingValue() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> UserRatings.of(new int[] {1, -3}, new float[] {3f, 4f}));

    assertEquals("item ids must be >= 0. Provided value: -3", e.getMessage());
  }

  @Test
  void of_emptyArrays_sizeZeroAndMaxItemMinusOne() {
    UserRatings u = UserRatings.of(new int[0], new float[0]);

    assertEquals(0, u.size());
    assertEquals(-1, u.maxItem());
  }

  @Test
  void maxItem_unsortedItems_returnsLargest() {
    assertEquals(
        12, UserRatings.of(new int[] {3, 12, 0, 7}, new float[] {1f, 2f, 3f, 4f}).maxItem());
  }

  @Test
  void wrap_range_indexesRelativeToFrom() {
    int[] items = {10, 11, 12, 13, 14};
    float[] ratings = {1f, 2f, 3f, 4f, 5f};

    UserRatings u = UserRatings.wrap(items, ratings, 1, 4);

    assertEquals(3, u.size());
    assertEquals(11, u.item(0));
    assertEquals(13, u.item(2));
    assertEquals(4f, u.rating(2));
  }

  @Test
  void wrap_range_maxItemIgnoresEntriesOutsideRange() {
    int[] items = {99, 11, 12, 98};
    float[] ratings = {1f, 2f, 3f, 4f};

    assertEquals(12, UserRatings.wrap(items, ratings, 1, 3).maxItem());
  }

  /** wrap is a view by contract: the simulator shares one array across all users. */
  @Test
  void wrap_sharedArrayMutated_viewSeesChange() {
    int[] items = {10, 11};
    float[] ratings = {1f, 2f};
    UserRatings u = UserRatings.wrap(items, ratings, 0, 2);

    ratings[1] = 4.5f;

    assertEquals(4.5f, u.rating(1));
  }

  @Test
  void wrap_emptyRange_sizeZero() {
    assertEquals(0, UserRatings.wrap(new int[] {1}, new float[] {1f}, 1, 1).size());
  }

  @Test
  void wrap_toBeyondLength_throws() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> UserRatings.wrap(new int[3], new float[3], 1, 4));

    assertEquals("bad range [1, 4) for 3", e.getMessage());
  }

  @Test
  void wrap_toBeforeFrom_throws() {
    assertThrows(
        IllegalArgumentException.class, () -> UserRatings.wrap(new int[3], new float[3], 2, 1));
  }

  @Test
  void wrap_negativeFrom_throws() {
    assertThrows(
        IllegalArgumentException.class, () -> UserRatings.wrap(new int[3], new float[3], -1, 2));
  }

  @Test
  void wrap_lengthMismatch_throws() {
    assertThrows(
        IllegalArgumentException.class, () -> UserRatings.wrap(new int[3], new float[2], 0, 2));
  }
}
