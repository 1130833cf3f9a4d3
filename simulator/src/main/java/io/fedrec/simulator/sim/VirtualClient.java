package io.fedrec.simulator.sim;

import io.fedrec.client.LocalDataSource;
import io.fedrec.core.model.UserRatings;
import io.fedrec.simulator.data.RatingsData;
import java.util.AbstractList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/**
 * The data of one simulated client: a contiguous run of users of the shared training data,
 * served as views over its arrays (no copies). User ids are the users' indices as decimal
 * strings, in index order, so a silo sums its users' updates in a fixed order.
 *
 * <p>Immutable and thread-safe.
 */
final class VirtualClient implements LocalDataSource {
  private final String clientId;
  private final RatingsData train;
  private final int[] users;
  private final int from;
  private final int to;

  /** The users {@code users[from, to)}, sorted ascending. */
  VirtualClient(String clientId, RatingsData train, int[] users, int from, int to) {
    this.clientId = clientId;
    this.train = train;
    this.users = users;
    this.from = from;
    this.to = to;
  }

  String clientId() {
    return clientId;
  }

  int numUsers() {
    return to - from;
  }

  @Override
  public Collection<String> userIds() {
    return ids();
  }

  private List<String> ids() {
    return new AbstractList<>() {
      @Override
      public String get(int index) {
        if (index < 0 || index >= to - from) {
          throw new IndexOutOfBoundsException(index);
        }
        return Integer.toString(users[from + index]);
      }

      @Override
      public int size() {
        return to - from;
      }
    };
  }

  @Override
  public UserRatings ratings(String userId) {
    int u;
    try {
      u = Integer.parseInt(userId);
    } catch (NumberFormatException e) {
      return null;
    }
    if (Arrays.binarySearch(users, from, to, u) < 0) {
      return null;
    }
    return train.user(u);
  }

  @Override
  public String toString() {
    return "VirtualClient{" + clientId + ", users=" + (to - from) + "}";
  }
}
