package io.fedrec.examples.partner;

import java.time.Duration;
import java.util.Objects;

/**
 * The partner app's settings for federated training.
 *
 * <p>Immutable and thread-safe.
 *
 * @param clientId stable id of this partner installation, {@code [A-Za-z0-9._:-]{1,128}} (checked
 *     by the SDK)
 * @param maxRounds stop after this many accepted updates; 0 = until the federation finishes
 * @param trainingThreads threads that train users in parallel; 1 = on the SDK's loop thread
 * @param rpcTimeout deadline of every call to the coordinator
 */
public record PartnerSettings(
    String clientId, long maxRounds, int trainingThreads, Duration rpcTimeout) {

  public PartnerSettings {
    Objects.requireNonNull(clientId, "clientId");
    if (maxRounds < 0) {
      throw new IllegalArgumentException("maxRounds must be >= 0. Provided value: " + maxRounds);
    }
    if (trainingThreads < 1 || trainingThreads > 64) {
      throw new IllegalArgumentException(
          "trainingThreads must be in [1, 64]. Provided value: " + trainingThreads);
    }
    if (rpcTimeout == null || rpcTimeout.isNegative() || rpcTimeout.isZero()) {
      throw new IllegalArgumentException("rpcTimeout must be > 0. Provided value: " + rpcTimeout);
    }
  }

  /** Until the federation finishes, 2 training threads, 30 s per call. */
  public static PartnerSettings defaults(String clientId) {
    return new PartnerSettings(clientId, 0, 2, Duration.ofSeconds(30));
  }

  public PartnerSettings withMaxRounds(long maxRounds) {
    return new PartnerSettings(clientId, maxRounds, trainingThreads, rpcTimeout);
  }

  public PartnerSettings withTrainingThreads(int trainingThreads) {
    return new PartnerSettings(clientId, maxRounds, trainingThreads, rpcTimeout);
  }

  public PartnerSettings withRpcTimeout(Duration rpcTimeout) {
    return new PartnerSettings(clientId, maxRounds, trainingThreads, rpcTimeout);
  }
}
