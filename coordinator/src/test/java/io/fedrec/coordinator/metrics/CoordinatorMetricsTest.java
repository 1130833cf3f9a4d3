package io.fedrec.coordinator.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.jmx.JmxReporter;
import io.fedrec.coordinator.round.FederationConfig;
import io.fedrec.coordinator.round.RoundEngine;
import io.fedrec.proto.v1.CheckInRequest;
import io.fedrec.proto.v1.Task;
import io.fedrec.proto.v1.UpdateHeader;
import java.lang.management.ManagementFactory;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

class CoordinatorMetricsTest {

  @Test
  void engineRound_updatesCountersAndGauges() {
    CoordinatorMetrics metrics = new CoordinatorMetrics();
    RoundEngine e = RoundEngine.builder(FederationConfig.builder().numItems(4).rounds(2)
        .clientsPerRound(1).build()).metrics(metrics).build();
    Task t = e.checkIn(CheckInRequest.newBuilder().setClientId("a").build()).getTask();
    e.checkIn(CheckInRequest.newBuilder().setClientId("b").build());
    e.checkIn(CheckInRequest.newBuilder().setClientId("c").build());
    int n = e.config().shape().numParameters();
    e.beginSubmission(UpdateHeader.newBuilder().setClientId("a").setRound(1)
        .setTaskToken(t.getTaskToken()).setWeight(1).setNumParameters(n).build())
        .complete(new float[n]);
    var reg = metrics.registry();
    assertEquals(3, reg.meter("fedrec.coordinator.check_ins").getCount());
    assertEquals(1, reg.meter("fedrec.coordinator.tasks_assigned").getCount());
    assertEquals(2, reg.meter("fedrec.coordinator.retries_sent").getCount());
    assertEquals(1, metrics.submissionsAccepted());
    assertEquals(1, metrics.roundsPublished());
    assertEquals(1, reg.timer("fedrec.coordinator.selection_duration").getCount());
    assertEquals(1, reg.timer("fedrec.coordinator.round_duration").getCount());
    assertEquals(4L * n, reg.counter("fedrec.coordinator.bytes_up").getCount());
    assertEquals(2L, ((Gauge<?>) reg.getGauges().get("fedrec.coordinator.current_round")).getValue());
    assertEquals(1L, ((Gauge<?>) reg.getGauges().get("fedrec.coordinator.published_rounds")).getValue());
  }

  @Test
  void startJmx_exposesMetricsUnderFedrecDomain() throws Exception {
    CoordinatorMetrics metrics = new CoordinatorMetrics();
    metrics.roundAbandoned();
    try (JmxReporter reporter = metrics.startJmx()) {
      Object count = ManagementFactory.getPlatformMBeanServer().getAttribute(
          new ObjectName("fedrec:name=fedrec.coordinator.rounds_abandoned,type=counters"), "Count");
      assertEquals(1L, count);
    }
  }
}
