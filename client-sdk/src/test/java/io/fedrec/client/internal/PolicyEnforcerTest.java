package io.fedrec.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedrec.client.PrivacyPolicy;
import io.fedrec.core.dp.DistributedNoise;
import io.fedrec.core.dp.RdpAccountant;
import io.fedrec.core.dp.SkellamAccountant;
import io.fedrec.proto.v1.PrivacyConfig;
import io.fedrec.proto.v1.SecAggConfig;
import io.fedrec.proto.v1.Task;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every rule of a {@link PrivacyPolicy}, and the per-user accounting against its cap. */
class PolicyEnforcerTest {
  private static Task task(String mode, double z, double clip, long usersPerRound,
      int minSurvivors, boolean secagg) {
    Task.Builder t = Task.newBuilder().setRound(3).setPrivacy(PrivacyConfig.newBuilder()
        .setMode(mode).setNoiseMultiplier(z).setClipNorm(clip).setSamplingRate(0.01)
        .setUsersPerRound(usersPerRound).setMinSurvivors(minSurvivors));
    if (secagg) {
      t.setSecagg(SecAggConfig.newBuilder().setClipRange(1).setScale(65536).setMaxWeight(1));
    }
    return t.build();
  }

  @Test
  void withoutAPolicy_everythingIsAcceptedAndNothingAccounted() {
    PolicyEnforcer e = new PolicyEnforcer(null);
    assertNull(e.check(Task.getDefaultInstance()));
    PolicyEnforcer.Admission a = e.admit(task("central", 1, 1, 100, 0, false), List.of("u"));
    assertEquals(List.of("u"), a.admitted());
    e.record(a);
    assertTrue(e.epsilonOf("u").isEmpty());
  }

  @Test
  void eachRule_refusesWithAReadableReason() {
    PrivacyPolicy p = PrivacyPolicy.builder().minNoiseMultiplier(0.8).maxClipNorm(1.0)
        .minCohortSize(500).requireSecureAggregation(true).build();
    PolicyEnforcer e = new PolicyEnforcer(p);
    assertEquals("privacy mode none is not allowed by the policy (allowed: [central,"
        + " distributed])", e.check(Task.getDefaultInstance()));
    assertEquals("the policy requires secure aggregation and the task has none",
        e.check(task("central", 1, 1, 1000, 0, false)));
    assertEquals("noise multiplier 0.5 is below the policy's floor 0.8",
        e.check(task("distributed", 0.5, 1, 1000, 900, true)));
    assertEquals("clip norm 2.0 is above the policy's ceiling 1.0",
        e.check(task("distributed", 1, 2, 1000, 900, true)));
    assertEquals("the round may average over 90 survivors, below the policy's floor 500",
        e.check(task("distributed", 1, 1, 1000, 90, true)));
    assertEquals("the round may average over 100 users, below the policy's floor 500",
        e.check(task("central", 1, 1, 100, 0, true)));
    assertNull(e.check(task("distributed", 1, 1, 1000, 900, true)));
  }

  @Test
  void aCapWithoutPrivacy_isRefused() {
    PolicyEnforcer e = new PolicyEnforcer(PrivacyPolicy.builder().allowedModes("none")
        .perUserEpsilonCap(5, 1e-6).build());
    assertEquals("the policy caps each user's epsilon but the task has no differential privacy",
        e.check(Task.getDefaultInstance()));
  }

  /**
   * With q = 1 and z = 2 one round costs epsilon e1 = RDP epsilon of one Gaussian step; a cap
   * between e1 and e2 (two steps) admits a user once, then leaves her out, while a new user is
   * still admitted. The accounting matches the core RDP accountant's.
   */
  @Test
  void perUserCap_admitsUntilTheCapThenExcludes() {
    double e1 = RdpAccountant.create().compose(1.0, 2.0, 1).epsilon(1e-6);
    double e2 = RdpAccountant.create().compose(1.0, 2.0, 2).epsilon(1e-6);
    assertTrue(e1 < e2);
    PolicyEnforcer e = new PolicyEnforcer(
        PrivacyPolicy.builder().perUserEpsilonCap((e1 + e2) / 2, 1e-6).build());
    Task t = task("central", 2.0, 1, 100, 0, false);
    PolicyEnforcer.Admission first = e.admit(t, List.of("alice", "bob"));
    assertEquals(List.of("alice", "bob"), first.admitted());
    e.record(first);
    assertEquals(e1, e.epsilonOf("alice").getAsDouble(), 1e-9);
    PolicyEnforcer.Admission second = e.admit(t, List.of("alice", "carol"));
    assertEquals(List.of("carol"), second.admitted());
    assertEquals(List.of("alice"), second.excluded());
    e.record(second);
    assertEquals(e1, e.epsilonOf("alice").getAsDouble(), 1e-9, "alice did not take part");
    assertEquals(e1, e.epsilonOf("carol").getAsDouble(), 1e-9);
  }

