package io.fedrec.core.secagg;

/**
 * Outcome of one SecAgg+ round on the server: the modular sum of the inputs of {@code survivors},
 * or the reason the round was abandoned. Dropouts and aborts are data, not exceptions.
 *
 * @param completed whether the sum was obtained
 * @param sum residues modulo {@code 2^bits} of the sum of the survivors' inputs; empty if aborted
 * @param survivors clients whose inputs are in the sum (ascending); empty if aborted before
 *     masked inputs were collected
 * @param abortReason why the round was abandoned; empty if completed
 * @param advertised clients that completed round 0 (after removing clients left with too few
 *     neighbours)
 * @param sharedKeys clients that completed round 1
 * @param maskedInputs clients that completed round 2
 * @param unmaskResponses clients that completed round 4
 */
public record SecAggResult(
    boolean completed,
    int[] sum,
    int[] survivors,
    String abortReason,
    int advertised,
    int sharedKeys,
    int maskedInputs,
    int unmaskResponses) {

  public SecAggResult {
    sum = sum.clone();
    survivors = survivors.clone();
  }

  @Override
  public int[] sum() {
    return sum.clone();
  }

  @Override
  public int[] survivors() {
    return survivors.clone();
  }
}
