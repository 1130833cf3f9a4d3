package io.fedrec.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class UserStateTest {

  /**
   * 2 items, rank 2: q_0 = [1, 0], q_1 = [0.5, -1], b = [0.25, -0.5], mu = 3. All values dyadic, so
   * float arithmetic is exact.
   */
  private static final GlobalModel MODEL =
      GlobalModel.of(0, new ModelShape(2, 2), new float[] {1, 0, 0.5f, -1, 0.25f, -0.5f, 3});

  @Test
  void predict_insideScale_isMuPlusBiasesPlusDot() {
    UserState u = new UserState(new float[] {0.5f, 0.25f}, 0.125f);

    // 3 + 0.125 + 0.25 + 0.5 = 3.875
    assertEquals(3.875f, u.predict(MODEL, 0, 1f, 5f));
  }

  @Test
  void predict_aboveMax_clampsToMax() {
    UserState u = new UserState(new float[] {4f, 0f}, 1f);

    // unclamped 3 + 1 + 0.25 + 4 = 8.25
    assertEquals(5f, u.predict(MODEL, 0, 1f, 5f));
  }

  @Test
  void predict_belowMin_clampsToMin() {
    UserState u = new UserState(new float[] {0f, 4f}, -1f);

    // unclamped 3 - 1 - 0.5 - 4 = -2.5
    assertEquals(1f, u.predict(MODEL, 1, 1f, 5f));
  }

  @Test
  void score_anyItem_omitsMuAndDoesNotClamp() {
    UserState u = new UserState(new float[] {4f, 0f}, 1f);

    // 1 + 0.25 + 4 = 5.25: above the scale, and 3 (= mu) below the unclamped prediction
    assertEquals(5.25f, u.score(MODEL, 0));
  }

  @Test
  void score_twoItems_isUserBiasPlusItemBiasPlusDot() {
    UserState u = new UserState(new float[] {0.5f, -2f}, 0f);

    // item 0: 0.25 + 0.5 = 0.75; item 1: -0.5 + 0.25 + 2 = 1.75
    assertEquals(0.75f, u.score(MODEL, 0));
    assertEquals(1.75f, u.score(MODEL, 1));
  }
}
