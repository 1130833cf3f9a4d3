package io.fedrec.client;

/**
 * One recommended item and its ranking score {@code b_u + b_i + p_u . q_i} (unclamped; the global
 * mean is left out because it does not change the order).
 *
 * <p>Immutable and thread-safe.
 *
 * @param item catalogue index of the item
 * @param score ranking score; higher is better
 */
public record Recommendation(int item, float score) {}
