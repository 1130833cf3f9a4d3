package io.fedrec.client;

import io.fedrec.core.model.UserRatings;
import java.util.Collection;

/**
 * The host application's ratings, read by the SDK in place: nothing here is copied out of the
 * process.
 *
 * <pre>{@code
 * LocalDataSource data = new LocalDataSource() {
 *   public Collection<String> userIds() { return store.userIds(); }
 *   public UserRatings ratings(String user) { return store.ratingsOf(user); }
 * };
 * }</pre>
 *
 * <p>Item ids are catalogue indices {@code 0 .. num_items - 1} agreed by the federation. User ids
 * are the host's own and never reach the coordinator.
 *
 * <p><b>Thread safety:</b> implementations must be safe for concurrent reads: the participation
 * loop reads users (possibly from several training threads) while callers of {@link
 * FederatedClient#recommend} read them from their own threads.
 */
public interface LocalDataSource {

  /**
   * The users whose ratings this client holds. Called once per round; the iteration order fixes
   * the order in which per-user updates are summed, so a stable order gives reproducible updates.
   */
  Collection<String> userIds();

  /**
   * The ratings of {@code userId}: an empty {@link UserRatings} for a known user without ratings,
   * {@code null} for an unknown user.
   */
  UserRatings ratings(String userId);
}
