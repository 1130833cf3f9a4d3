package io.fedrec.simulator.sim;

import io.fedrec.simulator.data.RatingsData;
import io.fedrec.simulator.data.Split;

/**
 * Turns rating data into implicit feedback for {@code --feedback implicit}: every rating becomes
 * an interaction of strength 1, whatever its value, so the confidence of every interaction is
 * {@code 1 + alpha} (Hu, Koren, Volinsky, ICDM 2008, with binary {@code r_ui}). This is the reading
 * of MovieLens in the implicit-feedback literature (He et al., "Neural Collaborative Filtering",
 * WWW 2017, Section 4.1: "transformed it into implicit data, where each entry is marked as 0 or
 * 1"), and on MovieLens-100K leave-one-out it ranked better than rating-weighted confidence (see
 * docs/research.md, "Implicit feedback"). Timestamps and user labels are kept, so {@code
 * DataSets.leaveOneOut} may run before or after.
 *
 * <p>Thread-safe (stateless).
 */
public final class ImplicitFeedback {
  private ImplicitFeedback() {}

  /** The split with every rating's value replaced by 1. */
  public static Split binary(Split split) {
    return new Split(split.dataset(), split.splitName(), binary(split.train()),
        binary(split.test()));
  }

  /** {@code data} with every rating's value replaced by 1. */
  public static RatingsData binary(RatingsData data) {
    RatingsData.Builder b = RatingsData.builder(data.numUsers(), data.numItems());
    String[] labels = new String[data.numUsers()];
    for (int u = 0; u < data.numUsers(); u++) {
      labels[u] = data.userLabel(u);
      for (int j = 0; j < data.userSize(u); j++) {
        b.add(u, data.item(u, j), 1f, data.timestamp(u, j));
      }
    }
    return b.userLabels(labels).build();
  }
}
