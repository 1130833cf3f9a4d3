package io.fedrec.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ChecksTest {

  @Test
  void inRangeInt_valueInside_returnsValue() {
    assertEquals(512, Checks.inRange("rank", 512, 1, 512));
  }

  @Test
  void inRangeInt_valueBelow_messageEchoesValue() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Checks.inRange("rank", 0, 1, 512));

    assertEquals("rank must be in [1, 512]. Provided value: 0", e.getMessage());
  }

  @Test
  void inRangeLong_valueAbove_messageEchoesValue() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Checks.inRange("weight", 5_000_000_000L, 1L, 4_294_967_296L));

    assertEquals("weight must be in [1, 4294967296]. Provided value: 5000000000", e.getMessage());
  }

  @Test
  void inRangeLong_valueInside_returnsValue() {
    assertEquals(7L, Checks.inRange("weight", 7L, 1L, 10L));
  }

  @Test
  void finiteInRange_nan_messageEchoesNaN() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> Checks.finiteInRange("decay", Double.NaN, 0, 1));

    assertEquals("decay must be finite and in [0.0, 1.0]. Provided value: NaN", e.getMessage());
  }

  @Test
  void finiteInRange_aboveMax_messageEchoesValue() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> Checks.finiteInRange("decay", 1.5, 0, 1));

    assertEquals("decay must be finite and in [0.0, 1.0]. Provided value: 1.5", e.getMessage());
  }

  @Test
  void finiteInRange_bounds_areInclusive() {
    assertEquals(0.0, Checks.finiteInRange("decay", 0.0, 0, 1));
    assertEquals(1.0, Checks.finiteInRange("decay", 1.0, 0, 1));
  }

  @Test
  void positiveFinite_zero_messageEchoesValue() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Checks.positiveFinite("epsilon", 0));

    assertEquals("epsilon must be > 0 and finite. Provided value: 0.0", e.getMessage());
  }

  @Test
  void positiveFinite_infinity_messageEchoesValue() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Checks.positiveFinite("epsilon", Double.POSITIVE_INFINITY));

    assertEquals("epsilon must be > 0 and finite. Provided value: Infinity", e.getMessage());
  }

  @Test
  void positiveFinite_smallPositive_returnsValue() {
    assertEquals(Double.MIN_VALUE, Checks.positiveFinite("epsilon", Double.MIN_VALUE));
  }

  @Test
  void nonNegativeFinite_negative_messageEchoesValue() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> Checks.nonNegativeFinite("initScale", -0.5));

    assertEquals("initScale must be >= 0 and finite. Provided value: -0.5", e.getMessage());
  }

  @Test
  void nonNegativeFinite_zero_returnsZero() {
    assertEquals(0.0, Checks.nonNegativeFinite("initScale", 0));
  }

  @Test
  void clientId_allAllowedCharacters_returnsSameString() {
    String id = "Silo-7.eu_west:A9";

    assertEquals(id, Checks.clientId(id));
  }

  @Test
  void clientId_exactly128Characters_isAccepted() {
    String id = "a".repeat(128);

    assertEquals(id, Checks.clientId(id));
  }

  @Test
  void clientId_null_throwsShowingNull() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Checks.clientId(null));

    assertEquals("client_id must be 1 to 128 characters. Provided value: null", e.getMessage());
  }

  @Test
  void clientId_empty_throwsShowingQuotedEmptyString() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Checks.clientId(""));

    assertEquals("client_id must be 1 to 128 characters. Provided value: \"\"", e.getMessage());
  }

  @Test
  void clientId_129Characters_throwsShowingFirst64CharactersOnly() {
    String id = "b".repeat(129);

    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Checks.clientId(id));

    assertEquals(
        "client_id must be 1 to 128 characters. Provided value: \"" + "b".repeat(64) + "...\"",
        e.getMessage());
  }

  @Test
  void clientId_space_throwsNamingAllowedCharacters() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Checks.clientId("a b"));

    assertEquals(
        "client_id may only contain [A-Za-z0-9._:-]. Provided value: \"a b\"", e.getMessage());
  }

  @Test
  void clientId_slash_throws() {
    assertThrows(IllegalArgumentException.class, () -> Checks.clientId("../etc"));
  }

  /** Control and non-ASCII characters are masked so that a log line cannot be forged. */
  @Test
  void clientId_controlAndNonAsciiCharacters_maskedInMessage() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Checks.clientId("caf\u00e9\nx"));

    assertEquals(
        "client_id may only contain [A-Za-z0-9._:-]. Provided value: \"caf??x\"", e.getMessage());
  }
}
