package io.fedrec.core.dp;

/**
 * Deterministic {@link RandomSource} for tests and simulations only: xoshiro256** (Blackman and
 * Vigna, "Scrambled Linear Pseudorandom Number Generators", ACM TOMS 47(4), 2021) with its state
 * filled by SplitMix64 from the seed, as the authors recommend. Fast and statistically strong,
 * but <b>not cryptographic</b>: never use it for noise that must protect anyone.
 */
final class SeededRandomSource implements RandomSource {
  private long s0;
  private long s1;
  private long s2;
  private long s3;
  private long bits;
  private int bitsLeft;

  SeededRandomSource(long seed) {
    long x = seed;
    x += 0x9E3779B97F4A7C15L;
    s0 = splitMix(x);
    x += 0x9E3779B97F4A7C15L;
    s1 = splitMix(x);
    x += 0x9E3779B97F4A7C15L;
    s2 = splitMix(x);
    x += 0x9E3779B97F4A7C15L;
    s3 = splitMix(x);
  }

  private static long splitMix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  @Override
  public long nextLong() {
    long result = Long.rotateLeft(s1 * 5, 7) * 9;
    long t = s1 << 17;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = Long.rotateLeft(s3, 45);
    return result;
  }

  @Override
  public int nextInt() {
    return (int) (nextLong() >>> 32); // the high bits are the strongest
  }

  @Override
  public boolean nextBoolean() {
    if (bitsLeft == 0) {
      bits = nextLong();
      bitsLeft = 64;
    }
    bitsLeft--;
    boolean bit = bits < 0;
    bits <<= 1;
    return bit;
  }
}
