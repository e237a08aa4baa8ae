package dev.vigil.agent.bootstrap;

/**
 * The agent's own diagnostics: one line each on standard error, prefixed {@code [vigil-agent]}.
 * Never throws. Thread-safe.
 */
public final class AgentLog {
  private static volatile boolean debug = Boolean.getBoolean("vigil.agent.debug");

  private AgentLog() {}

  public static void info(String message) {
    System.err.println("[vigil-agent] " + message);
  }

  public static void warn(String message) {
    System.err.println("[vigil-agent] WARN " + message);
  }

  public static void warn(String message, Throwable t) {
    System.err.println("[vigil-agent] WARN " + message + ": " + t);
    if (debug) {
      t.printStackTrace();
    }
  }

  public static boolean isDebug() {
    return debug;
  }

  public static void debug(String message) {
    if (debug) {
      System.err.println("[vigil-agent] DEBUG " + message);
    }
  }

  static void setDebug(boolean on) {
    debug = on;
  }
}
