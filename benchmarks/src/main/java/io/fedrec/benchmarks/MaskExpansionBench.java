package io.fedrec.benchmarks;

import io.fedrec.core.secagg.MaskPrg;
import java.security.GeneralSecurityException;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * SecAgg+ mask expansion against the raw AES-128-CTR keystream it is built on (issue 4: "within
 * 2x of raw AES-CTR"). Each operation expands one 32-byte seed over {@code dimension}
 * coordinates, i.e. {@code 4 * dimension} keystream bytes, including the cipher's
 * initialisation, which {@link MaskPrg#addMask} also pays once per seed.
 *
 * <ul>
 *   <li>{@link #maskAddMask}: {@code MaskPrg.aesCtr(32).addMask(acc, seed, +1)}, in place.
 *   <li>{@link #maskExpand}: {@code MaskPrg.aesCtr(32).expand(seed, n)}, allocating the result.
 *   <li>{@link #rawAesCtr}: {@code Cipher("AES/CTR/NoPadding").update} of zeros in 16 KiB chunks
 *       into one reused buffer: the keystream alone, no use of it.
 * </ul>
 *
 * <p>The auxiliary counter {@code bytes} reports keystream bytes per second.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class MaskExpansionBench {
  static final int CHUNK_BYTES = 16 * 1024;

  @Param({"10000", "100000", "1000000"})
  int dimension;

  private MaskPrg prg;
  private byte[] seed;
  private int[] acc;
  private Cipher cipher;
  private final byte[] zeros = new byte[CHUNK_BYTES];
  private final byte[] stream = new byte[CHUNK_BYTES];

  /** Keystream bytes produced, reported per second by JMH. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class Bytes {
    public long bytes;

    @Setup(Level.Iteration)
    public void reset() {
      bytes = 0;
    }
  }

  @Setup(Level.Trial)
  public void setUp() throws GeneralSecurityException {
    prg = MaskPrg.aesCtr(32);
    seed = new byte[MaskPrg.SEED_SIZE];
    new SplittableRandom(1L).nextBytes(seed);
    acc = new int[dimension];
    cipher = Cipher.getInstance("AES/CTR/NoPadding");
  }

  @Benchmark
  public int[] maskAddMask(Bytes counter) {
    prg.addMask(acc, seed, 1);
    counter.bytes += 4L * dimension;
    return acc;
  }

  @Benchmark
  public int[] maskExpand(Bytes counter) {
    int[] out = prg.expand(seed, dimension);
    counter.bytes += 4L * dimension;
    return out;
  }

  @Benchmark
  public byte[] rawAesCtr(Bytes counter) throws GeneralSecurityException {
    cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(seed, 0, 16, "AES"),
        new IvParameterSpec(seed, 16, 16));
    long remaining = 4L * dimension;
    while (remaining > 0) {
      int length = (int) Math.min(CHUNK_BYTES, remaining);
      try {
        cipher.update(zeros, 0, length, stream, 0);
      } catch (ShortBufferException e) {
        throw new IllegalStateException(e);
      }
      remaining -= length;
    }
    counter.bytes += 4L * dimension;
    return stream;
  }
}
