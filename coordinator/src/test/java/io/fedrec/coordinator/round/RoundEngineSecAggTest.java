package io.fedrec.coordinator.round;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.fedrec.core.aggregate.AggregateResult;
import io.fedrec.core.aggregate.AggregationFactory;
import io.fedrec.core.aggregate.AggregationProcess;
import io.fedrec.core.aggregate.ClientContribution;
import io.fedrec.core.codec.SecAggProtos;
import io.fedrec.core.model.GlobalModel;
import io.fedrec.core.model.TrainingConfig;
import io.fedrec.core.secagg.Encoding;
import io.fedrec.core.secagg.SecAggClient;
import io.fedrec.core.secagg.SecAggParameters;
import io.fedrec.proto.v1.CheckInRequest;
import io.fedrec.proto.v1.ReportFailureRequest;
import io.fedrec.proto.v1.SecAggAdvertiseKeys;
import io.fedrec.proto.v1.SecAggPoll;
import io.fedrec.proto.v1.SecAggRequest;
import io.fedrec.proto.v1.SecAggResponse;
import io.fedrec.proto.v1.SecAggShareKeys;
import io.fedrec.proto.v1.Task;
import io.fedrec.proto.v1.UpdateHeader;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Secure aggregation inside the round engine: clients driven message by message with the core
 * SecAgg+ client, so every phase, dropout point and wrong-order message can be placed exactly.
 */
class RoundEngineSecAggTest {
  private static final int ITEMS = 4;
  private static final int RANK = 2;
  private static final int PARAMS = ITEMS * (RANK + 1) + 1;
  private static final Duration PHASE = Duration.ofSeconds(5);

  private final TestClock clock = new TestClock();
  private final List<String> abandoned = new ArrayList<>();
  private final List<RoundRecord> published = new ArrayList<>();
  /** What the aggregation received: the decoded sum and its weight. */
  private final List<ClientContribution> captured = new ArrayList<>();

  private FederationConfig config(int cohort, int minClients) {
    return FederationConfig.builder()
        .numItems(ITEMS)
        .training(TrainingConfig.defaults(RANK))
        .rounds(3)
        .clientsPerRound(cohort)
        .minClients(minClients)
        .selectionTimeout(Duration.ofSeconds(10))
        .roundTimeout(Duration.ofSeconds(120))
        .serverLearningRate(1.0)
        .secagg(new SecAggSettings(true, 1.0, 1 << 16, 3, 0, 0, PHASE))
        .seed(3)
        .build();
  }

  private RoundEngine engine(FederationConfig config) {
    AggregationFactory capture = () -> new AggregationProcess() {
      @Override
      public RoundAggregator begin(long round, int dimension) {
        return new RoundAggregator() {
          private int count;

          @Override
          public synchronized void accept(ClientContribution c) {
            captured.add(c);
            count++;
          }

          @Override
          public synchronized int count() {
            return count;
          }

          @Override
          public AggregateResult finish() {
            return new AggregateResult(new float[dimension], count, 1, Map.of());
          }
        };
      }

      @Override
      public String name() {
        return "capture";
      }
    };
    RoundEngine e = RoundEngine.builder(config).clock(clock).aggregation(capture)
        .tokenRandom(new Random(1)).build();
    e.addListener(new RoundListener() {
      @Override
      public void onRoundPublished(RoundRecord record, GlobalModel model) {
        published.add(record);
      }

      @Override
      public void onRoundAbandoned(long round, String reason) {
        abandoned.add(reason);
      }
    });
    return e;
  }

  /** One client of the test, holding its task and its SecAgg+ state. */
  private static final class Client {
    final String id;
    final Task task;
    final float[] update;
    final int weight;
    SecAggClient secagg;
    Encoding encoding;
    int[] encoded;
    SecAggResponse last;
    SecAggRequest lastSent;

    Client(String id, Task task, float[] update, int weight) {
      this.id = id;
      this.task = task;
      this.update = update;
      this.weight = weight;
    }

    SecAggRequest.Builder request() {
      return SecAggRequest.newBuilder().setClientId(id).setRound(task.getRound())
          .setTaskToken(task.getTaskToken());
    }
  }

