package io.fedrec.scoring.nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fedrec.client.RandomModels;
import io.fedrec.client.ScoringBackend;
import io.fedrec.core.model.GlobalModel;
import io.fedrec.core.model.ModelShape;
import io.fedrec.core.model.UserState;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class Nd4jScoringBackendTest {
  /**
   * Float32 rounding bound for scores of magnitude about {@code sqrt(rank)} summed in another
   * order: a few hundred ulps of the largest term sum at rank 64, far below the gaps that decide
   * rankings in practice, and far above the 1e-7 relative error of a correct gemm.
   */
  static final float TOLERANCE = 1e-4f;

  private static final Nd4jScoringBackend ND4J = new Nd4jScoringBackend();

  @ParameterizedTest
  @CsvSource({"1, 200, 0, 200", "16, 1682, 0, 1682", "33, 1000, 123, 877", "64, 300, 299, 300"})
  void score_randomModel_equalsPlainWithinTolerance(
      int rank, int numItems, int itemFrom, int itemTo) {
    GlobalModel model = RandomModels.model(new ModelShape(numItems, rank), rank);
    List<UserState> users = RandomModels.users(37, rank, numItems);

    assertBlocksClose(model, users, itemFrom, itemTo);
  }

  @Test
  void score_nextModel_isScoredAgainstItsOwnParameters() {
    ModelShape shape = new ModelShape(500, 8);
    List<UserState> users = RandomModels.users(3, 8, 2);
    assertBlocksClose(RandomModels.model(shape, 3), users, 0, 500);

    GlobalModel next = RandomModels.model(shape, 4);

    assertBlocksClose(next, users, 0, 500);
  }

  private static void assertBlocksClose(
      GlobalModel model, List<UserState> users, int itemFrom, int itemTo) {
    int n = itemTo - itemFrom;
    float[] expected = new float[users.size() * n];
    float[] actual = new float[users.size() * n];
    ScoringBackend.plainJava().score(model, users, itemFrom, itemTo, expected);

    ND4J.score(model, users, itemFrom, itemTo, actual);

    float worst = 0f;
    for (int i = 0; i < expected.length; i++) {
      worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
    }
    assertEquals(0f, worst, TOLERANCE, "largest |nd4j - plain| over the block");
  }
}
