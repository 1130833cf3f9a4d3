package io.fedrec.examples.partner;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/** A tiny deterministic ratings CSV: user {@code uN} rates six items spread over the catalogue. */
final class SyntheticRatings {
  static final int ITEMS = 30;
  static final int PER_USER = 6;

  private SyntheticRatings() {}

  /** Writes users {@code u<from>} to {@code u<to - 1>}, with a header line. */
  static Path write(Path file, int from, int to) throws IOException {
    StringBuilder csv = new StringBuilder("user,item,rating\n");
    for (int u = from; u < to; u++) {
      for (int j = 0; j < PER_USER; j++) {
        csv.append("u").append(u).append(',').append(item(u, j)).append(',')
            .append(1 + (u + j) % 5).append('\n');
      }
    }
    return Files.writeString(file, csv, StandardCharsets.UTF_8);
  }

  static Set<Integer> seen(int u) {
    Set<Integer> s = new HashSet<>();
    for (int j = 0; j < PER_USER; j++) {
      s.add(item(u, j));
    }
    return s;
  }

  private static int item(int u, int j) {
    return (u * 3 + j * 5) % ITEMS;
  }
}
