package io.fedrec.core.dp;

/**
 * Linear convolution of real arrays, directly for small inputs and by a radix-2 complex FFT
 * otherwise. The FFT uses twiddle factors computed with {@link Math#cos}/{@link Math#sin} (no
 * recurrence), so the absolute error of each output is about {@code 1e-16 * log2(n) * ||a|| *
 * ||b||}; for probability vectors that is below {@code 1e-15} per entry, and outputs of true value
 * 0 may come back as tiny negatives, which callers clamp.
 *
 * <p>Stateless and thread-safe.
 */
final class RealConvolution {
  private RealConvolution() {}

  /** Below this many multiply-adds the schoolbook product is cheaper and exact to rounding. */
  private static final long DIRECT_LIMIT = 1L << 16;

  /** Largest FFT length (2^26 doubles per array, 512 MiB per complex pair) before we refuse. */
  static final int MAX_LENGTH = 1 << 26;

  /** {@code c[k] = sum_i a[i] b[k - i]}, length {@code a.length + b.length - 1}. */
  static double[] convolve(double[] a, double[] b) {
    int outLength = a.length + b.length - 1;
    if ((long) a.length * b.length <= DIRECT_LIMIT) {
      double[] out = new double[outLength];
      for (int i = 0; i < a.length; i++) {
        double ai = a[i];
        if (ai == 0.0) {
          continue;
        }
        for (int j = 0; j < b.length; j++) {
          out[i + j] += ai * b[j];
        }
      }
      return out;
    }
    int n = fftLength(outLength);
    double[] re = new double[n];
    double[] im = new double[n];
    if (a == b) {
      // Squaring: transform once, square pointwise.
      System.arraycopy(a, 0, re, 0, a.length);
      fft(re, im, false);
      for (int k = 0; k < n; k++) {
        double x = re[k];
        double y = im[k];
        re[k] = x * x - y * y;
        im[k] = 2 * x * y;
      }
    } else {
      // Two real transforms in one complex transform of z = a + i b:
      // A_k = (Z_k + conj(Z_{n-k})) / 2, B_k = (Z_k - conj(Z_{n-k})) / (2i).
      System.arraycopy(a, 0, re, 0, a.length);
      System.arraycopy(b, 0, im, 0, b.length);
      fft(re, im, false);
      double[] outRe = new double[n];
      double[] outIm = new double[n];
      for (int k = 0; k < n; k++) {
        int nk = (n - k) & (n - 1);
        double zr = re[k];
        double zi = im[k];
        double cr = re[nk];
        double ci = -im[nk];
        double ar = 0.5 * (zr + cr);
        double ai = 0.5 * (zi + ci);
        // (Z - conj) / (2i): (x + iy) / (2i) = (y - ix) / 2
        double dr = zr - cr;
        double di = zi - ci;
        double br = 0.5 * di;
        double bi = -0.5 * dr;
        outRe[k] = ar * br - ai * bi;
        outIm[k] = ar * bi + ai * br;
      }
      re = outRe;
      im = outIm;
    }
    fft(re, im, true);
    double[] out = new double[outLength];
    double scale = 1.0 / n;
    for (int k = 0; k < outLength; k++) {
      out[k] = re[k] * scale;
    }
    return out;
  }

  /**
   * Entries {@code lo .. lo + length - 1} of the {@code times}-fold self-convolution of {@code p}
   * (index 0 = all summands at index 0), by one FFT of length {@code n >= max(length, p.length)},
   * pointwise powers {@code F_k^times} in polar form, and one inverse FFT (dp_accounting {@code
   * common.self_convolve}). The transform is cyclic modulo {@code n}: mass of the full convolution
   * outside the window is aliased into it, so callers choose the window by a tail bound and account
   * for that mass. Relative rounding of each power is about {@code times * 1e-16}.
   */
  static double[] selfConvolveWindow(double[] p, long times, long lo, int length) {
    int n = fftLength(Math.max(length, p.length));
    double[] re = new double[n];
    double[] im = new double[n];
    System.arraycopy(p, 0, re, 0, p.length);
    fft(re, im, false);
    double t = (double) times;
    for (int k = 0; k < n; k++) {
      double r = Math.sqrt(re[k] * re[k] + im[k] * im[k]);
      if (r == 0.0) {
        continue;
      }
      double rt = Math.pow(r, t);
      double angle = t * Math.atan2(im[k], re[k]);
      re[k] = rt * Math.cos(angle);
      im[k] = rt * Math.sin(angle);
    }
    fft(re, im, true);
    double[] out = new double[length];
    double scale = 1.0 / n;
    int start = (int) Math.floorMod(lo, (long) n);
    for (int j = 0; j < length; j++) {
      out[j] = re[(start + j) & (n - 1)] * scale;
    }
    return out;
  }

  private static int fftLength(int minLength) {
    if (minLength > MAX_LENGTH) {
      throw new IllegalArgumentException(
          "convolution length must be <= " + MAX_LENGTH + ". Provided value: " + minLength);
    }
    int n = 1;
    while (n < minLength) {
      n <<= 1;
    }
    return n;
  }

  /** In-place iterative radix-2 FFT; {@code inverse} uses {@code e^{+2 pi i jk/n}}, unscaled. */
  static void fft(double[] re, double[] im, boolean inverse) {
    int n = re.length;
    for (int i = 1, j = 0; i < n; i++) {
      int bit = n >> 1;
      for (; (j & bit) != 0; bit >>= 1) {
        j ^= bit;
      }
      j ^= bit;
      if (i < j) {
        double t = re[i];
        re[i] = re[j];
        re[j] = t;
        t = im[i];
        im[i] = im[j];
        im[j] = t;
      }
    }
    double[] cos = new double[n / 2];
    double[] sin = new double[n / 2];
    double sign = inverse ? 1.0 : -1.0;
    for (int k = 0; k < n / 2; k++) {
      double angle = 2 * Math.PI * k / n;
      cos[k] = Math.cos(angle);
      sin[k] = sign * Math.sin(angle);
    }
    for (int len = 2; len <= n; len <<= 1) {
      int half = len >> 1;
      int stride = n / len;
      for (int start = 0; start < n; start += len) {
        for (int k = 0; k < half; k++) {
          double wr = cos[k * stride];
          double wi = sin[k * stride];
          int p = start + k;
          int q = p + half;
          double xr = re[q] * wr - im[q] * wi;
          double xi = re[q] * wi + im[q] * wr;
          re[q] = re[p] - xr;
          im[q] = im[p] - xi;
          re[p] += xr;
          im[p] += xi;
        }
      }
    }
  }
}
