package io.fedrec.client;

import io.fedrec.core.model.UserRatings;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** An insertion-ordered, immutable data source for tests. */
public final class MapDataSource implements LocalDataSource {
  private final Map<String, UserRatings> users;

  private MapDataSource(Map<String, UserRatings> users) {
    this.users = users;
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public Collection<String> userIds() {
    return List.copyOf(users.keySet());
  }

  @Override
  public UserRatings ratings(String userId) {
    return users.get(userId);
  }

  /** Builds a {@link MapDataSource}. */
  public static final class Builder {
    private final Map<String, UserRatings> users = new LinkedHashMap<>();

    public Builder user(String id, int[] items, float[] ratings) {
      users.put(id, UserRatings.of(items, ratings));
      return this;
    }

    public MapDataSource build() {
      return new MapDataSource(new LinkedHashMap<>(users));
    }
  }
}
