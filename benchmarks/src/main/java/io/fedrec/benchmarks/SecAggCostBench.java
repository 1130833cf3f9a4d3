package io.fedrec.benchmarks;

import io.fedrec.core.secagg.NeighbourGraph;
import io.fedrec.core.secagg.SecAggClient;
import io.fedrec.core.secagg.SecAggMessages.AdvertiseKeys;
import io.fedrec.core.secagg.SecAggMessages.KeyDirectory;
import io.fedrec.core.secagg.SecAggMessages.MaskedInput;
import io.fedrec.core.secagg.SecAggMessages.ShareDelivery;
import io.fedrec.core.secagg.SecAggMessages.ShareKeys;
import io.fedrec.core.secagg.SecAggMessages.UnmaskRequest;
import io.fedrec.core.secagg.SecAggMessages.UnmaskResponse;
import io.fedrec.core.secagg.SecAggParameters;
import io.fedrec.core.secagg.SecAggResult;
import io.fedrec.core.secagg.SecAggServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;

/**
 * The cost of one SecAgg+ round as a function of cohort size {@code n}, vector length {@code d}
 * and dropout rate (issue 4): every client and the server run the real protocol objects of
 * {@code core/secagg} in this JVM (no network), and each step is timed separately.
 *
 * <ul>
 *   <li>Client time per phase is the mean over clients of the wall time of their own call
 *       (advertise keys; share keys; masked input, i.e. decrypting shares and expanding {@code
 *       k + 1} masks over {@code d} coordinates; unmask). Clients run on a pool of {@code
 *       --threads}; a client's cost depends on its {@code k} neighbours, not on {@code n}.
 *   <li>Server time per phase is the wall time of receiving that phase's messages plus closing
 *       it; unmasking reconstructs every survivor's self-mask seed and every dropped client's key
 *       (Shamir) and removes the masks: O(n d) for self masks plus O(dropped k d) for pairwise
 *       ones — near-linear in n because k = O(log n).
 *   <li>Dropouts: a fraction {@code p} of clients vanish, spread evenly over the four phases
 *       (before advertising, sharing, masking, unmasking); the round must still complete.
 *   <li>Bytes: message sizes in the canonical encoding ({@code toBytes()}), per client, and the
 *       expansion factor: upload / the plaintext upload of {@code d} 32-bit coordinates.
 * </ul>
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar io.fedrec.benchmarks.SecAggCostBench
 * [--n 100,1000] [--d 10000,100000,1000000] [--dropout 0,0.1,0.3] [--threads 2] [--repeat 2]}.
 * Runs each cell {@code --repeat} times and prints the last (the earlier ones warm the JIT up);
 * one tab-separated row per cell, with a header. Not run in CI.
 */
public final class SecAggCostBench {
  private SecAggCostBench() {}

