package io.fedrec.simulator.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Locates the licensed data sets for tests: system property {@code fedrec.datasets} (set by
 * surefire to {@code ../shared/datasets} next to the repository), else the environment variable
 * {@code FEDREC_DATASETS}, else {@code ../shared/datasets} relative to the repository root. The data is never
 * copied into the repository; tests that need it skip when it is absent.
 */
public final class TestDatasets {
  private TestDatasets() {}

  /** The ml-100k directory, if it holds {@code u.data}. */
  public static Optional<Path> ml100k() {
    return root()
        .map(r -> r.resolve("ml-100k"))
        .filter(d -> Files.isRegularFile(d.resolve("u.data")));
  }

  private static Optional<Path> root() {
    String property = System.getProperty("fedrec.datasets");
    if (property != null && Files.isDirectory(Path.of(property))) {
      return Optional.of(Path.of(property));
    }
    String env = System.getenv("FEDREC_DATASETS");
    if (env != null && Files.isDirectory(Path.of(env))) {
      return Optional.of(Path.of(env));
    }
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null) {
      if (Files.isRegularFile(dir.resolve("mvnw")) || Files.isDirectory(dir.resolve(".git"))) {
        Path candidate = dir.resolve("../shared/datasets").normalize();
        return Files.isDirectory(candidate) ? Optional.of(candidate) : Optional.empty();
      }
      dir = dir.getParent();
    }
    return Optional.empty();
  }
}