  @Test
  void trustingTheAnnouncedRate_amplifiesBySampling() {
    PolicyEnforcer strict = new PolicyEnforcer(
        PrivacyPolicy.builder().perUserEpsilonCap(100, 1e-6).build());
    PolicyEnforcer trusting = new PolicyEnforcer(PrivacyPolicy.builder()
        .perUserEpsilonCap(100, 1e-6).trustAnnouncedSamplingRate(true).build());
    Task t = task("central", 1.0, 1, 100, 0, false);
    strict.record(strict.admit(t, List.of("u")));
    trusting.record(trusting.admit(t, List.of("u")));
    assertEquals(RdpAccountant.create().compose(0.01, 1.0, 1).epsilon(1e-6),
        trusting.epsilonOf("u").getAsDouble(), 1e-9);
    assertTrue(strict.epsilonOf("u").getAsDouble() > trusting.epsilonOf("u").getAsDouble());
  }

  /** A distributed task with Skellam noise on a model of {@code params} parameters. */
  private static Task skellamTask(String noise, double z, int params) {
    Task t = task("distributed", z, 1, 1000, 900, true);
    return t.toBuilder().setPrivacy(t.getPrivacy().toBuilder().setNoise(noise))
        .setModel(io.fedrec.proto.v1.ModelInfo.newBuilder().setNumParameters(params)).build();
  }

  @Test
  void skellamTask_accountedByTheSkellamBoundAtTheTasksEncoding() {
    PolicyEnforcer e = new PolicyEnforcer(PrivacyPolicy.builder()
        .perUserEpsilonCap(100, 1e-6).build());
    Task t = skellamTask("skellam", 1.0, 1001);
    assertNull(e.check(t));
    PolicyEnforcer.Admission a = e.admit(t, List.of("u"));
    e.record(a);
    // the client's own accountant, at its orders, without trusting the sampling rate (q = 1)
    DistributedNoise enc = new DistributedNoise(1, 1.0, 65536, 1001, 1);
    double[] orders = RdpAccountant.create().orders();
    double expected = RdpAccountant.withOrders(orders).composeRdp(SkellamAccountant.stepRdp(
        orders, 1.0, 1.0, enc.sensitivityUnits(), enc.l1SensitivityUnits())).epsilon(1e-6);
    assertEquals(expected, e.epsilonOf("u").getAsDouble(), 1e-12);
    // never below the Gaussian's at the same noise multiplier
    double gaussian = RdpAccountant.create().compose(1.0, 1.0, 1).epsilon(1e-6);
    assertTrue(e.epsilonOf("u").getAsDouble() >= gaussian,
        e.epsilonOf("u").getAsDouble() + " vs " + gaussian);
  }

  @Test
  void unknownNoise_isRefused() {
    PolicyEnforcer e = new PolicyEnforcer(PrivacyPolicy.builder().build());
    assertEquals("the task's noise distribution must be one of discrete_gaussian, skellam."
        + " Provided value: laplace", e.check(skellamTask("laplace", 1.0, 11)));
  }

  @Test
  void invalidPolicies_areRefusedNamingTheSetting() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> PrivacyPolicy.builder().allowedModes("local"));
    assertEquals("allowedModes must be among [central, distributed, none]. Provided value: local",
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> PrivacyPolicy.builder().minNoiseMultiplier(-1).build());
    assertEquals("minNoiseMultiplier must be >= 0 and finite. Provided value: -1.0",
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> PrivacyPolicy.builder().perUserEpsilonCap(1, 1.5).build());
    assertEquals("delta must be in (0, 1). Provided value: 1.5", e.getMessage());
  }
}
