package dev.vigil.console.launcher;

/**
 * A command line or environment the launcher cannot run with; the process prints the message and
 * the usage and exits with {@link Vigil#EXIT_USAGE}. Immutable.
 */
public final class UsageException extends RuntimeException {
  public UsageException(String message) {
    super(message, null, false, false);
  }
}
