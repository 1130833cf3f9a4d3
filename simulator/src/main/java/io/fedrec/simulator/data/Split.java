package io.fedrec.simulator.data;

import java.util.Objects;

/**
 * A train/test split of one data set over the same user and item index spaces: user {@code u}
 * of {@code train} is user {@code u} of {@code test}.
 *
 * @param dataset name of the data set, e.g. {@code "movielens-100k"}
 * @param splitName name of the split, e.g. {@code "u1"} or {@code "random"}
 * @param train the ratings used for training (and for reconstructing users at evaluation)
 * @param test the held-out ratings
 */
public record Split(String dataset, String splitName, RatingsData train, RatingsData test) {

  public Split {
    Objects.requireNonNull(dataset, "dataset");
    Objects.requireNonNull(splitName, "splitName");
    Objects.requireNonNull(train, "train");
    Objects.requireNonNull(test, "test");
    if (train.numUsers() != test.numUsers() || train.numItems() != test.numItems()) {
      throw new IllegalArgumentException(
          "train and test must have the same numUsers and numItems. Provided values: train "
              + train.numUsers() + " x " + train.numItems() + ", test " + test.numUsers()
              + " x " + test.numItems());
    }
  }

  public int numUsers() {
    return train.numUsers();
  }

  public int numItems() {
    return train.numItems();
  }
}
