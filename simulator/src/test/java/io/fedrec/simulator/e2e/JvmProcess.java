package io.fedrec.simulator.e2e;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code fedrec} command running in its own JVM (the test's class path), with its output read
 * line by line on a daemon thread. Waiting uses blocking queues with timeouts, never sleeps; every
 * failure message carries the process's output so far.
 */
final class JvmProcess implements AutoCloseable {
  private static final String END = "\u0000end-of-output";

  private final String name;
  private final Process process;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private final StringBuffer transcript = new StringBuffer();
  private final Thread reader;

  private JvmProcess(String name, Process process) {
    this.name = name;
    this.process = process;
    reader = new Thread(this::pump, "output-of-" + name);
    reader.setDaemon(true);
    reader.start();
  }

  /** Starts {@code io.fedrec.simulator.cli.Main args} in a new JVM. */
  static JvmProcess start(String name, Path workDir, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add("io.fedrec.simulator.cli.Main");
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile())
        .redirectErrorStream(true);
    pb.environment().put("FEDREC_DEBUG", "1");
    return new JvmProcess(name, pb.start());
  }

  private void pump() {
    try (BufferedReader r = new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        transcript.append(line).append('\n');
        lines.add(line);
      }
    } catch (IOException e) {
      transcript.append("[reading output failed: ").append(e).append("]\n");
    } finally {
      lines.add(END);
    }
  }

  /**
   * Waits for the next output line matching {@code regex} (earlier lines are consumed) and
   * returns its match.
   */
  Matcher awaitLine(String regex, Duration timeout) throws InterruptedException {
    Pattern p = Pattern.compile(regex);
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      String line = left <= 0 ? null : lines.poll(left, TimeUnit.NANOSECONDS);
      if (line == null) {
        fail(name + ": no line matching /" + regex + "/ within " + timeout + "; output:\n"
            + transcript());
      }
      if (line.equals(END)) {
        lines.add(END);
        fail(name + ": exited before printing a line matching /" + regex + "/; output:\n"
            + transcript());
      }
      Matcher m = p.matcher(line);
      if (m.find()) {
        return m;
      }
    }
  }

  /** Waits for the process to exit and returns its exit code. */
  int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      fail(name + ": still running after " + timeout + "; output:\n" + transcript());
    }
    return process.exitValue();
  }

  /** SIGKILL, and waits until the process is gone. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      fail(name + ": still alive 30 s after SIGKILL");
    }
  }

  /** Every line the process printed, once it has exited and its output pipe is drained. */
  List<String> drainOutput(Duration timeout) throws InterruptedException {
    awaitExit(timeout);
    reader.join(timeout.toMillis());
    if (reader.isAlive()) {
      fail(name + ": output not closed " + timeout + " after exit");
    }
    return transcript().lines().toList();
  }

  String transcript() {
    return transcript.toString();
  }

  String name() {
    return name;
  }

  /** Stops the process if it still runs (SIGTERM, then SIGKILL). */
  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          process.waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }
}
