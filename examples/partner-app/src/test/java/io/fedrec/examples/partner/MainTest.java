package io.fedrec.examples.partner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedrec.coordinator.round.FederationConfig;
import io.fedrec.coordinator.round.RoundEngine;
import io.fedrec.coordinator.service.CoordinatorServer;
import io.fedrec.core.model.TrainingConfig;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command line: usage errors, and one run against a coordinator over loopback TCP. */
class MainTest {
  @TempDir Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cl = Main.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    return cl.execute(args);
  }

  @Test
  void main_kZero_exitsTwoNamingTheFlag() throws Exception {
    Path csv = SyntheticRatings.write(dir.resolve("p.csv"), 0, 2);

    int code = run("--target", "127.0.0.1:1", "--data", csv.toString(), "--insecure", "--k", "0");

    assertEquals(2, code);
    assertEquals("partner-app: --k must be >= 1. Provided value: 0", err.toString().strip());
  }

  @Test
  void main_unknownUser_exitsTwo() throws Exception {
    Path csv = SyntheticRatings.write(dir.resolve("p.csv"), 0, 2);

    int code = run("--target", "127.0.0.1:1", "--data", csv.toString(), "--insecure",
        "--user", "nobody");

    assertEquals(2, code);
    assertTrue(err.toString().contains("--user nobody is not in --data"), err.toString());
  }

  @Test
  void main_insecureWithCa_exitsTwo() throws Exception {
    Path csv = SyntheticRatings.write(dir.resolve("p.csv"), 0, 2);

    int code = run("--target", "127.0.0.1:1", "--data", csv.toString(), "--insecure",
        "--ca", csv.toString());

    assertEquals(2, code);
    assertTrue(err.toString().contains("--insecure excludes --ca"), err.toString());
  }

  @Test
  void main_loopbackCoordinator_servesAndExitsZeroWhenFinished() throws Exception {
    RoundEngine engine = RoundEngine.builder(FederationConfig.builder()
            .numItems(SyntheticRatings.ITEMS).training(TrainingConfig.defaults(4))
            .rounds(2).clientsPerRound(1).retryDelay(Duration.ofMillis(20)).build())
        .build();
    CoordinatorServer server = new CoordinatorServer(
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)),
        engine).start();
    try {
      Path csv = SyntheticRatings.write(dir.resolve("p.csv"), 0, 4);

      int code = run("--target", "127.0.0.1:" + server.port(), "--data", csv.toString(),
          "--insecure", "--client-id", "partner-tcp", "--user", "u1", "--k", "3",
          "--serve-every", "1");

      assertEquals(0, code, err.toString());
      String text = out.toString();
      assertTrue(text.contains("partner-app partner-tcp: 4 users, 24 ratings; joining plaintext"),
          text);
      assertTrue(text.contains("serving u1 (model v"), text);
      assertTrue(text.contains("federation finished after round 2; participated in 2 rounds"),
          text);
    } finally {
      server.stop();
    }
  }
}
