package io.fedrec.core.secagg;

import java.util.Arrays;

/**
 * The SecAgg+ communication graph: client {@code i} agrees pairwise masks with, and sends Shamir
 * shares to, only its {@code k} neighbours, so per-client cost is {@code O(k)} = {@code O(log n)}
 * instead of {@code O(n)} (Bell, Bonawitz, Gascón, Lepoint, Raykova, "Secure Single-Server
 * Aggregation with (Poly)Logarithmic Overhead", CCS 2020, section 3: a random k-regular graph
 * from a public seed).
 *
 * <p>Construction (a randomly relabelled Harary graph {@code H_{k,n}}): derive {@code g =
 * HKDF-SHA256(seed, salt = none, info = Kdf.info("fedrec/secagg/v1/neighbour-graph", 0, n, k),
 * 32)}; shuffle {@code perm = [0, 1, ..., n-1]} with Fisher-Yates, {@code for i = n-1 down to 1:
 * j = uniform in [0, i]; swap(perm[i], perm[j])}, the uniform draws read from the {@link
 * MaskPrg}-style AES-CTR keystream of {@code g} by rejection (see {@code docs/secagg.md}); the
 * clients at positions {@code p} and {@code (p +- d) mod n}, {@code d = 1..k/2}, are neighbours.
 * The relation is symmetric and every client has exactly {@code k} neighbours. Every party derives
 * the same graph from the seed, so the server cannot choose it.
 *
 * <p>Degree rule: {@code k} must be even (the ring needs {@code k/2} on each side) or equal to
 * {@code n - 1} (the complete graph, plain SecAgg of Bonawitz et al.). {@link
 * #defaultNeighbours(int)} is {@code min(n - 1, 2 * ceil(NEIGHBOURS_PER_LOG2 * log2(n) / 2))}.
 *
 * <p>Immutable and thread-safe.
 */
public final class NeighbourGraph {

  /**
   * The constant {@code c} of {@code k ~ c * log2 n}. Bell et al. prove {@code k = O(log n)}
   * suffices; the constant is ours: with the majority threshold of {@link #defaultThreshold(int)}
   * a round aborts when some client keeps fewer than {@code t} live share holders, and {@code c =
   * 4} keeps the expected number of such clients below {@code 2e-5} at 10% random dropouts for
   * {@code n} from 100 to 10,000 (table in {@code docs/secagg.md}). Higher dropout rates need a
   * larger {@code k} or a lower threshold.
   */
  public static final double NEIGHBOURS_PER_LOG2 = 4.0;

  private final int cohortSize;
  private final int neighbours;
  private final int[] permutation;
  private final int[] position;
  private final int[][] adjacency;

  private NeighbourGraph(int cohortSize, int neighbours, int[] permutation) {
    this.cohortSize = cohortSize;
    this.neighbours = neighbours;
    this.permutation = permutation;
    this.position = new int[cohortSize];
    for (int p = 0; p < cohortSize; p++) {
      position[permutation[p]] = p;
    }
    this.adjacency = new int[cohortSize][];
    for (int i = 0; i < cohortSize; i++) {
      int[] row = new int[neighbours];
      if (neighbours == cohortSize - 1) {
        for (int j = 0, r = 0; j < cohortSize; j++) {
          if (j != i) {
            row[r++] = j;
          }
        }
      } else {
        int p = position[i];
        for (int d = 1, r = 0; d <= neighbours / 2; d++) {
          row[r++] = permutation[(p + d) % cohortSize];
          row[r++] = permutation[(p - d + cohortSize) % cohortSize];
        }
        Arrays.sort(row);
      }
      adjacency[i] = row;
    }
  }

