package io.fedrec.simulator.data;

import io.fedrec.core.model.Checks;
import io.fedrec.core.model.ModelShape;

/**
 * Parameters of {@link SyntheticDataset}; see there for the generative model. The defaults give a
 * MovieLens-like data set (3,000 users, 1,000 items, about 60 ratings per user, 178,000 ratings)
 * in well under a second, on which the mean-plus-biases baseline scores a test RMSE of about 0.84
 * and centralized MF about 0.64 (rank 8) to 0.70 (rank 16), so that learning the factors
 * visibly matters.
 *
 * @param numUsers number of users
 * @param numItems number of items
 * @param rank true latent dimension of the factors
 * @param meanRatingsPerUser mean of the (log-normal) number of ratings per user before clamping
 * @param activitySigma sigma of the log of the number of ratings per user
 * @param minRatingsPerUser lower clamp of the number of ratings per user (at least 2, so that a
 *     user can keep a training rating and still have a test rating)
 * @param popularityExponent Zipf exponent s of item popularity {@code 1 / rank^s}
 * @param globalMean mu
 * @param userBiasSd standard deviation of {@code b_u}
 * @param itemBiasSd standard deviation of {@code b_i} before the popularity tilt
 * @param popularityTilt added to {@code b_i} per standard deviation of log popularity
 * @param factorSignalSd standard deviation of {@code p_u . q_i}
 * @param noiseSd standard deviation of the Gaussian noise before rounding
 * @param testFraction fraction of each user's ratings held out for test
 * @param seed seed of the generator
 */
public record SyntheticConfig(
    int numUsers,
    int numItems,
    int rank,
    double meanRatingsPerUser,
    double activitySigma,
    int minRatingsPerUser,
    double popularityExponent,
    double globalMean,
    double userBiasSd,
    double itemBiasSd,
    double popularityTilt,
    double factorSignalSd,
    double noiseSd,
    double testFraction,
    long seed) {

  public static final int DEFAULT_USERS = 3000;
  public static final int DEFAULT_ITEMS = 1000;
  public static final long DEFAULT_SEED = 42L;

  public SyntheticConfig {
    Checks.inRange("numUsers", numUsers, 1, 100_000_000);
    Checks.inRange("numItems", numItems, 4, ModelShape.MAX_ITEMS);
    Checks.inRange("rank", rank, 1, ModelShape.MAX_RANK);
    Checks.finiteInRange("meanRatingsPerUser", meanRatingsPerUser, 1, numItems);
    Checks.finiteInRange("activitySigma", activitySigma, 0, 5);
    Checks.inRange("minRatingsPerUser", minRatingsPerUser, 2, numItems / 2);
    Checks.finiteInRange("popularityExponent", popularityExponent, 0, 5);
    Checks.finiteInRange("globalMean", globalMean, 1, 5);
    Checks.finiteInRange("userBiasSd", userBiasSd, 0, 10);
    Checks.finiteInRange("itemBiasSd", itemBiasSd, 0, 10);
    Checks.finiteInRange("popularityTilt", popularityTilt, -5, 5);
    Checks.finiteInRange("factorSignalSd", factorSignalSd, 0, 10);
    Checks.finiteInRange("noiseSd", noiseSd, 0, 10);
    Checks.finiteInRange("testFraction", testFraction, 0, 0.9);
  }

  /** The defaults with the default seed. */
  public static SyntheticConfig defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from these values. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.numUsers = numUsers;
    b.numItems = numItems;
    b.rank = rank;
    b.meanRatingsPerUser = meanRatingsPerUser;
    b.activitySigma = activitySigma;
    b.minRatingsPerUser = minRatingsPerUser;
    b.popularityExponent = popularityExponent;
    b.globalMean = globalMean;
    b.userBiasSd = userBiasSd;
    b.itemBiasSd = itemBiasSd;
    b.popularityTilt = popularityTilt;
    b.factorSignalSd = factorSignalSd;
    b.noiseSd = noiseSd;
    b.testFraction = testFraction;
    b.seed = seed;
    return b;
  }

  /** Builder with the documented defaults; {@link #build()} validates. Not thread-safe. */
  public static final class Builder {
    private int numUsers = DEFAULT_USERS;
    private int numItems = DEFAULT_ITEMS;
    private int rank = 8;
    private double meanRatingsPerUser = 60;
    private double activitySigma = 0.8;
    private int minRatingsPerUser = 10;
    private double popularityExponent = 0.9;
    private double globalMean = 3.6;
    private double userBiasSd = 0.3;
    private double itemBiasSd = 0.4;
    private double popularityTilt = 0.1;
    private double factorSignalSd = 0.7;
    private double noiseSd = 0.5;
    private double testFraction = 0.2;
    private long seed = DEFAULT_SEED;

    private Builder() {}

    public Builder numUsers(int v) {
      numUsers = v;
      return this;
    }

    public Builder numItems(int v) {
      numItems = v;
      return this;
    }

    public Builder rank(int v) {
      rank = v;
      return this;
    }

    public Builder meanRatingsPerUser(double v) {
      meanRatingsPerUser = v;
      return this;
    }

    public Builder activitySigma(double v) {
      activitySigma = v;
      return this;
    }

    public Builder minRatingsPerUser(int v) {
      minRatingsPerUser = v;
      return this;
    }

    public Builder popularityExponent(double v) {
      popularityExponent = v;
      return this;
    }

    public Builder globalMean(double v) {
      globalMean = v;
      return this;
    }

    public Builder userBiasSd(double v) {
      userBiasSd = v;
      return this;
    }

    public Builder itemBiasSd(double v) {
      itemBiasSd = v;
      return this;
    }

    public Builder popularityTilt(double v) {
      popularityTilt = v;
      return this;
    }

    public Builder factorSignalSd(double v) {
      factorSignalSd = v;
      return this;
    }

    public Builder noiseSd(double v) {
      noiseSd = v;
      return this;
    }

    public Builder testFraction(double v) {
      testFraction = v;
      return this;
    }

    public Builder seed(long v) {
      seed = v;
      return this;
    }

    public SyntheticConfig build() {
      return new SyntheticConfig(
          numUsers, numItems, rank, meanRatingsPerUser, activitySigma, minRatingsPerUser,
          popularityExponent, globalMean, userBiasSd, itemBiasSd, popularityTilt,
          factorSignalSd, noiseSd, testFraction, seed);
    }
  }
}
