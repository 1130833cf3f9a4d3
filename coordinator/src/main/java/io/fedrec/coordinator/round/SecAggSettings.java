package io.fedrec.coordinator.round;

import io.fedrec.core.secagg.Encoding;
import io.fedrec.core.secagg.NeighbourGraph;
import java.time.Duration;
import java.util.Locale;

/**
 * Secure aggregation (SecAgg+) of a federation's rounds: the coordinator learns only the sum of
 * the cohort's encoded submissions. See {@code docs/secagg.md} for the protocol and the bound.
 *
 * <p>Encoding: every coordinate of a client's submission is clamped to {@code [-clipRange,
 * clipRange]}, multiplied by {@code scale} and rounded stochastically; the client's weight (users
 * summed, at most {@code maxWeight}) is appended as one more coordinate. The bits per coordinate
 * {@code b} are the smallest with {@code n * M < 2^(b-1)}, where {@code n} is the cohort and
 * {@code M = max(ceil(clipRange * scale), maxWeight)} bounds one encoded coordinate: the modular
 * sum then never wraps around and decodes exactly.
 *
 * @param enabled whether rounds are securely aggregated
 * @param clipRange per-coordinate bound of a submission, > 0
 * @param scale fixed-point scale, > 0; quantization error per coordinate and client at most
 *     {@code 1/scale}, zero in expectation
 * @param maxWeight largest weight one submission may carry, >= 1
 * @param neighbours neighbours per client in the SecAgg+ graph; 0 for the default
 *     ({@link NeighbourGraph#defaultNeighbours}, about {@code 4 log2 n})
 * @param threshold Shamir threshold as a fraction of a neighbourhood ({@code k + 1}); 0 for the
 *     default ({@link NeighbourGraph#defaultThreshold}); otherwise in {@code (0.5, 1]}
 * @param phaseTimeout how long each SecAgg phase waits for the clients still expected
 */
public record SecAggSettings(
    boolean enabled,
    double clipRange,
    double scale,
    long maxWeight,
    int neighbours,
    double threshold,
    Duration phaseTimeout) {

  /** Default per-coordinate bound (see docs/secagg.md for the measured update magnitudes). */
  public static final double DEFAULT_CLIP_RANGE = 1.0;
  /**
   * Default scale: 2^16, a quantization step of about 1.5e-5; with the default clip range, 32 bits
   * hold cohorts of up to 32,767 clients.
   */
  public static final double DEFAULT_SCALE = 1 << 16;
  public static final Duration DEFAULT_PHASE_TIMEOUT = Duration.ofSeconds(60);

  /** Secure aggregation off. */
  public static final SecAggSettings OFF = new SecAggSettings(false, DEFAULT_CLIP_RANGE,
      DEFAULT_SCALE, 1, 0, 0, DEFAULT_PHASE_TIMEOUT);

  /** Secure aggregation on with the defaults. */
  public static SecAggSettings on() {
    return new SecAggSettings(true, DEFAULT_CLIP_RANGE, DEFAULT_SCALE, 1, 0, 0,
        DEFAULT_PHASE_TIMEOUT);
  }

  public SecAggSettings {
    if (!(clipRange > 0) || !Double.isFinite(clipRange)) {
      throw new IllegalArgumentException(
          "secagg_clip_range must be > 0 and finite. Provided value: " + clipRange);
    }
    if (!(scale > 0) || !Double.isFinite(scale)) {
      throw new IllegalArgumentException(
          "secagg_scale must be > 0 and finite. Provided value: " + scale);
    }
    if (maxWeight < 1 || maxWeight > (1L << 30)) {
      throw new IllegalArgumentException(
          "secagg_max_weight must be in [1, 2^30]. Provided value: " + maxWeight);
    }
    if (neighbours < 0 || (neighbours > 0 && neighbours % 2 != 0)) {
      throw new IllegalArgumentException("secagg_neighbours must be 0 (default) or an even number"
          + " >= 2. Provided value: " + neighbours);
    }
    if (threshold != 0 && !(threshold > 0.5 && threshold <= 1)) {
      throw new IllegalArgumentException("secagg_threshold must be 0 (default) or in (0.5, 1]"
          + " (a fraction of the k + 1 holders of each secret). Provided value: " + threshold);
    }
    if (phaseTimeout == null || phaseTimeout.isNegative() || phaseTimeout.isZero()) {
      throw new IllegalArgumentException(
          "secagg_phase_timeout_ms must be > 0. Provided value: " + phaseTimeout);
    }
  }

  /** {@code M}: the largest magnitude of one encoded coordinate, weight included. */
  public long maxMagnitude() {
    return Math.max((long) Math.ceil(clipRange * scale), maxWeight);
  }

  /**
   * Bits per coordinate for a cohort of {@code n}: the smallest {@code b} with {@code n * M <
   * 2^(b-1)}.
   *
   * @throws IllegalArgumentException if more than 32 bits would be needed
   */
  public int bitsFor(int n) {
    return Encoding.bitsFor(n, (double) maxMagnitude() / scale, scale);
  }

  /** The encoding clients use for a cohort of {@code n}: clamp at {@code clipRange}. */
  public Encoding encoding(int n) {
    return Encoding.builder().cohortSize(n).clipRange(clipRange).scale(scale).bits(bitsFor(n))
        .build();
  }

  /** Neighbours per client for a cohort of {@code n} (capped at the complete graph). */
  public int neighboursFor(int n) {
    int k = neighbours == 0 ? NeighbourGraph.defaultNeighbours(n) : Math.min(neighbours, n - 1);
    if (k % 2 != 0 && k != n - 1) {
      k--;
    }
    return k;
  }

  /** Threshold for {@code k} neighbours: at least a strict majority of the {@code k + 1} holders. */
  public int thresholdFor(int k) {
    int t = threshold == 0
        ? NeighbourGraph.defaultThreshold(k)
        : (int) Math.ceil(threshold * (k + 1) - 1e-9);
    return Math.max(Math.max(2, (k + 1) / 2 + 1), Math.min(k + 1, t));
  }

  @Override
  public String toString() {
    return enabled
        ? String.format(Locale.ROOT, "secagg{clip_range=%s, scale=%s, max_weight=%d,"
            + " neighbours=%s, threshold=%s, phase_timeout=%s}", clipRange, scale, maxWeight,
            neighbours == 0 ? "default" : neighbours, threshold == 0 ? "default" : threshold,
            phaseTimeout)
        : "secagg{off}";
  }
}
