package io.fedrec.core.dp;

/** Which accountant {@link NoiseCalibration} uses; each constant makes fresh, empty accountants. */
public enum AccountantKind {
  /** {@link RdpAccountant} over TF Privacy's default orders: fast, a few percent loose. */
  RDP {
    @Override
    public PrivacyAccountant newAccountant() {
      return RdpAccountant.create();
    }
  },
  /**
   * {@link PldAccountant} at {@link PldAccountant#DEFAULT_VALUE_DISCRETIZATION_INTERVAL}:
   * numerically tight, and 10-1000 times slower than {@link #RDP}.
   */
  PLD {
    @Override
    public PrivacyAccountant newAccountant() {
      return PldAccountant.create();
    }
  };

  /** A new accountant with nothing composed. */
  public abstract PrivacyAccountant newAccountant();
}
