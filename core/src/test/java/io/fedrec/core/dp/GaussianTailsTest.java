package io.fedrec.core.dp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * Golden values from SciPy 1.17 ({@code special.erfc}, {@code log(2) +
 * special.log_ndtr(-x*sqrt2)}).
 */
class GaussianTailsTest {

  private static final double[][] ERFC = {
    {-5, 1.9999999999984626},
    {-1, 1.8427007929497148},
    {0, 1.0},
    {0.3, 0.6713732405408726},
    {1.0, 0.15729920705028516},
    {1.99, 0.004888586800383002},
    {2.0, 0.004677734981047266},
    {2.5, 0.00040695201744495886},
    {5, 1.5374597944280347e-12},
    {10, 2.0884875837625446e-45},
    {26, 5.663192408856145e-296},
  };

  private static final double[][] LOG_ERFC = {
    {-40, 0.6931471805599453},
    {-3, 0.6931361352504468},
    {0.5, -0.7350111298370848},
    {2, -5.36494126461664},
    {3, -10.720363041981116},
    {10, -102.87988902484493},
    {30, -903.9741171106442},
    {100, -10005.177585122668},
    {1e4, -100000009.78270535},
  };

  @Test
  void erfc_goldenValues_matchScipyToRelative1e13() {
    for (double[] row : ERFC) {
      double got = GaussianTails.erfc(row[0]);
      assertEquals(row[1], got, 1e-13 * row[1], "erfc(" + row[0] + ")");
    }
  }

  @Test
  void logErfc_goldenValues_matchScipyToAbsolute1e13() {
    for (double[] row : LOG_ERFC) {
      double got = GaussianTails.logErfc(row[0]);
      assertEquals(row[1], got, 1e-13 * Math.max(1.0, Math.abs(row[1])), "logErfc(" + row[0] + ")");
    }
  }

  @Test
  void normalCdf_symmetricArguments_sumToOne() {
    for (double x = -6; x <= 6; x += 0.37) {
      assertEquals(1.0, GaussianTails.normalCdf(x) + GaussianTails.normalSf(x), 1e-15);
      assertEquals(GaussianTails.normalCdf(-x), GaussianTails.normalSf(x), 1e-16);
    }
  }

  @Test
  void erfc_aroundSeriesSwitch_isContinuous() {
    double below = GaussianTails.erfc(Math.nextDown(2.0));
    double at = GaussianTails.erfc(2.0);
    assertEquals(at, below, 1e-13 * at);
  }
}
