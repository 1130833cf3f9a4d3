package io.fedrec.examples.partner;

/**
 * One rating in the partner's own terms: the item's catalogue index and the rating value.
 *
 * <p>Immutable and thread-safe.
 *
 * @param item catalogue index agreed by the federation, {@code >= 0}
 * @param value the rating, finite
 */
public record Rating(int item, float value) {
  public Rating {
    if (item < 0) {
      throw new IllegalArgumentException("item must be >= 0. Provided value: " + item);
    }
    if (!Float.isFinite(value)) {
      throw new IllegalArgumentException("value must be finite. Provided value: " + value);
    }
  }
}
