package io.fedrec.client.internal;

import io.fedrec.client.PrivacyPolicy;
import io.fedrec.core.dp.DistributedNoise;
import io.fedrec.core.dp.NoiseDistribution;
import io.fedrec.core.dp.RdpAccountant;
import io.fedrec.core.dp.SkellamAccountant;
import io.fedrec.proto.v1.PrivacyConfig;
import io.fedrec.proto.v1.Task;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Applies a partner's {@link PrivacyPolicy}: checks each task's announced privacy parameters, and
 * keeps one RDP accountant per local user over the rounds the user actually contributed to.
 * Without a policy everything is accepted and nothing is accounted.
 *
 * <p>Thread safety: {@link #epsilonOf} may be called from any thread; the rest from the session's.
 */
public final class PolicyEnforcer {
  private final PrivacyPolicy policy;
  private final RdpAccountant template = RdpAccountant.create();
  private final Map<String, RdpAccountant> users = new ConcurrentHashMap<>();

  public PolicyEnforcer(PrivacyPolicy policy) {
    this.policy = policy;
  }

  /** The task's privacy mode ({@code none} when absent). */
  static String mode(Task task) {
    String m = task.getPrivacy().getMode();
    return m.isEmpty() ? "none" : m;
  }

  /** Why the task violates the policy, or null when it complies. */
  public String check(Task task) {
    if (policy == null) {
      return null;
    }
    String mode = mode(task);
    PrivacyConfig p = task.getPrivacy();
    if (!policy.allowedModes().contains(mode)) {
      return "privacy mode " + mode + " is not allowed by the policy (allowed: "
          + new TreeSet<>(policy.allowedModes()) + ")";
    }
    if (policy.requireSecureAggregation() && !task.hasSecagg()) {
      return "the policy requires secure aggregation and the task has none";
    }
    if (mode.equals("none")) {
      if (Double.isFinite(policy.perUserEpsilonCap())) {
        return "the policy caps each user's epsilon but the task has no differential privacy";
      }
      return null;
    }
    try {
      NoiseDistribution.parse(p.getNoise());
    } catch (IllegalArgumentException e) {
      return "the task's " + e.getMessage();
    }
    if (p.getNoiseMultiplier() < policy.minNoiseMultiplier()) {
      return String.format(Locale.ROOT, "noise multiplier %s is below the policy's floor %s",
          p.getNoiseMultiplier(), policy.minNoiseMultiplier());
    }
    if (p.getClipNorm() > policy.maxClipNorm()) {
      return String.format(Locale.ROOT, "clip norm %s is above the policy's ceiling %s",
          p.getClipNorm(), policy.maxClipNorm());
    }
    long cohort = mode.equals("distributed") ? p.getMinSurvivors() : p.getUsersPerRound();
    if (policy.minCohortSize() > 1 && cohort == 0) {
      return "the task does not announce how many users a round averages over ("
          + (mode.equals("distributed") ? "min_survivors" : "users_per_round")
          + "), and the policy's floor is " + policy.minCohortSize();
    }
    if (policy.minCohortSize() > 1 && cohort < policy.minCohortSize()) {
      return "the round may average over " + cohort + (mode.equals("distributed")
          ? " survivors" : " users") + ", below the policy's floor " + policy.minCohortSize();
    }
    return null;
  }

  /** The users of a task that stay within the per-user cap, and the step to record for them. */
  public record Admission(List<String> admitted, List<String> excluded, double[] step) {}

  /** Splits {@code userIds} into those within the cap after this task and those not. */
  public Admission admit(Task task, List<String> userIds) {
    if (policy == null || !Double.isFinite(policy.perUserEpsilonCap())
        || mode(task).equals("none")) {
      return new Admission(userIds, List.of(), null);
    }
    PrivacyConfig p = task.getPrivacy();
    double q = policy.trustAnnouncedSamplingRate() ? p.getSamplingRate() : 1.0;
    double[] step = stepRdp(task, q);
    List<String> in = new ArrayList<>();
    List<String> out = new ArrayList<>();
    for (String id : userIds) {
      RdpAccountant a = users.get(id);
      RdpAccountant next = (a == null ? template.copy() : a.copy()).composeRdp(step);
      (next.epsilon(policy.delta()) <= policy.perUserEpsilonCap() ? in : out).add(id);
    }
    return new Admission(in, out, step);
  }

  /**
   * One round's RDP at the template's orders: the sampled Gaussian's, or with Skellam noise the
   * Skellam bound at the sensitivities of the task's encoding (never fewer than the coordinator's
   * accountant counts: at fractional orders without amplification by sampling).
   */
  private double[] stepRdp(Task task, double q) {
    PrivacyConfig p = task.getPrivacy();
    if (NoiseDistribution.parse(p.getNoise()) != NoiseDistribution.SKELLAM) {
      return template.stepRdp(q, p.getNoiseMultiplier());
    }
    double scale = task.hasSecagg() ? task.getSecagg().getScale() : DistributedNoise.LOCAL_SCALE;
    int dimension = Math.toIntExact(task.getModel().getNumParameters());
    return SkellamAccountant.stepRdp(template.orders(), q, p.getNoiseMultiplier(),
        DistributedNoise.sensitivityUnits(p.getClipNorm(), scale, dimension),
        DistributedNoise.l1SensitivityUnits(p.getClipNorm(), scale, dimension));
  }

  /** Composes the admitted users' participation; call when their update leaves the device. */
  public void record(Admission admission) {
    if (admission.step() == null) {
      return;
    }
    for (String id : admission.admitted()) {
      users.computeIfAbsent(id, k -> template.copy()).composeRdp(admission.step());
    }
  }

  /** A user's epsilon so far by this client's own accounting (at the policy's delta). */
  public OptionalDouble epsilonOf(String userId) {
    RdpAccountant a = policy == null ? null : users.get(userId);
    return a == null ? OptionalDouble.empty() : OptionalDouble.of(a.epsilon(policy.delta()));
  }
}
