package io.fedrec.core.secagg;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.SecureRandomSpi;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * A <b>predictable</b> {@link SecureRandom} for tests, golden vectors and reproducible
 * simulations — never for protecting real users: anyone who knows the seed recomputes every key,
 * share and mask.
 *
 * <p>Specified so that a second implementation can reproduce the golden vectors: {@code k =
 * HKDF-SHA256(IKM = uint64_be(seed), salt = none, info = ASCII("fedrec/secagg/v1/test-random"), L
 * = 32)}; the output is the AES-128-CTR keystream with key {@code k[0..16)} and initial counter
 * block {@code k[16..32)} (the same construction as {@link MaskPrg}), handed out in order by
 * {@code nextBytes}. {@code setSeed} is ignored.
 *
 * <p>Not thread-safe.
 */
final class TestingRandom extends SecureRandomSpi {
  private final Cipher cipher;

  private TestingRandom(long seed) {
    byte[] ikm = new byte[8];
    Bytes.putLong(ikm, 0, seed);
    byte[] k =
        Kdf.hkdfSha256()
            .derive(ikm, null, Kdf.TEST_RANDOM.getBytes(StandardCharsets.US_ASCII), 32);
    try {
      cipher = Cipher.getInstance("AES/CTR/NoPadding");
      cipher.init(
          Cipher.ENCRYPT_MODE, new SecretKeySpec(k, 0, 16, "AES"), new IvParameterSpec(k, 16, 16));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES/CTR/NoPadding unavailable in this JDK", e);
    }
  }

  /** Returns the deterministic stream for {@code seed}, for tests and simulations only. */
  static SecureRandom forTesting(long seed) {
    return new SecureRandom(new TestingRandom(seed), null) {
      @Override
      public String getAlgorithm() {
        return "fedrec-secagg-test-random";
      }
    };
  }

  @Override
  protected void engineSetSeed(byte[] seed) {
    // Ignored: the stream depends on the constructor seed only, so runs stay reproducible.
  }

  @Override
  protected void engineNextBytes(byte[] bytes) {
    if (bytes.length == 0) {
      return;
    }
    byte[] ks = cipher.update(new byte[bytes.length]);
    System.arraycopy(ks, 0, bytes, 0, bytes.length);
  }

  @Override
  protected byte[] engineGenerateSeed(int numBytes) {
    byte[] out = new byte[numBytes];
    engineNextBytes(out);
    return out;
  }
}
