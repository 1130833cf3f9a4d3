package io.fedrec.core.secagg;

/**
 * Phases of one SecAgg+ round, in protocol order (Bonawitz et al., CCS 2017, Figure 4: rounds 0,
 * 1, 2 and 4; the consistency check of round 3 belongs to the actively secure variant and is not
 * implemented). Messages of a phase are accepted only in that phase; anything else is an {@link
 * IllegalStateException} naming the expected and the received phase.
 */
public enum SecAggPhase {
  /** Clients send two X25519 public keys (mask agreement and share encryption). */
  ADVERTISE_KEYS,
  /** Clients send Shamir shares of their self-mask seed and mask-agreement key, encrypted. */
  SHARE_KEYS,
  /** Clients send their masked, encoded inputs. */
  MASKED_INPUT,
  /** Survivors reveal self-mask shares of survivors and key shares of dropped clients. */
  UNMASK,
  /** The round has ended (the sum was output, or the server abandoned the round). */
  DONE;

  /** Throws unless {@code received == expected}. */
  static void require(SecAggPhase expected, SecAggPhase received, String who) {
    if (expected != received) {
      throw new IllegalStateException(
          who + " expected phase " + expected + " but received a message of phase " + received);
    }
  }
}
