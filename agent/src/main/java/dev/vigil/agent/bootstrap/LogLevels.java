package dev.vigil.agent.bootstrap;

import java.util.Locale;

/** Logback's level ints, which the log bridge compares against, and their OTLP severities. */
public final class LogLevels {
  public static final int TRACE = 5000;
  public static final int DEBUG = 10000;
  public static final int INFO = 20000;
  public static final int WARN = 30000;
  public static final int ERROR = 40000;
  public static final int OFF = Integer.MAX_VALUE;

  private LogLevels() {}

  /** The level int for a name, or -1 when the name is not a level. */
  public static int parse(String name) {
    switch (name.trim().toUpperCase(Locale.ROOT)) {
      case "TRACE":
        return TRACE;
      case "DEBUG":
        return DEBUG;
      case "INFO":
        return INFO;
      case "WARN":
      case "WARNING":
        return WARN;
      case "ERROR":
        return ERROR;
      case "OFF":
        return OFF;
      default:
        return -1;
    }
  }

  public static String name(int level) {
    if (level >= OFF) {
      return "OFF";
    } else if (level >= ERROR) {
      return "ERROR";
    } else if (level >= WARN) {
      return "WARN";
    } else if (level >= INFO) {
      return "INFO";
    } else if (level >= DEBUG) {
      return "DEBUG";
    }
    return "TRACE";
  }

  /** OTLP SeverityNumber for a logback level int. */
  public static int severityNumber(int level) {
    if (level >= ERROR) {
      return 17;
    } else if (level >= WARN) {
      return 13;
    } else if (level >= INFO) {
      return 9;
    } else if (level >= DEBUG) {
      return 5;
    }
    return 1;
  }
}
