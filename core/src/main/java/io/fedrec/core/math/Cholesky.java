package io.fedrec.core.math;

/**
 * In-place Cholesky solve of a small symmetric positive-definite system {@code A x = b}, on a
 * row-major {@code n x n} double array. Used for the k x k ridge solves of the user
 * reconstruction, where k is small (8 to 128) and a plain loop beats any library call.
 *
 * <p>Not thread-safe: callers own the arrays.
 */
public final class Cholesky {
  private Cholesky() {}

  /**
   * Solves {@code A x = b}, overwriting {@code a} with its Cholesky factor L (lower triangle) and
   * {@code b} with x.
   *
   * @throws IllegalArgumentException if A is not (numerically) positive definite
   */
  public static void solveInPlace(double[] a, double[] b, int n) {
    for (int j = 0; j < n; j++) {
      int rj = j * n;
      double d = a[rj + j];
      for (int m = 0; m < j; m++) {
        d -= a[rj + m] * a[rj + m];
      }
      if (!(d > 0)) {
        throw new IllegalArgumentException(
            "matrix is not positive definite: pivot " + j + " is " + d);
      }
      double ljj = Math.sqrt(d);
      a[rj + j] = ljj;
      for (int i = j + 1; i < n; i++) {
        int ri = i * n;
        double s = a[ri + j];
        for (int m = 0; m < j; m++) {
          s -= a[ri + m] * a[rj + m];
        }
        a[ri + j] = s / ljj;
      }
    }
    // forward: L y = b
    for (int i = 0; i < n; i++) {
      int ri = i * n;
      double s = b[i];
      for (int m = 0; m < i; m++) {
        s -= a[ri + m] * b[m];
      }
      b[i] = s / a[ri + i];
    }
    // backward: L^T x = y
    for (int i = n - 1; i >= 0; i--) {
      double s = b[i];
      for (int m = i + 1; m < n; m++) {
        s -= a[m * n + i] * b[m];
      }
      b[i] = s / a[i * n + i];
    }
  }
}
