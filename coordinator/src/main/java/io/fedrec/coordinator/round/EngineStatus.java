package io.fedrec.coordinator.round;

/**
 * A snapshot of a {@link RoundEngine}.
 *
 * @param round the open round, or the last published one when finished
 * @param phase where the open round is
 * @param publishedRounds rounds published so far (the current model's version)
 * @param selected clients selected into the open round
 * @param submitted of those, clients whose update was accepted
 * @param finished of those, clients done (submitted or failed)
 */
public record EngineStatus(
    long round, Phase phase, long publishedRounds, int selected, int submitted, int finished) {

  /** Phases of a round; see {@code docs/architecture.md} for the transitions. */
  public enum Phase {
    /** The cohort is filling; selected clients may already download and submit. */
    SELECTION,
    /** The cohort is closed; waiting for its submissions or the deadline. */
    TRAINING,
    /** All rounds are published. */
    FINISHED
  }
}
