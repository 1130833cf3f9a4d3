package io.fedrec.simulator.cli;

/**
 * A failure the command line reports as one message, without a stack trace, and exits with
 * {@link #exitCode()}: {@value #USAGE} for a bad flag or value (the message names the flag, the
 * rule and the value), {@value #FAILURE} for a failure while running.
 */
public final class CliException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Exit code of usage and validation errors. */
  public static final int USAGE = 2;

  /** Exit code of failures while running. */
  public static final int FAILURE = 1;

  private final int exitCode;

  private CliException(String message, int exitCode, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  /** A usage or validation error (exit code 2). */
  public static CliException usage(String message) {
    return new CliException(message, USAGE, null);
  }

  /** A usage or validation error (exit code 2) caused by {@code cause}. */
  public static CliException usage(String message, Throwable cause) {
    return new CliException(message, USAGE, cause);
  }

  /** A failure while running (exit code 1). */
  public static CliException failure(String message, Throwable cause) {
    return new CliException(message, FAILURE, cause);
  }

  public int exitCode() {
    return exitCode;
  }
}
