package io.fedrec.simulator.baseline;

import io.fedrec.core.model.UserRatings;
import io.fedrec.simulator.data.RatingsData;

/**
 * The ratings of a {@link RatingsData} grouped by item (compressed sparse columns): item {@code
 * i}'s raters are {@code users[offsets[i] .. offsets[i + 1])}, in user order. Package-private,
 * immutable after construction.
 */
final class ItemIndex {
  final int[] offsets;
  final int[] users;
  final float[] ratings;

  ItemIndex(RatingsData data) {
    int m = data.numItems();
    offsets = new int[m + 1];
    for (int u = 0; u < data.numUsers(); u++) {
      UserRatings r = data.user(u);
      for (int j = 0; j < r.size(); j++) {
        offsets[r.item(j) + 1]++;
      }
    }
    for (int i = 0; i < m; i++) {
      offsets[i + 1] += offsets[i];
    }
    int[] next = offsets.clone();
    users = new int[data.numRatings()];
    ratings = new float[data.numRatings()];
    for (int u = 0; u < data.numUsers(); u++) {
      UserRatings r = data.user(u);
      for (int j = 0; j < r.size(); j++) {
        int x = next[r.item(j)]++;
        users[x] = u;
        ratings[x] = r.rating(j);
      }
    }
  }

  int size(int item) {
    return offsets[item + 1] - offsets[item];
  }
}
