package io.fedrec.client;

import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a partner platform requires of every round before its users' data take part — checked by
 * the SDK against the task the coordinator announces, and against the SDK's own accounting, never
 * against the coordinator's claims about epsilon.
 *
 * <ul>
 *   <li><b>Modes</b> ({@link Builder#allowedModes}): which privacy modes are acceptable. By default
 *       {@code distributed} and {@code central}; {@code none} must be allowed explicitly. Only in
 *       {@code distributed} does this SDK add the noise itself; in {@code central} the coordinator
 *       is trusted to.
 *   <li><b>Noise and clip floors</b>: the announced noise multiplier must be at least {@link
 *       Builder#minNoiseMultiplier}, the clip norm at most {@link Builder#maxClipNorm}.
 *   <li><b>Cohort floor</b> ({@link Builder#minCohortSize}): the fewest users a published round may
 *       average over (the task's {@code users_per_round} or, in distributed mode, its {@code
 *       min_survivors}), and with secure aggregation the fewest clients in the cohort.
 *   <li><b>Secure aggregation</b> ({@link Builder#requireSecureAggregation}): refuse tasks whose
 *       updates the coordinator would see one by one.
 *   <li><b>Per-user epsilon cap</b> ({@link Builder#perUserEpsilonCap}): the SDK composes, for each
 *       local user, the privacy loss of every round the user actually contributed to (RDP
 *       accountant, delta as configured), and leaves a user out of a round that would take her over
 *       the cap. By default each participation is accounted without amplification by sampling
 *       ({@code q = 1}), because the client cannot verify the coordinator's sampling; {@link
 *       Builder#trustAnnouncedSamplingRate} accounts with the announced rate instead.
 * </ul>
 *
 * <p>A refused task is reported to the coordinator as {@code policy_refused} and to the host with
 * {@link ClientEventListener#onPolicyRefusal}. Immutable and thread-safe.
 */
public final class PrivacyPolicy {
  private final Set<String> allowedModes;
  private final double minNoiseMultiplier;
  private final double maxClipNorm;
  private final long minCohortSize;
  private final boolean requireSecureAggregation;
  private final double perUserEpsilonCap;
  private final double delta;
  private final boolean trustAnnouncedSamplingRate;

  private PrivacyPolicy(Builder b) {
    allowedModes = Set.copyOf(b.allowedModes);
    minNoiseMultiplier = b.minNoiseMultiplier;
    maxClipNorm = b.maxClipNorm;
    minCohortSize = b.minCohortSize;
    requireSecureAggregation = b.requireSecureAggregation;
    perUserEpsilonCap = b.perUserEpsilonCap;
    delta = b.delta;
    trustAnnouncedSamplingRate = b.trustAnnouncedSamplingRate;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Privacy modes this policy accepts ({@code none}, {@code central}, {@code distributed}). */
  public Set<String> allowedModes() {
    return allowedModes;
  }

  public double minNoiseMultiplier() {
    return minNoiseMultiplier;
  }

  /** Largest acceptable clip norm; {@code +Infinity} for no limit. */
  public double maxClipNorm() {
    return maxClipNorm;
  }

  public long minCohortSize() {
    return minCohortSize;
  }

  public boolean requireSecureAggregation() {
    return requireSecureAggregation;
  }

  /** Per-user epsilon cap; {@code +Infinity} for none. */
  public double perUserEpsilonCap() {
    return perUserEpsilonCap;
  }

  /** The delta at which {@link #perUserEpsilonCap()} is accounted. */
  public double delta() {
    return delta;
  }

  public boolean trustAnnouncedSamplingRate() {
    return trustAnnouncedSamplingRate;
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "PrivacyPolicy{modes=%s, minNoiseMultiplier=%s,"
            + " maxClipNorm=%s, minCohortSize=%d, requireSecureAggregation=%s,"
            + " perUserEpsilonCap=%s at delta %s, trustAnnouncedSamplingRate=%s}",
        new TreeSet<>(allowedModes), minNoiseMultiplier, maxClipNorm, minCohortSize,
        requireSecureAggregation, perUserEpsilonCap, delta, trustAnnouncedSamplingRate);
  }

  /** Builder; every value is checked in {@link #build()}. */
  public static final class Builder {
    private static final Set<String> MODES = Set.of("none", "central", "distributed");

    private Set<String> allowedModes = Set.of("central", "distributed");
    private double minNoiseMultiplier;
    private double maxClipNorm = Double.POSITIVE_INFINITY;
    private long minCohortSize = 1;
    private boolean requireSecureAggregation;
    private double perUserEpsilonCap = Double.POSITIVE_INFINITY;
    private double delta = 1e-6;
    private boolean trustAnnouncedSamplingRate;

    private Builder() {}

    /** Default {@code central, distributed}. */
    public Builder allowedModes(String... modes) {
      Set<String> set = new TreeSet<>();
      for (String m : modes) {
        if (!MODES.contains(m)) {
          throw new IllegalArgumentException(
              "allowedModes must be among " + new TreeSet<>(MODES) + ". Provided value: " + m);
        }
        set.add(m);
      }
      if (set.isEmpty()) {
        throw new IllegalArgumentException("allowedModes must not be empty");
      }
      this.allowedModes = set;
      return this;
    }

    /** Default 0 (any). */
    public Builder minNoiseMultiplier(double z) {
      this.minNoiseMultiplier = z;
      return this;
    }

    /** Default no limit. */
    public Builder maxClipNorm(double clip) {
      this.maxClipNorm = clip;
      return this;
    }

    /** Default 1. */
    public Builder minCohortSize(long users) {
      this.minCohortSize = users;
      return this;
    }

    /** Default false. */
    public Builder requireSecureAggregation(boolean required) {
      this.requireSecureAggregation = required;
      return this;
    }

    /** Default none; a finite cap needs a privacy mode other than {@code none} in every task. */
    public Builder perUserEpsilonCap(double epsilon, double delta) {
      this.perUserEpsilonCap = epsilon;
      this.delta = delta;
      return this;
    }

    /** Default false: account every participation with sampling rate 1. */
    public Builder trustAnnouncedSamplingRate(boolean trust) {
      this.trustAnnouncedSamplingRate = trust;
      return this;
    }

    /** @throws IllegalArgumentException naming the setting, the rule and the value */
    public PrivacyPolicy build() {
      if (!(minNoiseMultiplier >= 0) || Double.isInfinite(minNoiseMultiplier)) {
        throw new IllegalArgumentException(
            "minNoiseMultiplier must be >= 0 and finite. Provided value: " + minNoiseMultiplier);
      }
      if (!(maxClipNorm > 0)) {
        throw new IllegalArgumentException(
            "maxClipNorm must be > 0. Provided value: " + maxClipNorm);
      }
      if (minCohortSize < 1) {
        throw new IllegalArgumentException(
            "minCohortSize must be >= 1. Provided value: " + minCohortSize);
      }
      if (!(perUserEpsilonCap > 0)) {
        throw new IllegalArgumentException(
            "perUserEpsilonCap must be > 0. Provided value: " + perUserEpsilonCap);
      }
      if (!(delta > 0 && delta < 1)) {
        throw new IllegalArgumentException("delta must be in (0, 1). Provided value: " + delta);
      }
      return new PrivacyPolicy(this);
    }
  }
}
