package io.fedrec.core.math;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CholeskyTest {

  /**
   * The textbook example A = L L^T with L = [[2, 0, 0], [6, 1, 0], [-8, 5, 3]]. With x = [1, 2, 3]
   * every intermediate is a small integer, so the solve is exact in double.
   */
  private static double[] textbookMatrix() {
    return new double[] {
      4, 12, -16,
      12, 37, -43,
      -16, -43, 98
    };
  }

  @Test
  void solveInPlace_textbookSpdSystem_returnsExactSolution() {
    double[] a = textbookMatrix();
    double[] b = {-20, -43, 192};

    Cholesky.solveInPlace(a, b, 3);

    assertArrayEquals(new double[] {1, 2, 3}, b, 0.0);
  }

  @Test
  void solveInPlace_textbookSpdSystem_leavesFactorInLowerTriangle() {
    double[] a = textbookMatrix();

    Cholesky.solveInPlace(a, new double[3], 3);

    assertEquals(2, a[0]);
    assertEquals(6, a[3]);
    assertEquals(1, a[4]);
    assertEquals(-8, a[6]);
    assertEquals(5, a[7]);
    assertEquals(3, a[8]);
  }

  @Test
  void solveInPlace_oneByOne_dividesByTheEntry() {
    double[] b = {10};

    Cholesky.solveInPlace(new double[] {4}, b, 1);

    assertEquals(2.5, b[0]);
  }

  @Test
  void solveInPlace_randomSpdSystem_matchesKnownSolution() {
    int n = 24;
    SplittableRandom random = new SplittableRandom(42);
    double[] m = new double[n * n];
    for (int i = 0; i < m.length; i++) {
      m[i] = random.nextDouble(-1, 1);
    }
    // A = M^T M + n I is symmetric positive definite with a condition number of order 10.
    double[] a = new double[n * n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        double s = i == j ? n : 0;
        for (int r = 0; r < n; r++) {
          s += m[r * n + i] * m[r * n + j];
        }
        a[i * n + j] = s;
      }
    }
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = random.nextDouble(-5, 5);
    }
    double[] b = new double[n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        b[i] += a[i * n + j] * x[j];
      }
    }

    Cholesky.solveInPlace(a, b, n);

    assertArrayEquals(x, b, 1e-12);
  }

  @Test
  void solveInPlace_indefiniteMatrix_throwsNamingPivot() {
    double[] a = {1, 2, 2, 1};

    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> Cholesky.solveInPlace(a, new double[2], 2));

    assertEquals("matrix is not positive definite: pivot 1 is -3.0", e.getMessage());
  }

  @Test
  void solveInPlace_singularMatrix_throws() {
    double[] a = {1, 1, 1, 1};

    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> Cholesky.solveInPlace(a, new double[2], 2));

    assertEquals("matrix is not positive definite: pivot 1 is 0.0", e.getMessage());
  }

  @Test
  void solveInPlace_nanEntry_throws() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Cholesky.solveInPlace(new double[] {Double.NaN}, new double[1], 1));

    assertEquals("matrix is not positive definite: pivot 0 is NaN", e.getMessage());
  }
}
