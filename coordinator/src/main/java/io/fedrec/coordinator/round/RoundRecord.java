package io.fedrec.coordinator.round;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * The ledger entry of one published round: who took part (counts, never identities), how much
 * weight and traffic, when, with which aggregation and server optimizer, and the SHA-256 of the
 * model it produced. Written to the state store next to the model checkpoint.
 *
 * @param round the round number; the model it produced has version {@code round}
 * @param selected clients selected into the cohort
 * @param submitted clients whose update was aggregated
 * @param dropouts selected clients that failed or missed the deadline
 * @param totalWeight sum of the submissions' weights (users)
 * @param bytesUp update payload bytes received
 * @param bytesDown model payload bytes authorised for download
 * @param aggregation name of the aggregation process, e.g. {@code weighted_mean}
 * @param optimizer name of the server optimizer, e.g. {@code fedavg}
 * @param modelBeforeSha256Hex SHA-256 (hex) of the parameters of the model the round started
 *     from (the previous round's {@code modelSha256Hex}, or the initial model's for round 1)
 * @param modelSha256Hex SHA-256 (hex) of the published model's parameters
 * @param privacyMode the federation's {@code privacy_mode}: none, central, distributed or local
 * @param accountant the version of the accounting that computed the record's epsilons ({@link
 *     PrivacySettings#ACCOUNTANT_VERSION}); an auditor refuses to compare against another
 * @param measurements the aggregation's measurements, e.g. {@code mean_update_norm}
 */
public record RoundRecord(
    long round,
    int selected,
    int submitted,
    int dropouts,
    long totalWeight,
    long bytesUp,
    long bytesDown,
    Instant openedAt,
    Instant closedAt,
    String aggregation,
    String optimizer,
    String modelBeforeSha256Hex,
    String modelSha256Hex,
    String privacyMode,
    String accountant,
    Map<String, Double> measurements) {
  public RoundRecord {
    measurements = Map.copyOf(new TreeMap<>(measurements));
  }
}
