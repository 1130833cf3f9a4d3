package io.fedrec.simulator.baseline;

import io.fedrec.core.model.Checks;
import io.fedrec.core.model.ModelShape;

/**
 * Hyper-parameters of the baselines trained by stochastic gradient steps, {@link
 * CentralizedSgdMf} and {@link CentralizedBpr}; each states its own defaults ({@code
 * CentralizedSgdMf.defaults()}, {@code CentralizedBpr.defaults()}). The constructor checks every
 * value and names the offending parameter.
 *
 * @param rank latent dimension k, in {@code [1, ModelShape.MAX_RANK]}
 * @param epochs passes over the training data, in {@code [1, 10000]}
 * @param learningRate step size of the first epoch, in (0, 1]
 * @param lrDecay factor applied to the step size after every epoch, in (0, 1]
 * @param reg L2 penalty on the factor vectors, >= 0
 * @param biasReg L2 penalty on the biases, >= 0
 * @param initScale standard deviation of the initial factors, >= 0
 * @param seed seed of the initial factors and of the visiting or sampling order
 */
public record SgdParams(
    int rank,
    int epochs,
    double learningRate,
    double lrDecay,
    double reg,
    double biasReg,
    double initScale,
    long seed) {
  public static final int MAX_EPOCHS = 10_000;

  public SgdParams {
    Checks.inRange("rank", rank, 1, ModelShape.MAX_RANK);
    Checks.inRange("epochs", epochs, 1, MAX_EPOCHS);
    if (!(learningRate > 0 && learningRate <= 1)) {
      throw new IllegalArgumentException(
          "learningRate must be > 0 and <= 1. Provided value: " + learningRate);
    }
    if (!(lrDecay > 0 && lrDecay <= 1)) {
      throw new IllegalArgumentException(
          "lrDecay must be > 0 and <= 1. Provided value: " + lrDecay);
    }
    Checks.nonNegativeFinite("reg", reg);
    Checks.nonNegativeFinite("biasReg", biasReg);
    Checks.nonNegativeFinite("initScale", initScale);
  }

  public SgdParams withRank(int newRank) {
    return new SgdParams(newRank, epochs, learningRate, lrDecay, reg, biasReg, initScale, seed);
  }

  public SgdParams withEpochs(int newEpochs) {
    return new SgdParams(rank, newEpochs, learningRate, lrDecay, reg, biasReg, initScale, seed);
  }

  public SgdParams withLearningRate(double newRate, double newDecay) {
    return new SgdParams(rank, epochs, newRate, newDecay, reg, biasReg, initScale, seed);
  }

  public SgdParams withRegularization(double newReg, double newBiasReg) {
    return new SgdParams(rank, epochs, learningRate, lrDecay, newReg, newBiasReg, initScale, seed);
  }

  public SgdParams withInitScale(double newScale) {
    return new SgdParams(rank, epochs, learningRate, lrDecay, reg, biasReg, newScale, seed);
  }

  public SgdParams withSeed(long newSeed) {
    return new SgdParams(rank, epochs, learningRate, lrDecay, reg, biasReg, initScale, newSeed);
  }
}
