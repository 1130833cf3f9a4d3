package io.fedrec.simulator.sim;

import io.fedrec.simulator.data.Split;

/**
 * Size of the data a simulation ran on, as reported in {@code summary.json}.
 *
 * @param dataset data set name, e.g. {@code synthetic} or {@code movielens-100k}
 * @param split split name, e.g. {@code u1} or {@code random}
 * @param users users in the catalogue of the split
 * @param items items in the catalogue
 * @param trainRatings ratings in the training part
 * @param testRatings ratings in the test part
 */
public record DataStats(
    String dataset, String split, int users, int items, long trainRatings, long testRatings) {

  public static DataStats of(Split split) {
    return new DataStats(split.dataset(), split.splitName(), split.numUsers(), split.numItems(),
        split.train().numRatings(), split.test().numRatings());
  }
}
