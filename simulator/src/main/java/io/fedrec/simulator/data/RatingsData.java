package io.fedrec.simulator.data;

import io.fedrec.core.model.UserRatings;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Explicit ratings grouped by user in compressed sparse row (CSR) form: user {@code u}'s ratings
 * are {@code items[offsets[u] .. offsets[u + 1])} with the matching {@code ratings} and
 * {@code timestamps}. Users are {@code 0 .. numUsers - 1}, items {@code 0 .. numItems - 1}; within
 * a user, ratings keep the order in which they were added. Each (user, item) pair occurs at most
 * once.
 *
 * <p>Immutable and thread-safe: the arrays are filled once by the {@link Builder} and never handed
 * out; {@link #user(int)} returns a read-only {@link UserRatings} view over them, without copying,
 * so that thousands of virtual clients can share one data set.
 */
public final class RatingsData {
  private final int numUsers;
  private final int numItems;
  private final int[] offsets;
  private final int[] items;
  private final float[] ratings;
  private final long[] timestamps;
  private final String[] userLabels;
  private final String[] itemLabels;
  private final float minRating;
  private final float maxRating;
  private final double meanRating;

  private RatingsData(
      int numUsers,
      int numItems,
      int[] offsets,
      int[] items,
      float[] ratings,
      long[] timestamps,
      String[] userLabels,
      String[] itemLabels) {
    this.numUsers = numUsers;
    this.numItems = numItems;
    this.offsets = offsets;
    this.items = items;
    this.ratings = ratings;
    this.timestamps = timestamps;
    this.userLabels = userLabels;
    this.itemLabels = itemLabels;
    float min = Float.POSITIVE_INFINITY;
    float max = Float.NEGATIVE_INFINITY;
    double sum = 0;
    for (float r : ratings) {
      min = Math.min(min, r);
      max = Math.max(max, r);
      sum += r;
    }
    this.minRating = ratings.length == 0 ? Float.NaN : min;
    this.maxRating = ratings.length == 0 ? Float.NaN : max;
    this.meanRating = ratings.length == 0 ? Double.NaN : sum / ratings.length;
  }

  /** A builder for a data set over {@code numUsers} users and {@code numItems} items. */
  public static Builder builder(int numUsers, int numItems) {
    return new Builder(numUsers, numItems);
  }
  /**
   * A builder that takes whole users in order ({@link UserStream#append}), writing straight into
   * the compact arrays: 8 bytes per rating while building, against about 20 (plus a sort) for
   * {@link #builder}, which matters when a generator streams tens of millions of ratings.
   */
  public static UserStream userStream(int numUsers, int numItems) {
    return new UserStream(numUsers, numItems);
  }

  /**
   * Builds a data set user by user, in user order: {@link #append} the ratings of user 0, then of
   * user 1, and so on for every user (possibly with none), then {@link #build}. The result equals
   * what {@link Builder} gives for the same ratings added in the same order. Not thread-safe.
   */
  public static final class UserStream {
    private final int numUsers;
    private final int numItems;
    private final int[] offsets;
    private final int[] lastUserOfItem;
    private int[] items = new int[1024];
    private float[] ratings = new float[1024];
    private int users;
    private int size;

    private UserStream(int numUsers, int numItems) {
      if (numUsers < 0 || numItems < 0) {
        throw new IllegalArgumentException("numUsers and numItems must be >= 0. Provided values: "
            + numUsers + ", " + numItems);
      }
      this.numUsers = numUsers;
      this.numItems = numItems;
      this.offsets = new int[numUsers + 1];
      this.lastUserOfItem = new int[numItems];
      Arrays.fill(lastUserOfItem, -1);
    }

    /**
     * Appends the next user's {@code n} ratings: {@code userItems[0..n)} with {@code
     * userRatings[0..n)}.
     *
     * @throws IllegalArgumentException for an item out of range, a repeated item, a rating that
     *     is not finite, or more users than {@code numUsers}
     * @throws IllegalStateException past {@code Integer.MAX_VALUE} ratings
     */
    public UserStream append(int[] userItems, float[] userRatings, int n) {
      if (users >= numUsers) {
        throw new IllegalArgumentException("all " + numUsers + " users were already appended");
      }
      for (int j = 0; j < n; j++) {
        int item = userItems[j];
        if (item < 0 || item >= numItems) {
          throw new IllegalArgumentException(
              "item must be in [0, " + (numItems - 1) + "]. Provided value: " + item);
        }
        if (lastUserOfItem[item] == users) {
          throw new IllegalArgumentException(
              "duplicate rating for user " + users + " and item " + item);
        }
        lastUserOfItem[item] = users;
        if (!Float.isFinite(userRatings[j])) {
          throw new IllegalArgumentException(
              "rating must be finite. Provided value: " + userRatings[j]);
        }
      }
      if (size + (long) n > Integer.MAX_VALUE - 8) {
        throw new IllegalStateException("more than " + (Integer.MAX_VALUE - 8) + " ratings");
      }
      if (size + n > items.length) {
        int capacity = (int) Math.min(Integer.MAX_VALUE - 8,
            Math.max(size + (long) n, items.length + (items.length >> 1)));
        items = Arrays.copyOf(items, capacity);
        ratings = Arrays.copyOf(ratings, capacity);
      }
      System.arraycopy(userItems, 0, items, size, n);
      System.arraycopy(userRatings, 0, ratings, size, n);
      size += n;
      users++;
      offsets[users] = size;
      return this;
    }

    /**
     * The data set.
     *
     * @throws IllegalStateException unless every user was appended
     */
    public RatingsData build() {
      if (users != numUsers) {
        throw new IllegalStateException(
            "only " + users + " of " + numUsers + " users were appended");
      }
      return new RatingsData(numUsers, numItems, offsets, Arrays.copyOf(items, size),
          Arrays.copyOf(ratings, size), null, null, null);
    }
  }


  public int numUsers() {
    return numUsers;
  }

  public int numItems() {
    return numItems;
  }

  public int numRatings() {
    return items.length;
  }

  /** User {@code u}'s ratings as a view over the shared arrays (no copy). */
  public UserRatings user(int u) {
    checkUser(u);
    return UserRatings.wrap(items, ratings, offsets[u], offsets[u + 1]);
  }

  public int userSize(int u) {
    checkUser(u);
    return offsets[u + 1] - offsets[u];
  }

  /** The item of user {@code u}'s {@code j}-th rating. */
  public int item(int u, int j) {
    return items[index(u, j)];
  }

  /** User {@code u}'s {@code j}-th rating. */
  public float rating(int u, int j) {
    return ratings[index(u, j)];
  }

  /** The timestamp of user {@code u}'s {@code j}-th rating, 0 if the source had none. */
  public long timestamp(int u, int j) {
    int x = index(u, j);
    return timestamps == null ? 0L : timestamps[x];
  }

  /** The label of user {@code u} in the source (e.g. a CSV user id); default {@code "u"}. */
  public String userLabel(int u) {
    checkUser(u);
    return userLabels == null ? String.valueOf(u) : userLabels[u];
  }

  /** The labels array itself (callers must not mutate), or null when labels are the default. */
  String[] labelsOrNull() {
    return userLabels;
  }

  /**
   * The label of item {@code i} in the source, e.g. the MovieLens movie id of a data set whose
   * sparse ids were mapped to dense indices; default {@code "i"}.
   */
  public String itemLabel(int i) {
    if (i < 0 || i >= numItems) {
      throw new IndexOutOfBoundsException(
          "item must be in [0, " + numItems + "). Provided value: " + i);
    }
    return itemLabels == null ? String.valueOf(i) : itemLabels[i];
  }

  /** The item labels array itself (callers must not mutate), or null for the default. */
  String[] itemLabelsOrNull() {
    return itemLabels;
  }

  /** Mean of all ratings, NaN when there are none. */
  public double meanRating() {
    return meanRating;
  }

  /** Smallest rating, NaN when there are none. */
  public float minRating() {
    return minRating;
  }

  /** Largest rating, NaN when there are none. */
  public float maxRating() {
    return maxRating;
  }

  /** Number of ratings of each item. */
  public int[] itemCounts() {
    int[] counts = new int[numItems];
    for (int item : items) {
      counts[item]++;
    }
    return counts;
  }

  /**
   * Writes {@code user,item,rating} rows with a header line, users in index order and labelled by
   * {@link #userLabel}. {@link CsvRatings#read(Path, int)} reads back the same ratings and labels;
   * user indices are preserved too when every user has at least one rating (a user without
   * ratings has no row). Used to hand a client process its users' data.
   */
  public void writeCsv(Path file) throws IOException {
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      w.write("user,item,rating\n");
      StringBuilder line = new StringBuilder(64);
      for (int u = 0; u < numUsers; u++) {
        String label = userLabel(u);
        for (int x = offsets[u]; x < offsets[u + 1]; x++) {
          line.setLength(0);
          line.append(label).append(',').append(items[x]).append(',');
          float r = ratings[x];
          if (r == Math.rint(r) && Math.abs(r) < 1e9f) {
            line.append((long) r);
          } else {
            line.append(r);
          }
          line.append('\n');
          w.append(line);
        }
      }
    }
  }

  private int index(int u, int j) {
    checkUser(u);
    int size = offsets[u + 1] - offsets[u];
    if (j < 0 || j >= size) {
      throw new IndexOutOfBoundsException(
          "j must be in [0, " + size + ") for user " + u + ". Provided value: " + j);
    }
    return offsets[u] + j;
  }

  private void checkUser(int u) {
    if (u < 0 || u >= numUsers) {
      throw new IndexOutOfBoundsException(
          "user must be in [0, " + numUsers + "). Provided value: " + u);
    }
  }

  @Override
  public String toString() {
    return "RatingsData{users=" + numUsers + ", items=" + numItems + ", ratings=" + numRatings()
        + "}";
  }

  /**
   * Collects ratings in any order; {@link #build()} groups them by user (stable: each user's
   * ratings keep insertion order) and rejects a repeated (user, item) pair.
   *
   * <p>Not thread-safe.
   */
  public static final class Builder {
    private final int numUsers;
    private final int numItems;
    private int size;
    private int[] users = new int[1024];
    private int[] items = new int[1024];
    private float[] ratings = new float[1024];
    private long[] timestamps = new long[1024];
    private boolean anyTimestamp;
    private String[] userLabels;
    private String[] itemLabels;
    private boolean built;

    private Builder(int numUsers, int numItems) {
      if (numUsers < 0) {
        throw new IllegalArgumentException("numUsers must be >= 0. Provided value: " + numUsers);
      }
      if (numItems < 1) {
        throw new IllegalArgumentException("numItems must be >= 1. Provided value: " + numItems);
      }
      this.numUsers = numUsers;
      this.numItems = numItems;
    }

    /** Adds a rating without a timestamp. */
    public Builder add(int user, int item, float rating) {
      return add(user, item, rating, 0L);
    }

    /** Adds one rating; {@code timestamp} is kept as given (0 means none). */
    public Builder add(int user, int item, float rating, long timestamp) {
      if (built) {
        throw new IllegalStateException("builder already built");
      }
      if (user < 0 || user >= numUsers) {
        throw new IllegalArgumentException(
            "user must be in [0, " + (numUsers - 1) + "]. Provided value: " + user);
      }
      if (item < 0 || item >= numItems) {
        throw new IllegalArgumentException(
            "item must be in [0, " + (numItems - 1) + "]. Provided value: " + item);
      }
      if (!Float.isFinite(rating)) {
        throw new IllegalArgumentException("rating must be finite. Provided value: " + rating);
      }
      if (size == users.length) {
        int n = size * 2;
        users = Arrays.copyOf(users, n);
        items = Arrays.copyOf(items, n);
        ratings = Arrays.copyOf(ratings, n);
        timestamps = Arrays.copyOf(timestamps, n);
      }
      users[size] = user;
      items[size] = item;
      ratings[size] = rating;
      timestamps[size] = timestamp;
      anyTimestamp |= timestamp != 0L;
      size++;
      return this;
    }

    /** Labels of users {@code 0 .. numUsers - 1} (copied); default: the index as a string. */
    public Builder userLabels(String[] labels) {
      if (labels.length != numUsers) {
        throw new IllegalArgumentException(
            "userLabels length must equal numUsers " + numUsers + ". Provided value: "
                + labels.length);
      }
      this.userLabels = labels.clone();
      return this;
    }

    /** Labels of items {@code 0 .. numItems - 1} (copied); default: the index as a string. */
    public Builder itemLabels(String[] labels) {
      if (labels.length != numItems) {
        throw new IllegalArgumentException(
            "itemLabels length must equal numItems " + numItems + ". Provided value: "
                + labels.length);
      }
      this.itemLabels = labels.clone();
      return this;
    }

    /** Number of ratings added so far. */
    public int size() {
      return size;
    }

    /**
     * The insertion indices {@code {first, second}} of the first repeated (user, item) pair, in
     * the order of the second occurrence, or null when there is none. Loaders use it to report
     * the offending lines.
     */
    int[] findDuplicate() {
      int[] firstOf = firstOccurrences(users, items, size, numUsers, numItems);
      if (firstOf != null) {
        for (int x = 0; x < size; x++) {
          if (firstOf[x] >= 0) {
            return new int[] {firstOf[x], x};
          }
        }
      }
      return null;
    }

    /**
     * Groups the ratings by user.
     *
     * @throws IllegalArgumentException if a (user, item) pair was added twice
     */
    public RatingsData build() {
      int[] dup = findDuplicate();
      if (dup != null) {
        throw new IllegalArgumentException(
            "duplicate rating for user " + users[dup[1]] + " and item " + items[dup[1]]
                + " (ratings #" + (dup[0] + 1) + " and #" + (dup[1] + 1) + ")");
      }
      int[] order = groupByUser();
      int[] offsets = new int[numUsers + 1];
      for (int x = 0; x < size; x++) {
        offsets[users[x] + 1]++;
      }
      for (int u = 0; u < numUsers; u++) {
        offsets[u + 1] += offsets[u];
      }
      int[] outItems = new int[size];
      float[] outRatings = new float[size];
      long[] outTimestamps = anyTimestamp ? new long[size] : null;
      for (int y = 0; y < size; y++) {
        int x = order[y];
        outItems[y] = items[x];
        outRatings[y] = ratings[x];
        if (outTimestamps != null) {
          outTimestamps[y] = timestamps[x];
        }
      }
      built = true;
      return new RatingsData(
          numUsers, numItems, offsets, outItems, outRatings, outTimestamps, userLabels,
          itemLabels);
    }

    /** Insertion indices sorted by user, stable (counting sort). */
    private int[] groupByUser() {
      return RatingsData.groupByUser(users, size, numUsers);
    }
  }

  /** Indices {@code 0 .. size - 1} sorted by {@code users[x]}, stable (counting sort). */
  static int[] groupByUser(int[] users, int size, int numUsers) {
    int[] start = new int[numUsers + 1];
    for (int x = 0; x < size; x++) {
      start[users[x] + 1]++;
    }
    for (int u = 0; u < numUsers; u++) {
      start[u + 1] += start[u];
    }
    int[] order = new int[size];
    for (int x = 0; x < size; x++) {
      order[start[users[x]]++] = x;
    }
    return order;
  }

  /**
   * For each of the first {@code size} (user, item) pairs, the index of the pair's first
   * occurrence when it repeats one, else -1; null when no pair repeats. O(size + numUsers +
   * numItems): pairs are scanned grouped by user (stable, so a first occurrence comes first),
   * and per item the last user who rated it, and where, is enough to see a repeat.
   */
  static int[] firstOccurrences(int[] users, int[] items, int size, int numUsers, int numItems) {
    int[] lastUser = new int[numItems];
    int[] lastIndex = new int[numItems];
    Arrays.fill(lastUser, -1);
    int[] firstOf = null;
    for (int x : groupByUser(users, size, numUsers)) {
      int item = items[x];
      if (lastUser[item] == users[x]) {
        if (firstOf == null) {
          firstOf = new int[size];
          Arrays.fill(firstOf, -1);
        }
        firstOf[x] = lastIndex[item];
      } else {
        lastUser[item] = users[x];
        lastIndex[item] = x;
      }
    }
    return firstOf;
  }
}
