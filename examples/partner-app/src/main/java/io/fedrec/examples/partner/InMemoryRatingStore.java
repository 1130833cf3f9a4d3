package io.fedrec.examples.partner;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A {@link RatingStore} held in memory, loaded from a CSV file of {@code user,item,rating} lines.
 * A first line whose item field is not a number is taken as a header and skipped; columns after
 * the third (e.g. a timestamp) are ignored; blank lines are skipped. Users keep the order of their
 * first appearance in the file.
 *
 * <p>Immutable after loading and thread-safe.
 */
public final class InMemoryRatingStore implements RatingStore {
  private final List<String> users;
  private final Map<String, List<Rating>> ratings;

  private InMemoryRatingStore(Map<String, List<Rating>> ratings) {
    this.ratings = ratings;
    this.users = List.copyOf(ratings.keySet());
  }

  /**
   * Reads {@code csv} (UTF-8).
   *
   * @throws IllegalArgumentException naming the line and the problem: fewer than three columns,
   *     an item id that is not an integer {@code >= 0}, a rating that is not a finite number, or a
   *     second rating of the same item by the same user
   */
  public static InMemoryRatingStore fromCsv(Path csv) throws IOException {
    try (Reader r = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
      return fromCsv(r, csv.toString());
    }
  }

  /**
   * Reads CSV text from {@code reader}; {@code source} names it in error messages.
   *
   * @throws IllegalArgumentException as {@link #fromCsv(Path)}
   */
  public static InMemoryRatingStore fromCsv(Reader reader, String source) throws IOException {
    BufferedReader in = new BufferedReader(reader);
    Map<String, List<Rating>> byUser = new LinkedHashMap<>();
    Map<String, Set<Integer>> seen = new LinkedHashMap<>();
    String line;
    int lineNumber = 0;
    while ((line = in.readLine()) != null) {
      lineNumber++;
      if (line.isBlank()) {
        continue;
      }
      String[] fields = line.split(",", -1);
      if (fields.length < 3) {
        throw bad(source, lineNumber, "expected user,item,rating", line);
      }
      String user = fields[0].trim();
      String itemField = fields[1].trim();
      if (lineNumber == 1 && !isInteger(itemField)) {
        continue; // header
      }
      if (user.isEmpty()) {
        throw bad(source, lineNumber, "user must not be empty", line);
      }
      int item;
      try {
        item = Integer.parseInt(itemField);
      } catch (NumberFormatException e) {
        throw bad(source, lineNumber, "item must be an integer >= 0", line);
      }
      float value;
      try {
        value = Float.parseFloat(fields[2].trim());
      } catch (NumberFormatException e) {
        throw bad(source, lineNumber, "rating must be a finite number", line);
      }
      if (item < 0) {
        throw bad(source, lineNumber, "item must be an integer >= 0", line);
      }
      if (!Float.isFinite(value)) {
        throw bad(source, lineNumber, "rating must be a finite number", line);
      }
      if (!seen.computeIfAbsent(user, u -> new HashSet<>()).add(item)) {
        throw bad(source, lineNumber, "user " + user + " already rated item " + item, line);
      }
      byUser.computeIfAbsent(user, u -> new ArrayList<>()).add(new Rating(item, value));
    }
    Map<String, List<Rating>> frozen = new LinkedHashMap<>();
    for (Map.Entry<String, List<Rating>> e : byUser.entrySet()) {
      frozen.put(e.getKey(), List.copyOf(e.getValue()));
    }
    return new InMemoryRatingStore(Collections.unmodifiableMap(frozen));
  }

  @Override
  public List<String> users() {
    return users;
  }

  @Override
  public List<Rating> ratingsOf(String user) {
    return ratings.get(user);
  }

  /** Number of ratings over all users. */
  public int size() {
    int n = 0;
    for (List<Rating> r : ratings.values()) {
      n += r.size();
    }
    return n;
  }

  private static boolean isInteger(String s) {
    if (s.isEmpty()) {
      return false;
    }
    for (int i = s.charAt(0) == '-' || s.charAt(0) == '+' ? 1 : 0; i < s.length(); i++) {
      if (!Character.isDigit(s.charAt(i))) {
        return false;
      }
    }
    return s.length() > 1 || Character.isDigit(s.charAt(0));
  }

  private static IllegalArgumentException bad(String source, int line, String rule, String text) {
    String shown = text.length() > 80 ? text.substring(0, 80) + "..." : text;
    return new IllegalArgumentException(
        source + " line " + line + ": " + rule + ". Provided value: \"" + shown + "\"");
  }
}
