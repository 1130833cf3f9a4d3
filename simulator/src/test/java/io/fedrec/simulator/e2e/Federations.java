package io.fedrec.simulator.e2e;

import io.fedrec.simulator.data.RatingsData;
import io.fedrec.simulator.data.Split;
import io.fedrec.simulator.data.SyntheticConfig;
import io.fedrec.simulator.data.SyntheticDataset;
import java.io.IOException;
import java.io.Writer;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/** Data and configuration files shared by the multi-process tests. */
final class Federations {
  /** A small synthetic set: 200 users, 100 items, about 5,900 training ratings. */
  static final Split SMALL =
      SyntheticDataset.generate(SyntheticConfig.builder().numUsers(200).numItems(100).build());

  private Federations() {}

  /**
   * Writes the training ratings of users {@code [from, to)} as a client's CSV, labelled by their
   * indices, in index order (the order a simulated silo sums them in).
   */
  static Path writeUsers(RatingsData train, int from, int to, Path file) throws IOException {
    RatingsData.Builder b = RatingsData.builder(to - from, train.numItems());
    String[] labels = new String[to - from];
    for (int u = from; u < to; u++) {
      labels[u - from] = Integer.toString(u);
      for (int j = 0; j < train.userSize(u); j++) {
        b.add(u - from, train.item(u, j), train.rating(u, j));
      }
    }
    b.userLabels(labels);
    b.build().writeCsv(file);
    return file;
  }

  /** A coordinator properties file; a short retry delay keeps waiting clients quick. */
  static Path writeConfig(Path file, Split split, long rounds, int clientsPerRound)
      throws IOException {
    Properties p = new Properties();
    p.setProperty("num_items", Integer.toString(split.numItems()));
    p.setProperty("rounds", Long.toString(rounds));
    p.setProperty("clients_per_round", Integer.toString(clientsPerRound));
    p.setProperty("initial_mean", Float.toString((float) split.train().meanRating()));
    p.setProperty("retry_delay_ms", "20");
    try (Writer w = Files.newBufferedWriter(file)) {
      p.store(w, "fedrec e2e test federation");
    }
    return file;
  }

  /** A port that was free a moment ago. */
  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    }
  }
}