  public static void main(String[] args) throws Exception {
    int[] ns = {100, 1000};
    int[] ds = {10_000, 100_000, 1_000_000};
    double[] dropouts = {0, 0.1, 0.3};
    int threads = 2;
    int repeat = 2;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--n" -> ns = ints(args[i + 1]);
        case "--d" -> ds = ints(args[i + 1]);
        case "--dropout" -> dropouts = doubles(args[i + 1]);
        case "--threads" -> threads = Integer.parseInt(args[i + 1]);
        case "--repeat" -> repeat = Integer.parseInt(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    System.out.println("n\tk\tt\td\tdropout\tsurvivors\tclient_advertise_ms\tclient_share_ms"
        + "\tclient_mask_ms\tclient_unmask_ms\tclient_total_ms\tserver_advertise_ms"
        + "\tserver_share_ms\tserver_mask_ms\tserver_unmask_ms\tserver_total_ms"
        + "\tbytes_up_per_client\tbytes_down_per_client\texpansion_up\tcompleted");
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      run(50, 1000, 0.1, pool); // warm-up, not printed
      for (int n : ns) {
        for (int d : ds) {
          for (double p : dropouts) {
            String row = null;
            for (int r = 0; r < repeat; r++) {
              row = run(n, d, p, pool); // the earlier repetitions warm the JIT up for this size
            }
            System.out.println(row);
          }
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** One round; returns the table row. */
  static String run(int n, int d, double dropout, ExecutorService pool) throws Exception {
    int k = NeighbourGraph.defaultNeighbours(n);
    int t = NeighbourGraph.defaultThreshold(k);
    byte[] seed = new byte[32];
    new SplittableRandom(n * 31L + d).nextBytes(seed);
    SecAggParameters params = new SecAggParameters(1, n, k, t, 32, d, seed);
    NeighbourGraph graph = params.graph();
    // drop point per client: 0..3 = before that phase, 4 = never
    int[] dropAt = new int[n];
    SplittableRandom random = new SplittableRandom(7);
    for (int i = 0; i < n; i++) {
      dropAt[i] = random.nextDouble() < dropout ? random.nextInt(4) : 4;
    }
    SecAggClient[] clients = new SecAggClient[n];
    for (int i = 0; i < n; i++) {
      clients[i] = SecAggClient.create(params, i, graph);
    }
    SecAggServer server = SecAggServer.create(params, graph);
    long[] up = new long[n];
    long[] down = new long[n];
    double[] clientMs = new double[4];
    int[] clientCount = new int[4];
    double[] serverMs = new double[4];

    // phase 0
    List<AdvertiseKeys> keys = timed(pool, n, i -> dropAt[i] > 0 ? clients[i].advertiseKeys() : null,
        clientMs, clientCount, 0);
    long s0 = System.nanoTime();
    for (AdvertiseKeys m : keys) {
      if (m != null) {
        up[m.client()] += m.toBytes().length;
        server.receive(m);
      }
    }
    List<KeyDirectory> dirs = server.closeAdvertiseKeys();
    serverMs[0] = (System.nanoTime() - s0) / 1e6;
    KeyDirectory[] dir = new KeyDirectory[n];
    for (KeyDirectory x : dirs) {
      dir[x.recipient()] = x;
      down[x.recipient()] += x.toBytes().length;
    }
    // phase 1
    List<ShareKeys> shares = timed(pool, n,
        i -> dir[i] != null && dropAt[i] > 1 ? clients[i].shareKeys(dir[i]) : null,
        clientMs, clientCount, 1);
    long s1 = System.nanoTime();
    for (ShareKeys m : shares) {
      if (m != null) {
        up[m.sender()] += m.toBytes().length;
        server.receive(m);
      }
    }
    List<ShareDelivery> deliveries = server.closeShareKeys();
    serverMs[1] = (System.nanoTime() - s1) / 1e6;
    ShareDelivery[] del = new ShareDelivery[n];
    for (ShareDelivery x : deliveries) {
      del[x.recipient()] = x;
      down[x.recipient()] += x.toBytes().length;
    }
    // phase 2, in batches so that at most a batch of d-length vectors is alive at a time
    long s2total = 0;
    int batch = 64;
    for (int from = 0; from < n; from += batch) {
      int lo = from;
      int hi = Math.min(n, from + batch);
      List<MaskedInput> masked = timed(pool, hi - lo, j -> {
        int i = lo + j;
        if (del[i] == null || dropAt[i] <= 2) {
          return null;
        }
        int[] input = new int[d];
        SplittableRandom r = new SplittableRandom(i);
        for (int x = 0; x < d; x++) {
          input[x] = r.nextInt(1 << 16);
        }
        return clients[i].maskedInput(del[i], input);
      }, clientMs, clientCount, 2);
      long s2 = System.nanoTime();
      for (MaskedInput m : masked) {
        if (m != null) {
          server.receive(m);
        }
      }
      s2total += System.nanoTime() - s2;
      for (MaskedInput m : masked) {
        if (m != null) {
          up[m.client()] += m.toBytes().length;
        }
      }
    }
    long s2 = System.nanoTime();
    List<UnmaskRequest> requests = server.closeMaskedInput();
    serverMs[2] = (System.nanoTime() - s2 + s2total) / 1e6;
    UnmaskRequest[] req = new UnmaskRequest[n];
    for (UnmaskRequest x : requests) {
      req[x.recipient()] = x;
      down[x.recipient()] += x.toBytes().length;
    }
    // phase 3
    List<UnmaskResponse> answers = timed(pool, n,
        i -> req[i] != null && dropAt[i] > 3 ? clients[i].unmask(req[i]) : null,
        clientMs, clientCount, 3);
    long s3 = System.nanoTime();
    for (UnmaskResponse m : answers) {
      if (m != null) {
        up[m.client()] += m.toBytes().length;
        server.receive(m);
      }
    }
    SecAggResult result = server.phase() == io.fedrec.core.secagg.SecAggPhase.UNMASK
        ? server.closeUnmask() : server.result();
    serverMs[3] = (System.nanoTime() - s3) / 1e6;

    // bytes: mean over clients that completed the round (sent a masked input and answered)
    long upSum = 0;
    long downSum = 0;
    int full = 0;
    for (int i = 0; i < n; i++) {
      if (dropAt[i] == 4 && req[i] != null) {
        upSum += up[i];
        downSum += down[i];
        full++;
      }
    }
    double upPer = full == 0 ? 0 : (double) upSum / full;
    double downPer = full == 0 ? 0 : (double) downSum / full;
    double[] perClient = new double[4];
    double clientTotal = 0;
    for (int ph = 0; ph < 4; ph++) {
      perClient[ph] = clientCount[ph] == 0 ? 0 : clientMs[ph] / clientCount[ph];
      clientTotal += perClient[ph];
    }
    double serverTotal = serverMs[0] + serverMs[1] + serverMs[2] + serverMs[3];
    return String.format(Locale.ROOT,
        "%d\t%d\t%d\t%d\t%.2f\t%d\t%.2f\t%.2f\t%.2f\t%.2f\t%.2f\t%.1f\t%.1f\t%.1f\t%.1f\t%.1f"
            + "\t%.0f\t%.0f\t%.3f\t%s",
        n, k, t, d, dropout, result.survivors().length, perClient[0], perClient[1], perClient[2],
        perClient[3], clientTotal, serverMs[0], serverMs[1], serverMs[2], serverMs[3],
        serverTotal, upPer, downPer, upPer / (4.0 * d), result.completed());
  }

  /** Runs {@code step} for every client on the pool, adding each call's wall time. */
  private static <T> List<T> timed(ExecutorService pool, int n, IntFunction<T> step,
      double[] ms, int[] count, int phase) throws Exception {
    List<Future<long[]>> times = new ArrayList<>(n);
    List<Object> out = new ArrayList<>(n);
    Object[] results = new Object[n];
    for (int i = 0; i < n; i++) {
      int c = i;
      times.add(pool.submit(() -> {
        long start = System.nanoTime();
        T r = step.apply(c);
        long took = System.nanoTime() - start;
        results[c] = r;
        return new long[] {r == null ? 0 : 1, took};
      }));
    }
    for (Future<long[]> f : times) {
      long[] x = f.get();
      if (x[0] == 1) {
        ms[phase] += x[1] / 1e6;
        count[phase]++;
      }
    }
    for (Object r : results) {
      out.add(r);
    }
    @SuppressWarnings("unchecked")
    List<T> typed = (List<T>) out;
    return typed;
  }

  private static int[] ints(String csv) {
    String[] parts = csv.split(",");
    int[] out = new int[parts.length];
    for (int i = 0; i < parts.length; i++) {
      out[i] = Integer.parseInt(parts[i].trim());
    }
    return out;
  }

  private static double[] doubles(String csv) {
    String[] parts = csv.split(",");
    double[] out = new double[parts.length];
    for (int i = 0; i < parts.length; i++) {
      out[i] = Double.parseDouble(parts[i].trim());
    }
    return out;
  }
}
