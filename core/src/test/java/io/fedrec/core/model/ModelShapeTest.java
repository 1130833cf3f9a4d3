package io.fedrec.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ModelShapeTest {

  /** 3 items, rank 2: Q occupies [0, 6), b occupies [6, 9), mu is at 9. */
  private static final ModelShape SHAPE = new ModelShape(3, 2);

  @Test
  void numParameters_threeItemsRankTwo_isItemsTimesRankPlusOnePlusOne() {
    assertEquals(10, SHAPE.numParameters());
  }

  @Test
  void factorOffset_item_isRowStartOfRowMajorQ() {
    assertEquals(0, SHAPE.factorOffset(0));
    assertEquals(2, SHAPE.factorOffset(1));
    assertEquals(4, SHAPE.factorOffset(2));
  }

  @Test
  void biasOffset_item_followsTheFactorBlock() {
    assertEquals(6, SHAPE.biasOffset(0));
    assertEquals(7, SHAPE.biasOffset(1));
    assertEquals(8, SHAPE.biasOffset(2));
  }

  @Test
  void muOffset_isLastParameter() {
    assertEquals(9, SHAPE.muOffset());
    assertEquals(SHAPE.numParameters() - 1, SHAPE.muOffset());
  }

  @Test
  void constructor_smallestShape_hasThreeParameters() {
    ModelShape shape = new ModelShape(1, 1);

    assertEquals(3, shape.numParameters());
    assertEquals(1, shape.biasOffset(0));
    assertEquals(2, shape.muOffset());
  }

  @Test
  void constructor_zeroItems_throwsNamingRuleAndValue() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new ModelShape(0, 8));

    assertEquals("numItems must be in [1, 10000000]. Provided value: 0", e.getMessage());
  }

  @Test
  void constructor_tooManyItems_throwsNamingRuleAndValue() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> new ModelShape(ModelShape.MAX_ITEMS + 1, 1));

    assertEquals("numItems must be in [1, 10000000]. Provided value: 10000001", e.getMessage());
  }

  @Test
  void constructor_zeroRank_throwsNamingRuleAndValue() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new ModelShape(5, 0));

    assertEquals("rank must be in [1, 512]. Provided value: 0", e.getMessage());
  }

  @Test
  void constructor_rankAboveMax_throwsNamingRuleAndValue() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> new ModelShape(5, ModelShape.MAX_RANK + 1));

    assertEquals("rank must be in [1, 512]. Provided value: 513", e.getMessage());
  }

  @Test
  void constructor_maxRankFewItems_isAccepted() {
    ModelShape shape = new ModelShape(2, ModelShape.MAX_RANK);

    assertEquals(2 * 513 + 1, shape.numParameters());
  }

  /** 10^7 * 214 + 1 = 2,140,000,001 is below Integer.MAX_VALUE - 8 = 2,147,483,639. */
  @Test
  void constructor_maxItemsLargestFittingRank_isAccepted() {
    ModelShape shape = new ModelShape(ModelShape.MAX_ITEMS, 213);

    assertEquals(2_140_000_001, shape.numParameters());
    assertEquals(2_140_000_000, shape.muOffset());
  }

  /** 10^7 * 215 + 1 = 2,150,000,001 does not fit in a Java array. */
  @Test
  void constructor_parameterCountOverflowsArray_throwsNamingBothValues() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> new ModelShape(ModelShape.MAX_ITEMS, 214));

    assertEquals(
        "numItems * (rank + 1) + 1 must fit in a Java array. Provided values: numItems=10000000,"
            + " rank=214",
        e.getMessage());
  }

  @Test
  void constructor_maxItemsAndMaxRank_throws() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new ModelShape(ModelShape.MAX_ITEMS, ModelShape.MAX_RANK));
  }
}
