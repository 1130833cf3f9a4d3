package io.fedrec.examples.partner;

import java.util.List;

/**
 * The partner's own rating store: whatever the platform already has (a database, a cache, a
 * feature store). The SDK never sees this interface; {@link RatingStoreDataSource} adapts it to
 * the SDK's {@link io.fedrec.client.LocalDataSource}.
 *
 * <p><b>Thread safety:</b> implementations must allow concurrent reads, because the SDK's loop
 * (and its training threads) read while the serving path reads.
 */
public interface RatingStore {

  /** The users this platform holds, in a stable order. */
  List<String> users();

  /**
   * The ratings of {@code user}, at most one per item: an empty list for a known user without
   * ratings, {@code null} for an unknown user.
   */
  List<Rating> ratingsOf(String user);
}
