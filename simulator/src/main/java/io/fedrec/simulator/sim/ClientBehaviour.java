package io.fedrec.simulator.sim;

import java.util.SplittableRandom;

/**
 * When virtual clients can take part and how long they take, all seeded.
 *
 * <h2>Availability</h2>
 *
 * {@link Availability#ALWAYS}: every client can be sampled in every round. {@link
 * Availability#DIURNAL}: each client lives in a time zone (a whole-hour offset drawn uniformly
 * from 0 to 23) and is available in a round with probability {@code p(h) = 0.5 + 0.4 cos(2 pi (h
 * - 20) / 24)} of its local hour {@code h} (0.9 at 20:00, 0.1 at 08:00; devices that charge and
 * idle in the evening), where a round lasts {@code roundMinutes} of simulated time from 00:00 UTC.
 * The cohort is sampled uniformly among the clients available in that round.
 *
 * <h2>Stragglers</h2>
 *
 * Each client has a persistent speed: its log latency is {@code spread * Z_c + 0.5 * Z_{c,r}}
 * with {@code Z} standard normals ({@code Z_c} drawn once per client, {@code Z_{c,r}} per round),
 * so slow devices are slow round after round when {@code spread > 0}. The round deadline sits at
 * the {@code 1 - stragglers} quantile of that latency over the population, {@code sqrt(spread^2 +
 * 0.25) * Phi^-1(1 - stragglers)}; a sampled client past it trains but its upload misses the
 * round, which the coordinator sees as a dropout.
 *
 * <p>Immutable and thread-safe.
 */
public final class ClientBehaviour {
  /** Availability models. */
  public enum Availability {
    ALWAYS("always"),
    DIURNAL("diurnal");

    private final String key;

    Availability(String key) {
      this.key = key;
    }

    public String key() {
      return key;
    }

    /** @throws IllegalArgumentException naming the valid values */
    public static Availability parse(String key) {
      for (Availability a : values()) {
        if (a.key.equals(key)) {
          return a;
        }
      }
      throw new IllegalArgumentException(
          "availability must be one of always, diurnal. Provided value: " + key);
    }
  }

  /** Standard deviation of a client's per-round log-latency jitter. */
  static final double ROUND_JITTER = 0.5;

  private final Availability availability;
  private final double roundMinutes;
  private final double stragglers;
  private final double spread;
  private final long seed;
  private final int[] offsetHours;
  private final double[] speed;
  private final double deadline;

  ClientBehaviour(Availability availability, double roundMinutes, double stragglers,
      double spread, int numClients, long seed) {
    this.availability = availability;
    this.roundMinutes = roundMinutes;
    this.stragglers = stragglers;
    this.spread = spread;
    this.seed = seed;
    SplittableRandom r = new SplittableRandom(seed);
    this.offsetHours = new int[availability == Availability.DIURNAL ? numClients : 0];
    for (int c = 0; c < offsetHours.length; c++) {
      offsetHours[c] = r.nextInt(24);
    }
    this.speed = new double[stragglers > 0 ? numClients : 0];
    for (int c = 0; c < speed.length; c++) {
      speed[c] = spread * normal(r);
    }
    this.deadline = stragglers > 0
        ? Math.sqrt(spread * spread + ROUND_JITTER * ROUND_JITTER) * inverseNormal(1 - stragglers)
        : Double.POSITIVE_INFINITY;
  }

  /** The probability of being available at local hour {@code h} (diurnal model). */
  static double diurnal(double h) {
    return 0.5 + 0.4 * Math.cos(2 * Math.PI * (h - 20) / 24);
  }

  /** Whether {@code client} can be sampled in {@code round}. */
  boolean available(int client, long round) {
    if (availability == Availability.ALWAYS) {
      return true;
    }
    double utcHours = (round - 1) * roundMinutes / 60.0;
    double local = ((utcHours + offsetHours[client]) % 24 + 24) % 24;
    return uniform(client, round, 0x617661696cL) < diurnal(local);
  }

  /** Whether {@code client}'s upload misses {@code round}'s deadline. */
  boolean straggles(int client, long round) {
    if (stragglers == 0) {
      return false;
    }
    double u = uniform(client, round, 0x736c6f77L);
    double jitter = inverseNormal(Math.max(1e-12, Math.min(1 - 1e-12, u)));
    return speed[client] + ROUND_JITTER * jitter > deadline;
  }

  private double uniform(int client, long round, long salt) {
    long h = Simulation.mix(seed ^ salt, round * 0x9E3779B97F4A7C15L + client);
    return (h >>> 11) * 0x1.0p-53;
  }

  private static double normal(SplittableRandom r) {
    double u1 = r.nextDouble();
    double u2 = r.nextDouble();
    return Math.sqrt(-2 * Math.log1p(-u1)) * Math.cos(2 * Math.PI * u2);
  }

  /**
   * {@code Phi^-1(p)} for {@code p} in (0, 1): Acklam's rational approximation (relative error
   * below 1.2e-9), enough for simulated deadlines.
   */
  static double inverseNormal(double p) {
    if (!(p > 0 && p < 1)) {
      throw new IllegalArgumentException("p must be in (0, 1). Provided value: " + p);
    }
    double[] a = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
        1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00};
    double[] b = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
        6.680131188771972e+01, -1.328068155288572e+01};
    double[] c = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
        -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00};
    double[] d = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
        3.754408661907416e+00};
    double low = 0.02425;
    if (p < low) {
      double q = Math.sqrt(-2 * Math.log(p));
      return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
          / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    }
    if (p > 1 - low) {
      return -inverseNormal(1 - p);
    }
    double q = p - 0.5;
    double r = q * q;
    return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
        / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  }
}
