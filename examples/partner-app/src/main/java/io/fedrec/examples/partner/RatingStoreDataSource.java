package io.fedrec.examples.partner;

import io.fedrec.client.LocalDataSource;
import io.fedrec.core.model.UserRatings;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * Adapts the partner's {@link RatingStore} to the SDK's {@link LocalDataSource}. This is the only
 * place where the partner's data model meets the SDK's: ratings are converted on every read, so a
 * store that changes between rounds is picked up in the next round without any notification.
 *
 * <p>Thread-safe when the store is (see {@link RatingStore}).
 */
public final class RatingStoreDataSource implements LocalDataSource {
  private final RatingStore store;

  public RatingStoreDataSource(RatingStore store) {
    this.store = Objects.requireNonNull(store, "store");
  }

  @Override
  public Collection<String> userIds() {
    // The iteration order fixes the order in which the SDK sums per-user updates; the store's
    // stable order keeps updates reproducible.
    return store.users();
  }

  @Override
  public UserRatings ratings(String userId) {
    List<Rating> ratings = store.ratingsOf(userId);
    if (ratings == null) {
      return null;
    }
    int[] items = new int[ratings.size()];
    float[] values = new float[ratings.size()];
    for (int j = 0; j < items.length; j++) {
      Rating r = ratings.get(j);
      items[j] = r.item();
      values[j] = r.value();
    }
    return UserRatings.of(items, values);
  }
}
