package io.fedrec.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fedrec.client.RandomModels;
import io.fedrec.core.model.GlobalModel;
import io.fedrec.core.model.ModelShape;
import io.fedrec.core.model.UserState;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PlainScoringBackendTest {

  /**
   * Ranks not a multiple of the unroll (4), ranges that start inside the catalogue and span
   * several tiles with a ragged last one: every entry equals {@link UserState#score} bit for bit.
   */
  @ParameterizedTest
  @CsvSource({"1, 0, 3", "7, 0, 600", "16, 5, 517", "33, 256, 513"})
  void score_anyBlock_equalsUserStateScoreExactly(int rank, int itemFrom, int itemTo) {
    GlobalModel model = RandomModels.model(new ModelShape(600, rank), 11);
    List<UserState> users = RandomModels.users(5, rank, 12);
    int n = itemTo - itemFrom;
    float[] scores = new float[users.size() * n + 1];
    scores[scores.length - 1] = 42f;

    PlainScoringBackend.INSTANCE.score(model, users, itemFrom, itemTo, scores);

    for (int u = 0; u < users.size(); u++) {
      for (int item = itemFrom; item < itemTo; item++) {
        float expected = users.get(u).score(model, item);
        float actual = scores[u * n + item - itemFrom];
        assertEquals(Float.floatToIntBits(expected), Float.floatToIntBits(actual),
            "user " + u + ", item " + item + ": " + expected + " vs " + actual);
      }
    }
    assertEquals(42f, scores[scores.length - 1], "entries past the block are left alone");
  }
}
