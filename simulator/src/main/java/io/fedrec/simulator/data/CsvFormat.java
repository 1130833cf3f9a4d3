package io.fedrec.simulator.data;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;

/**
 * Where {@link CsvRatings} finds its fields: the separator, whether the first line is a header,
 * and which columns hold the user, item, rating and (optionally) timestamp.
 *
 * <p>Columns are given in the order {@code user,item,rating[,timestamp]}, either all by 0-based
 * index ({@code 0,2,3}) or all by header name ({@code userId,movieId,rating,timestamp}; needs a
 * header). Without columns the rows hold exactly {@code user,item,rating[,timestamp]}, as before
 * column mapping existed. With columns, further fields are ignored; under a header a row must
 * have as many fields as the header.
 *
 * @param columns the column names or indices, or an empty list for the positional default
 * @param separator the field separator: {@code ","}, {@code ";"}, {@code "\t"} or {@code "::"}
 * @param header whether the first non-blank, non-comment line is a header
 */
public record CsvFormat(List<String> columns, String separator, Header header) {
  /** The separators accepted, as spelled on the command line ({@code tab} for a tab). */
  public static final List<String> SEPARATORS = List.of(",", ";", "tab", "::");

  /** Comma-separated {@code user,item,rating[,timestamp]}, header detected. */
  public static final CsvFormat DEFAULT = new CsvFormat(List.of(), ",", Header.AUTO);

  /** Whether the first line is a header. */
  public enum Header {
    /**
     * Detected: with columns by name, the first line is a header when it has all of them (else
     * the file is refused); otherwise when its rating field is not a number.
     */
    AUTO,
    YES,
    NO;

    /** The command-line spelling. */
    public String key() {
      return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses {@code auto}, {@code yes} or {@code no}.
     *
     * @throws IllegalArgumentException naming {@code csvHeader}, the rule and the value
     */
    public static Header parse(String s) {
      for (Header h : values()) {
        if (h.key().equals(s)) {
          return h;
        }
      }
      throw new IllegalArgumentException(
          "csvHeader must be one of auto, yes, no. Provided value: " + s);
    }
  }

  /**
   * Validates the combination.
   *
   * @throws IllegalArgumentException naming {@code csvColumns}, {@code csvSeparator} or {@code
   *     csvHeader}, the rule and the value
   */
  public CsvFormat {
    columns = List.copyOf(columns);
    if (separator == null || !List.of(",", ";", "\t", "::").contains(separator)) {
      throw new IllegalArgumentException("csvSeparator must be one of , ; tab ::. Provided value: "
          + (separator == null ? null : separator.replace("\t", "tab")));
    }
    if (header == null) {
      throw new IllegalArgumentException("csvHeader must not be null");
    }
    String shown = String.join(",", columns);
    if (!columns.isEmpty() && (columns.size() < 3 || columns.size() > 4)) {
      throw new IllegalArgumentException("csvColumns must name 3 or 4 columns"
          + " (user,item,rating[,timestamp]). Provided value: " + shown);
    }
    int indices = 0;
    for (String c : columns) {
      if (c.isEmpty()) {
        throw new IllegalArgumentException(
            "csvColumns must not have an empty entry. Provided value: " + shown);
      }
      if (c.matches("\\d+")) {
        if (c.length() > 4) {
          throw new IllegalArgumentException(
              "csvColumns indices must be <= 9999. Provided value: " + shown);
        }
        indices++;
      }
    }
    if (indices != 0 && indices != columns.size()) {
      throw new IllegalArgumentException("csvColumns must be all 0-based indices or all header"
          + " names, not a mix. Provided value: " + shown);
    }
    if (new HashSet<>(columns).size() != columns.size()) {
      throw new IllegalArgumentException(
          "csvColumns must not repeat a column. Provided value: " + shown);
    }
    if (indices == 0 && !columns.isEmpty() && header == Header.NO) {
      throw new IllegalArgumentException("csvColumns by name need a header line, but the header"
          + " mode is no. Provided value: " + shown);
    }
  }

  /**
   * The format of the command-line values: {@code columns} comma-separated (null for the
   * default), {@code separator} one of {@link #SEPARATORS} ({@code \t} also means tab; null for
   * {@code ,}), {@code header} {@code auto|yes|no} (null for {@code auto}).
   *
   * @throws IllegalArgumentException naming {@code csvColumns}, {@code csvSeparator} or {@code
   *     csvHeader}, the rule and the value
   */
  public static CsvFormat parse(String columns, String separator, String header) {
    List<String> cols = new ArrayList<>();
    if (columns != null) {
      for (String c : columns.split(",", -1)) {
        cols.add(c.trim());
      }
    }
    String sep = separator == null ? "," : separator;
    if (sep.equals("tab") || sep.equals("\\t")) {
      sep = "\t";
    }
    return new CsvFormat(cols, sep, header == null ? Header.AUTO : Header.parse(header));
  }

  /** Whether the columns are header names (rather than indices or the default). */
  public boolean byName() {
    return !columns.isEmpty() && !columns.get(0).matches("\\d+");
  }

  /** Whether a timestamp column is mapped (always possible with the positional default). */
  boolean hasTimestampColumn() {
    return columns.size() == 4;
  }
}
