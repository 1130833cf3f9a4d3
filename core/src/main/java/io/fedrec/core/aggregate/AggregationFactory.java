package io.fedrec.core.aggregate;

/**
 * Creates an {@link AggregationProcess}. Wrapping factories (clipping, noise, secure sum) take an
 * inner factory and return a process that transforms contributions before, or the aggregate
 * after, the inner one.
 */
@FunctionalInterface
public interface AggregationFactory {
  AggregationProcess create();
}
