package dev.vigil.agent.bootstrap;

import java.io.PrintWriter;
import java.io.StringWriter;

/**
 * Entry point for logging-library advice: turns one log event into an OTLP log record carrying the
 * current trace and span id, if its level is at or above the configured threshold.
 */
public final class LogBridge {
  private LogBridge() {}

  /** Whether an event at this logback level int should be exported now. */
  public static boolean shouldExport(int level) {
    Settings s = LiveSettings.get();
    return level >= s.logLevel() && s.instrumentationEnabled("logback") && !Tracer.isSuppressed();
  }

  public static void emit(
      long timestampMillis,
      int level,
      String levelName,
      String message,
      String loggerName,
      String threadName,
      Throwable thrown) {
    Span current = Tracer.current();
    String type = null;
    String msg = null;
    String stack = null;
    if (thrown != null) {
      type = thrown.getClass().getName();
      msg = thrown.getMessage();
      StringWriter w = new StringWriter(512);
      thrown.printStackTrace(new PrintWriter(w));
      stack = w.toString();
      if (stack.length() > 8192) {
        stack = stack.substring(0, 8192);
      }
    }
    Telemetry.offerLog(
        new LogRecordData(
            timestampMillis * 1_000_000L,
            level,
            levelName,
            message,
            loggerName,
            threadName,
            current == null ? null : current.context,
            type,
            msg,
            stack));
  }

  /** The current trace id in hex, or null when no span is current. */
  public static String currentTraceId() {
    Span s = Tracer.current();
    return s == null ? null : s.context.traceIdHex();
  }

  public static String currentSpanId() {
    Span s = Tracer.current();
    return s == null ? null : s.context.spanIdHex();
  }
}
