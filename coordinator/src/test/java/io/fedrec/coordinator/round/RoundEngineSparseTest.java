package io.fedrec.coordinator.round;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedrec.core.aggregate.SparseContribution;
import io.fedrec.core.model.LocalTrainer;
import io.fedrec.core.model.TrainingConfig;
import io.fedrec.proto.v1.CheckInRequest;
import io.fedrec.proto.v1.Task;
import io.fedrec.proto.v1.UpdateHeader;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The engine's side of the simulator's sparse fast path ({@code Submission.completeSparse}). */
class RoundEngineSparseTest {
  private static final int ITEMS = 4;
  private static final int RANK = 2;
  private static final int PARAMS = ITEMS * (RANK + 1) + 1;

  private static FederationConfig.Builder config() {
    return FederationConfig.builder().numItems(ITEMS).training(TrainingConfig.defaults(RANK))
        .rounds(5).clientsPerRound(2).minClients(2).serverLearningRate(1.0);
  }

  private static RoundEngine engine(FederationConfig config) {
    return RoundEngine.builder(config).clock(new TestClock()).tokenRandom(new Random(1)).build();
  }

  private static RoundEngine.Submission begin(RoundEngine e, String id, long weight) {
    Task t = e.checkIn(CheckInRequest.newBuilder().setClientId(id).build()).getTask();
    return e.beginSubmission(UpdateHeader.newBuilder().setClientId(id).setRound(t.getRound())
        .setTaskToken(t.getTaskToken()).setWeight(weight).setNumParameters(PARAMS).build());
  }

  private static SparseContribution rowOf(String id, int item, float value) {
    float[] rows = new float[RANK + 1];
    java.util.Arrays.fill(rows, value);
    return new SparseContribution(id, 1, new int[] {item}, rows, 0.5f, 1);
  }

  /** Two sparse clients: the mean of their rows, plus the prior of two users added once. */
  @Test
  void completeSparse_twoClients_meanOfRowsPlusPriorOnce() {
    RoundEngine e = engine(config().build());
    float[] before = e.currentModel().parameters();
    begin(e, "a", 1).completeSparse(rowOf("a", 1, 0.2f));
    begin(e, "b", 1).completeSparse(rowOf("b", 3, 0.4f));
    assertEquals(1, e.currentModel().version());
    float[] after = e.currentModel().parameters();
    float[] expected = new float[PARAMS];
    new LocalTrainer(TrainingConfig.defaults(RANK)).addWeightDecay(
        io.fedrec.core.model.GlobalModel.of(0, new io.fedrec.core.model.ModelShape(ITEMS, RANK),
            before), expected, 2.0);
    for (int f = 0; f < RANK; f++) {
      expected[RANK + f] += 0.2f;
      expected[3 * RANK + f] += 0.4f;
    }
    expected[ITEMS * RANK + 1] += 0.2f;
    expected[ITEMS * RANK + 3] += 0.4f;
    expected[PARAMS - 1] += 1.0f;
    for (int x = 0; x < PARAMS; x++) {
      // server learning rate 1, FedAvg: the model moves by the mean (sum / 2 users)
      assertEquals(before[x] + expected[x] / 2, after[x], 1e-6, "parameter " + x);
    }
  }

  @Test
  void completeSparse_withPrivacy_failedPrecondition() {
    RoundEngine e = engine(config().privacy(new PrivacySettings(
        PrivacySettings.Mode.CENTRAL, 1.0, 2.0, 8, 1e-5, 4, 2)).build());
    StatusRuntimeException x = assertThrows(StatusRuntimeException.class,
        () -> begin(e, "a", 1).completeSparse(rowOf("a", 1, 0.2f)));
    assertEquals(Status.Code.FAILED_PRECONDITION, x.getStatus().getCode());
    assertTrue(x.getStatus().getDescription().startsWith("sparse updates are only taken by"
        + " plaintext federations"), x.getStatus().getDescription());
  }

  @Test
  void completeSparse_malformed_invalidArgumentAndTheClientMayRetry() {
    RoundEngine e = engine(config().build());
    StatusRuntimeException x = assertThrows(StatusRuntimeException.class,
        () -> begin(e, "a", 1).completeSparse(rowOf("a", ITEMS, 0.2f)));
    assertEquals(Status.Code.INVALID_ARGUMENT, x.getStatus().getCode());
    assertEquals("sparse update items must be strictly increasing in [0, 4). Provided value at"
        + " index 0: 4", x.getStatus().getDescription());
    x = assertThrows(StatusRuntimeException.class,
        () -> begin(e, "a", 2).completeSparse(rowOf("a", 1, 0.2f)));
    assertEquals("sparse update weight must equal the header's 2. Provided value: 1",
        x.getStatus().getDescription());
    begin(e, "a", 1).completeSparse(rowOf("a", 1, 0.2f)); // nothing was lost: a retry works
  }
}