  /**
   * Builds the graph of {@code cohortSize} clients with {@code neighbours} neighbours each.
   *
   * @param seed 32 public random bytes, fresh per round (chosen by the server or a beacon)
   * @throws IllegalArgumentException if {@code cohortSize < 1}, or {@code neighbours} is not in
   *     {@code [0, n - 1]}, or is odd and not {@code n - 1}
   */
  public static NeighbourGraph create(byte[] seed, int cohortSize, int neighbours) {
    Bytes.checkLength("seed", seed, 32);
    if (cohortSize < 1) {
      throw new IllegalArgumentException("cohortSize must be >= 1. Provided value: " + cohortSize);
    }
    if (neighbours < 0 || neighbours > cohortSize - 1) {
      throw new IllegalArgumentException(
          "neighbours must be in [0, " + (cohortSize - 1) + "]. Provided value: " + neighbours);
    }
    if (neighbours % 2 != 0 && neighbours != cohortSize - 1) {
      throw new IllegalArgumentException(
          "neighbours must be even or cohortSize - 1 = "
              + (cohortSize - 1)
              + ". Provided value: "
              + neighbours);
    }
    byte[] g =
        Kdf.hkdfSha256()
            .derive(seed, null, Kdf.info(Kdf.NEIGHBOUR_GRAPH, 0, cohortSize, neighbours), 32);
    KeystreamReader stream = new KeystreamReader(g);
    int[] perm = new int[cohortSize];
    for (int i = 0; i < cohortSize; i++) {
      perm[i] = i;
    }
    for (int i = cohortSize - 1; i >= 1; i--) {
      int j = stream.nextInt(i + 1);
      int tmp = perm[i];
      perm[i] = perm[j];
      perm[j] = tmp;
    }
    return new NeighbourGraph(cohortSize, neighbours, perm);
  }

  /** {@link #create} with {@link #defaultNeighbours(int)}. */
  public static NeighbourGraph create(byte[] seed, int cohortSize) {
    return create(seed, cohortSize, defaultNeighbours(cohortSize));
  }

  /**
   * {@code min(n - 1, 2 * ceil(c * log2(n) / 2))} with {@code c = NEIGHBOURS_PER_LOG2}: the
   * smallest even number {@code >= c log2 n}, or the complete graph for small cohorts.
   */
  public static int defaultNeighbours(int cohortSize) {
    if (cohortSize < 1) {
      throw new IllegalArgumentException("cohortSize must be >= 1. Provided value: " + cohortSize);
    }
    if (cohortSize == 1) {
      return 0;
    }
    double log2 = Math.log(cohortSize) / Math.log(2);
    int k = 2 * (int) Math.ceil(NEIGHBOURS_PER_LOG2 * log2 / 2);
    return Math.min(cohortSize - 1, k);
  }

  /**
   * The default reconstruction threshold for {@code k} neighbours: {@code t = floor((k + 1) / 2) +
   * 1}, a strict majority of the {@code k + 1} holders of a client's shares (its neighbours and
   * itself, as in Flower's SecAgg+). Because {@code 2t > k + 1}, honest holders, each of which
   * reveals for a given client either a self-mask share or a key share but never both, can never
   * hand a server that lies about who dropped {@code t} shares of both kinds. For even {@code k}
   * this is {@code k/2 + 1}.
   */
  public static int defaultThreshold(int neighbours) {
    if (neighbours < 0) {
      throw new IllegalArgumentException("neighbours must be >= 0. Provided value: " + neighbours);
    }
    return (neighbours + 1) / 2 + 1;
  }

  public int cohortSize() {
    return cohortSize;
  }

  /** Neighbours per client. */
  public int neighbours() {
    return neighbours;
  }

  /** The neighbours of {@code client}, ascending. */
  public int[] neighboursOf(int client) {
    return adjacency[checkClient(client)].clone();
  }

  /** Whether {@code a} and {@code b} are neighbours (false for {@code a == b}). */
  public boolean areNeighbours(int a, int b) {
    return Arrays.binarySearch(adjacency[checkClient(a)], checkClient(b)) >= 0;
  }

  /** The shuffled order of clients on the ring, for the golden vector. */
  int[] permutation() {
    return permutation.clone();
  }

  private int checkClient(int client) {
    if (client < 0 || client >= cohortSize) {
      throw new IllegalArgumentException(
          "client must be in [0, " + (cohortSize - 1) + "]. Provided value: " + client);
    }
    return client;
  }
}
