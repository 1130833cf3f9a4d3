package io.fedrec.core.aggregate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedrec.core.model.ModelShape;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Sparse plaintext contributions: validation, and equality with the dense sum up to rounding. */
class SparseContributionTest {
  private static final ModelShape SHAPE = new ModelShape(50, 4); // 50 items, rank 4

  private static SparseContribution sparse(int[] items, float[] rows) {
    return new SparseContribution("c", 1, items, rows, 0.25f, 1);
  }

  @Test
  void problem_wellFormed_null() {
    assertNull(sparse(new int[] {3, 7}, new float[10]).problem(SHAPE));
  }

  @Test
  void problem_eachMalformation_named() {
    assertEquals("sparse update must have 5 values per item (2 items). Provided: 9",
        sparse(new int[] {3, 7}, new float[9]).problem(SHAPE));
    assertEquals("sparse update items must be strictly increasing in [0, 50). Provided value at"
        + " index 1: 3", sparse(new int[] {3, 3}, new float[10]).problem(SHAPE));
    assertEquals("sparse update items must be strictly increasing in [0, 50). Provided value at"
        + " index 0: 50", sparse(new int[] {50}, new float[5]).problem(SHAPE));
    float[] nan = new float[5];
    nan[2] = Float.NaN;
    assertEquals("update values must be finite with magnitude <= 1048576.0. Provided value at"
        + " row index 2: NaN", sparse(new int[] {1}, nan).problem(SHAPE));
    assertEquals("priorShares must be <= weight 1. Provided value: 2.0",
        new SparseContribution("c", 1, new int[] {1}, new float[5], 0, 2).problem(SHAPE));
    assertThrows(IllegalArgumentException.class,
        () -> new SparseContribution("c", 0, new int[0], new float[0], 0, 0));
  }

  /**
   * The same round summed densely (each client's update carries its prior share on every row)
   * and sparsely (touched rows, plus the prior once): the means agree to within the fixed-point
   * and float rounding of one value per client per coordinate.
   */
  @Test
  void weightedMean_sparsePlusPriorOnce_equalsDenseUpToRounding() {
    Random rnd = new Random(3);
    int clients = 200;
    float[] theta = new float[SHAPE.numParameters()];
    for (int i = 0; i < SHAPE.muOffset(); i++) {
      theta[i] = (float) rnd.nextGaussian();
    }
    float c = -0.01f; // prior coefficient per share
    var dense = new WeightedMeanFactory().create().begin(1, SHAPE.numParameters());
    var sparse = new WeightedMeanFactory(SHAPE).create().begin(1, SHAPE.numParameters());
    double shares = 0;
    for (int n = 0; n < clients; n++) {
      int[] items = rnd.ints(0, SHAPE.numItems()).distinct().limit(1 + rnd.nextInt(8)).sorted()
          .toArray();
      float[] rows = new float[items.length * 5];
      for (int i = 0; i < rows.length; i++) {
        rows[i] = (float) rnd.nextGaussian() * 0.1f;
      }
      float mu = (float) rnd.nextGaussian() * 0.01f;
      float[] full = new float[SHAPE.numParameters()];
      for (int x = 0; x < SHAPE.muOffset(); x++) {
        full[x] = c * theta[x];
      }
      for (int j = 0; j < items.length; j++) {
        for (int f = 0; f < 4; f++) {
          full[SHAPE.factorOffset(items[j]) + f] += rows[j * 5 + f];
        }
        full[SHAPE.biasOffset(items[j])] += rows[j * 5 + 4];
      }
      full[SHAPE.muOffset()] = mu;
      dense.accept(new ClientContribution("c" + n, full, 1));
      sparse.acceptSparse(new SparseContribution("c" + n, 1, items, rows, mu, 1));
      shares += 1;
    }
    float[] prior = new float[SHAPE.numParameters()];
    for (int x = 0; x < SHAPE.muOffset(); x++) {
      prior[x] = (float) (c * shares) * theta[x];
    }
    assertTrue(sparse.acceptsSparse());
    sparse.acceptPrior(prior);
    AggregateResult d = dense.finish();
    AggregateResult s = sparse.finish();
    assertEquals(d.contributions(), s.contributions());
    assertEquals(d.totalWeight(), s.totalWeight());
    double maxDiff = 0;
    for (int x = 0; x < d.meanUpdate().length; x++) {
      maxDiff = Math.max(maxDiff, Math.abs(d.meanUpdate()[x] - s.meanUpdate()[x]));
    }
    // per client and coordinate: one float rounding of data + prior (|x| < 1: < 6e-8) and one
    // fixed-point rounding (2^-25); the mean divides the sum of 200 such errors by 200
    assertTrue(maxDiff < 1e-7, "max difference " + maxDiff);
    assertTrue(maxDiff > 0, "a bit-identical result would mean the prior was never rounded apart");
  }

  @Test
  void denseOnlyMean_refusesSparse() {
    var dense = new WeightedMeanFactory().create().begin(1, SHAPE.numParameters());
    assertTrue(!dense.acceptsSparse());
    assertThrows(UnsupportedOperationException.class,
        () -> dense.acceptSparse(sparse(new int[] {1}, new float[5])));
  }

  @Test
  void acceptPrior_twice_refused() {
    var mean = new WeightedMeanFactory(SHAPE).create().begin(1, SHAPE.numParameters());
    mean.acceptPrior(new float[SHAPE.numParameters()]);
    assertThrows(IllegalStateException.class,
        () -> mean.acceptPrior(new float[SHAPE.numParameters()]));
  }
}