  private List<Client> checkIn(RoundEngine e, int n) {
    SplittableRandom random = new SplittableRandom(11);
    List<Client> clients = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String id = "c" + i;
      Task task = e.checkIn(CheckInRequest.newBuilder().setClientId(id).build()).getTask();
      float[] update = new float[PARAMS];
      for (int j = 0; j < PARAMS; j++) {
        update[j] = (float) (random.nextDouble() * 2 - 1);
      }
      clients.add(new Client(id, task, update, 1 + i % 3));
    }
    return clients;
  }

  private static SecAggResponse poll(RoundEngine e, Client c) {
    c.last = e.secAggExchange(c.request().setPoll(SecAggPoll.getDefaultInstance()).build());
    return c.last;
  }

  private static void advertise(RoundEngine e, Client c) {
    SecAggResponse setup = c.last;
    assertTrue(setup.hasSetup(), () -> "expected the setup, got " + setup);
    SecAggParameters p = SecAggProtos.fromProto(c.task.getRound(), setup.getSetup());
    c.secagg = SecAggClient.forTesting(p, setup.getSetup().getClientIndex(), 100 + c.id.hashCode());
    c.encoding = Encoding.builder().cohortSize(p.cohortSize())
        .clipRange(c.task.getSecagg().getClipRange()).scale(c.task.getSecagg().getScale())
        .bits(p.bits()).build();
    c.last = e.secAggExchange(c.request()
        .setAdvertiseKeys(SecAggProtos.toProto(c.secagg.advertiseKeys())).build());
  }

  private static void shareKeys(RoundEngine e, Client c) {
    assertTrue(c.last.hasKeyDirectory(), () -> "expected the key directory, got " + c.last);
    c.last = e.secAggExchange(c.request().setShareKeys(SecAggProtos.toProto(c.secagg.shareKeys(
        SecAggProtos.fromProto(c.secagg.index(), c.last.getKeyDirectory())))).build());
  }

  private static void maskedInput(RoundEngine e, Client c) {
    assertTrue(c.last.hasShareDelivery(), () -> "expected the share delivery, got " + c.last);
    int[] input = new int[PARAMS + 1];
    c.encoded = c.encoding.encode(c.update, new SplittableRandom(c.id.hashCode()));
    System.arraycopy(c.encoded, 0, input, 0, PARAMS);
    input[PARAMS] = c.weight;
    int[] masked = c.secagg.maskedInput(
        SecAggProtos.fromProto(c.secagg.index(), c.last.getShareDelivery()), input).maskedVector();
    RoundEngine.Submission s = e.beginSubmission(UpdateHeader.newBuilder().setClientId(c.id)
        .setRound(c.task.getRound()).setTaskToken(c.task.getTaskToken()).setWeight(0)
        .setNumParameters(PARAMS + 1).build());
    assertTrue(s.masked());
    assertTrue(s.completeMasked(masked).getAccepted());
    poll(e, c);
  }

  private static void unmask(RoundEngine e, Client c) {
    assertTrue(c.last.hasUnmaskRequest(), () -> "expected the unmask request, got " + c.last);
    c.lastSent = c.request().setUnmask(SecAggProtos.toProto(c.secagg.unmask(
        SecAggProtos.fromProto(c.secagg.index(), c.last.getUnmaskRequest())))).build();
    c.last = e.secAggExchange(c.lastSent);
  }

  /**
   * Runs every phase for the clients; client {@code i} stops before phase {@code dropAt[i]}
   * (0 advertise, 1 share, 2 masked input, 3 unmask; 4 or more: never). A phase in which some
   * member vanished waits for it until the clock moves past the phase deadline.
   */
  private void runRound(RoundEngine e, List<Client> clients, int[] dropAt) {
    for (Client c : clients) {
      poll(e, c);
    }
    for (int phase = 0; phase < 4; phase++) {
      boolean vanished = false;
      for (int i = 0; i < clients.size(); i++) {
        Client c = clients.get(i);
        if (dropAt[i] < phase) {
          continue;
        }
        if (dropAt[i] == phase) {
          vanished = true;
          continue;
        }
        if (c.last.hasWait()) {
          poll(e, c);
        }
        switch (phase) {
          case 0 -> advertise(e, c);
          case 1 -> shareKeys(e, c);
          case 2 -> maskedInput(e, c);
          default -> unmask(e, c);
        }
      }
      if (vanished) {
        clock.advance(PHASE.plusSeconds(1));
        e.tick();
      }
      if (e.status().round() != 1 || !published.isEmpty() || !abandoned.isEmpty()) {
        return;
      }
    }
  }

  /** The exact modular sum of the given clients' encoded updates and weights, decoded. */
  private static float[] expectedSum(List<Client> clients, int[] dropAt, Encoding encoding) {
    int[] sum = new int[PARAMS];
    for (int i = 0; i < clients.size(); i++) {
      if (dropAt[i] > 2) {
        int[] enc = clients.get(i).encoded;
        for (int j = 0; j < PARAMS; j++) {
          sum[j] += enc[j];
        }
      }
    }
    int mask = (1 << encoding.bits()) - 1;
    for (int j = 0; j < PARAMS; j++) {
      sum[j] &= mask;
    }
    return encoding.decode(sum);
  }

  @Test
  void publishesExactlyTheSumOfTheEncodedUpdatesWithoutDropouts() {
    RoundEngine e = engine(config(5, 3));
    List<Client> clients = checkIn(e, 5);
    int[] dropAt = {9, 9, 9, 9, 9};
    runRound(e, clients, dropAt);
    assertEquals(1, published.size(), () -> "abandoned: " + abandoned);
    assertEquals(1, captured.size());
    ClientContribution sum = captured.get(0);
    assertArrayEquals(expectedSum(clients, dropAt, clients.get(0).encoding), sum.update());
    assertEquals(1 + 2 + 3 + 1 + 2, sum.weight());
    // the decoded sum is within one quantization step per client of the float sum
    for (int j = 0; j < PARAMS; j++) {
      double plain = 0;
      for (Client c : clients) {
        plain += c.update[j];
      }
      assertEquals(plain, sum.update()[j], 5.0 / (1 << 16) + 1e-6);
    }
    RoundRecord r = published.get(0);
    assertEquals(5, r.submitted());
    assertEquals(0, r.dropouts());
    assertEquals(5.0, r.measurements().get("secagg_cohort"));
    assertEquals((double) clients.get(0).encoding.bits(), r.measurements().get("secagg_bits"));
    // the clients learn that the round was aggregated
    for (Client c : clients) {
      assertTrue(poll(e, c).getDone().getAggregated(), c.id);
    }
    // an unmask answer lost and retried after the round closed: answered as the poll above
    for (Client c : clients) {
      assertTrue(e.secAggExchange(c.lastSent).getDone().getAggregated(), c.id);
    }
  }

  @Test
  void survivesADropoutInEveryPhase() {
    RoundEngine e = engine(config(10, 4));
    List<Client> clients = checkIn(e, 10);
    // c0 before advertising, c1 before sharing keys, c2 before its masked input, c3 in unmask
    int[] dropAt = {0, 1, 2, 3, 9, 9, 9, 9, 9, 9};
    runRound(e, clients, dropAt);
    assertEquals(1, published.size(), () -> "abandoned: " + abandoned);
    ClientContribution sum = captured.get(0);
    // c3 sent its masked input before vanishing: its input is in the sum, c0..c2's are not
    assertArrayEquals(expectedSum(clients, dropAt, clients.get(3).encoding), sum.update());
    assertEquals(1 + 2 + 3 + 1 + 2 + 3 + 1, sum.weight()); // clients 3..9: weights i % 3 + 1
    RoundRecord r = published.get(0);
    assertEquals(7, r.submitted());
    assertEquals(3, r.dropouts());
    assertEquals(9.0, r.measurements().get("secagg_advertised"));
    assertEquals(8.0, r.measurements().get("secagg_shared_keys"));
    assertEquals(7.0, r.measurements().get("secagg_masked_inputs"));
    assertEquals(6.0, r.measurements().get("secagg_unmask_responses"));
  }

  @Test
  void abandonsTheRoundBelowTheThreshold() {
    RoundEngine e = engine(config(5, 2));
    List<Client> clients = checkIn(e, 5);
    // complete graph, k = 4, t = 3: only two clients send masked inputs
    int[] dropAt = {2, 2, 2, 9, 9};
    runRound(e, clients, dropAt);
    assertTrue(published.isEmpty());
    assertTrue(captured.isEmpty(), "nothing may be decoded below the threshold");
    assertEquals(1, abandoned.size());
    assertTrue(abandoned.get(0).contains("secure aggregation abandoned"), abandoned.get(0));
    assertEquals(1, e.status().round(), "the same round reopens");
  }

  @Test
  void rejectsMessagesOfTheWrongPhaseAndChangesNothing() {
    RoundEngine e = engine(config(3, 2));
    List<Client> clients = checkIn(e, 2);
    Client c0 = clients.get(0);
    // selection still open: no SecAgg message yet
    StatusRuntimeException early = assertThrows(StatusRuntimeException.class,
        () -> e.secAggExchange(c0.request().setAdvertiseKeys(SecAggAdvertiseKeys.newBuilder()
            .setMaskPublicKey(ByteString.copyFrom(new byte[32]))
            .setEncryptionPublicKey(ByteString.copyFrom(new byte[32]))).build()));
    assertEquals(Status.Code.FAILED_PRECONDITION, early.getStatus().getCode());
    assertTrue(poll(e, c0).hasWait());
    clients.addAll(checkInMore(e, 1));
    for (Client c : clients) {
      poll(e, c);
    }
    // share keys before advertising
    StatusRuntimeException order = assertThrows(StatusRuntimeException.class,
        () -> e.secAggExchange(c0.request().setShareKeys(SecAggShareKeys.getDefaultInstance())
            .build()));
    assertEquals(Status.Code.FAILED_PRECONDITION, order.getStatus().getCode());
    assertTrue(order.getStatus().getDescription()
            .contains("expected phase ADVERTISE_KEYS but received a message of phase SHARE_KEYS"),
        order.getStatus().getDescription());
    // malformed keys
    StatusRuntimeException bad = assertThrows(StatusRuntimeException.class,
        () -> e.secAggExchange(c0.request().setAdvertiseKeys(SecAggAdvertiseKeys.newBuilder()
            .setMaskPublicKey(ByteString.copyFrom(new byte[5]))
            .setEncryptionPublicKey(ByteString.copyFrom(new byte[32]))).build()));
    assertEquals(Status.Code.INVALID_ARGUMENT, bad.getStatus().getCode());
    // a plain update is refused in a secure round
    StatusRuntimeException plain = assertThrows(StatusRuntimeException.class,
        () -> e.beginSubmission(UpdateHeader.newBuilder().setClientId(c0.id).setRound(1)
            .setTaskToken(c0.task.getTaskToken()).setWeight(1).setNumParameters(PARAMS).build()));
    assertEquals(Status.Code.INVALID_ARGUMENT, plain.getStatus().getCode());
    // a masked upload before its phase
    StatusRuntimeException early2 = assertThrows(StatusRuntimeException.class,
        () -> e.beginSubmission(UpdateHeader.newBuilder().setClientId(c0.id).setRound(1)
            .setTaskToken(c0.task.getTaskToken()).setWeight(0).setNumParameters(PARAMS + 1)
            .build()));
    assertEquals(Status.Code.FAILED_PRECONDITION, early2.getStatus().getCode());
    // nothing changed: the round still completes
    runRound(e, clients, new int[] {9, 9, 9});
    assertEquals(1, published.size(), () -> "abandoned: " + abandoned);
  }

  /**
   * A client whose reply was lost sends the same message again: it is answered as a poll (here
   * a wait, since the phase is still open) and the round goes on as if it had been sent once.
   */
  @Test
  void anIdenticalRepeatOfAPhaseMessageIsAnsweredAsAPoll() {
    RoundEngine e = engine(config(3, 2));
    List<Client> clients = checkIn(e, 3);
    for (Client c : clients) {
      poll(e, c);
    }
    Client c0 = clients.get(0);
    SecAggRequest first = c0.request()
        .setAdvertiseKeys(SecAggProtos.toProto(secAggClientOf(c0).advertiseKeys())).build();
    SecAggResponse reply = e.secAggExchange(first);
    SecAggResponse again = e.secAggExchange(first);
    assertTrue(again.hasWait(), () -> "expected a wait, got " + again);
    assertEquals(reply, again);
    // the others advertise; the repeat did not count twice: the phase closes with three keys
    for (Client c : clients.subList(1, 3)) {
      advertise(e, c);
    }
    SecAggResponse directory = e.secAggExchange(first); // a late repeat: now the directory
    assertTrue(directory.hasKeyDirectory(), () -> "expected the directory, got " + directory);
    assertEquals(poll(e, c0), directory, "the same answer as a poll");
  }

  @Test
  void aDifferentMessageForACompletedPhaseIsRefused() {
    RoundEngine e = engine(config(3, 2));
    List<Client> clients = checkIn(e, 3);
    for (Client c : clients) {
      poll(e, c);
    }
    Client c0 = clients.get(0);
    SecAggResponse setup = c0.last;
    advertise(e, c0);
    c0.last = setup;
    SecAggParameters p = SecAggProtos.fromProto(c0.task.getRound(), setup.getSetup());
    SecAggClient other = SecAggClient.forTesting(p, setup.getSetup().getClientIndex(), 999);
    StatusRuntimeException dup = assertThrows(StatusRuntimeException.class,
        () -> e.secAggExchange(c0.request()
            .setAdvertiseKeys(SecAggProtos.toProto(other.advertiseKeys())).build()));
    assertEquals(Status.Code.FAILED_PRECONDITION, dup.getStatus().getCode());
    assertTrue(dup.getStatus().getDescription()
            .contains("expected phase SHARE_KEYS but received a message of phase ADVERTISE_KEYS"),
        dup.getStatus().getDescription());
  }

  /** A fresh SecAgg+ client for {@code c} from its last reply (the setup), as the SDK makes one. */
  private static SecAggClient secAggClientOf(Client c) {
    SecAggParameters p = SecAggProtos.fromProto(c.task.getRound(), c.last.getSetup());
    return SecAggClient.forTesting(p, c.last.getSetup().getClientIndex(), 100 + c.id.hashCode());
  }

  @Test
  void aReportedFailureClosesThePhaseWithoutWaiting() {
    RoundEngine e = engine(config(4, 3));
    List<Client> clients = checkIn(e, 4);
    for (Client c : clients) {
      poll(e, c);
    }
    Client quitter = clients.get(3);
    e.reportFailure(ReportFailureRequest.newBuilder().setClientId(quitter.id).setRound(1)
        .setTaskToken(quitter.task.getTaskToken()).setReason("cancelled").build());
    for (int i = 0; i < 3; i++) {
      advertise(e, clients.get(i));
    }
    // the last advertiser closed the phase at once and got its directory
    assertTrue(clients.get(2).last.hasKeyDirectory(), clients.get(2).last.toString());
    assertFalse(clients.get(0).last.hasKeyDirectory());
    assertTrue(poll(e, clients.get(0)).hasKeyDirectory());
  }

  @Test
  void aSecAggMessageInAPlainFederationIsRefused() {
    RoundEngine e = RoundEngine.builder(config(3, 2).toBuilder().secagg(SecAggSettings.OFF).build())
        .clock(clock).build();
    Task task = e.checkIn(CheckInRequest.newBuilder().setClientId("a").build()).getTask();
    assertFalse(task.hasSecagg());
    StatusRuntimeException ex = assertThrows(StatusRuntimeException.class,
        () -> e.secAggExchange(SecAggRequest.newBuilder().setClientId("a").setRound(1)
            .setTaskToken(task.getTaskToken()).setPoll(SecAggPoll.getDefaultInstance()).build()));
    assertEquals(Status.Code.FAILED_PRECONDITION, ex.getStatus().getCode());
  }

  private int extra;

  private List<Client> checkInMore(RoundEngine e, int n) {
    List<Client> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String id = "late" + (extra++);
      Task task = e.checkIn(CheckInRequest.newBuilder().setClientId(id).build()).getTask();
      out.add(new Client(id, task, new float[PARAMS], 1));
    }
    return out;
  }
}
