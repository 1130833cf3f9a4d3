package io.fedrec.core.model;

import java.util.Locale;

/**
 * What a federation's ratings mean, and so which objective {@link LocalTrainer} fits.
 *
 * <ul>
 *   <li>{@link #EXPLICIT}: a rating is a graded judgement; biased MF fits the rating values of the
 *       observed pairs only (Koren, Bell, Volinsky, IEEE Computer 2009).
 *   <li>{@link #IMPLICIT}: a rating is an interaction (a view, click, purchase) of strength {@code
 *       r}; weighted MF (Hu, Koren, Volinsky, "Collaborative Filtering for Implicit Feedback
 *       Datasets", ICDM 2008) fits preference 1 on interacted items and 0 on <em>every</em> other
 *       item, with confidence {@code 1 + alpha * r} on the interactions and 1 elsewhere.
 *   <li>{@link #BPR}: the same implicit interactions, fitted by Bayesian Personalised Ranking
 *       (Rendle et al., UAI 2009): every interacted item should score above a negative drawn on
 *       the client from the rest of the catalogue ({@link BprTrainer}). Configured as feedback
 *       {@code implicit} with {@code implicit_model=bpr}.
 * </ul>
 */
public enum Feedback {
  EXPLICIT("explicit"),
  IMPLICIT("implicit"),
  BPR("bpr");

  private final String key;

  Feedback(String key) {
    this.key = key;
  }

  /** The name used on the command line and in configuration files. */
  public String key() {
    return key;
  }

  /** Whether the ratings are interactions (weighted MF or BPR) rather than graded judgements. */
  public boolean implicit() {
    return this != EXPLICIT;
  }

  /**
   * The mode named {@code name} ({@code explicit}, {@code implicit} or {@code bpr},
   * case-insensitive).
   *
   * @throws IllegalArgumentException naming the value and the valid names otherwise
   */
  public static Feedback parse(String name) {
    if (name != null) {
      String n = name.trim().toLowerCase(Locale.ROOT);
      for (Feedback f : values()) {
        if (f.key.equals(n)) {
          return f;
        }
      }
    }
    throw new IllegalArgumentException(
        "feedback must be one of explicit, implicit, bpr. Provided value: " + name);
  }
}
