package io.fedrec.core.secagg;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedrec.core.secagg.SecAggMessages.KeyDirectory;
import io.fedrec.core.secagg.SecAggMessages.MaskedInput;
import io.fedrec.core.secagg.SecAggMessages.ShareDelivery;
import org.junit.jupiter.api.Test;

/**
 * An individual masked input reveals nothing: it is uniform modulo {@code 2^bits} whatever the
 * input. Chi-square goodness-of-fit tests at the 1 - 1e-6 quantile, so a correct implementation
 * fails each with probability 1e-6 for a random seed; the seeds are fixed, so runs are
 * deterministic.
 */
class SecAggStatisticalTest {
  /** Quantile 1 - 1e-6 of chi-square with 255 degrees of freedom (scipy.stats.chi2.isf). */
  private static final double CHI2_255_1E6 = 377.078;

  private static final int BITS = 8;
  private static final int M = 256 * 400;

  private static MaskedInput maskedInputOfClient0(int[] input, long seed) {
    SecAggParameters p =
        SecAggParameters.withDefaults(1, 5, BITS, M, SecAggRoundTest.graphSeed(11));
    SecAggServer server = SecAggServer.create(p);
    SecAggClient[] clients = new SecAggClient[5];
    for (int i = 0; i < 5; i++) {
      clients[i] = SecAggClient.forTesting(p, i, seed + i);
      server.receive(clients[i].advertiseKeys());
    }
    for (KeyDirectory d : server.closeAdvertiseKeys()) {
      server.receive(clients[d.recipient()].shareKeys(d));
    }
    ShareDelivery d = server.closeShareKeys().get(0);
    return clients[0].maskedInput(d, input);
  }

  private static double chiSquare(int[] values) {
    long[] counts = new long[1 << BITS];
    for (int v : values) {
      counts[v]++;
    }
    double expected = (double) values.length / counts.length;
    double chi2 = 0;
    for (long c : counts) {
      chi2 += (c - expected) * (c - expected) / expected;
    }
    return chi2;
  }

  @Test
  void maskedInput_allZeroInput_isUniform() {
    double chi2 = chiSquare(maskedInputOfClient0(new int[M], 300).maskedVector());
    assertTrue(chi2 < CHI2_255_1E6, "chi2 = " + chi2);
  }

  @Test
  void maskedInput_constantExtremeInput_isUniform() {
    int[] input = new int[M];
    java.util.Arrays.fill(input, 255);
    double chi2 = chiSquare(maskedInputOfClient0(input, 400).maskedVector());
    assertTrue(chi2 < CHI2_255_1E6, "chi2 = " + chi2);
  }

  @Test
  void maskedInput_rampInput_isUniform() {
    int[] input = new int[M];
    for (int i = 0; i < M; i++) {
      input[i] = i & 0xFF;
    }
    int[] y = maskedInputOfClient0(input, 500).maskedVector();
    double chi2 = chiSquare(y);
    assertTrue(chi2 < CHI2_255_1E6, "chi2 = " + chi2);
  }
}
