package dev.vigil.agent.bootstrap;

/** One exported log event with the trace context that was current when it was logged. Immutable. */
public final class LogRecordData {
  final long epochNanos;
  final int level;
  final String levelName;
  final String body;
  final String loggerName;
  final String threadName;
  final long traceIdHigh;
  final long traceIdLow;
  final long spanId;
  final byte flags;
  final String exceptionType;
  final String exceptionMessage;
  final String exceptionStack;

  LogRecordData(
      long epochNanos,
      int level,
      String levelName,
      String body,
      String loggerName,
      String threadName,
      SpanContext context,
      String exceptionType,
      String exceptionMessage,
      String exceptionStack) {
    this.epochNanos = epochNanos;
    this.level = level;
    this.levelName = levelName;
    this.body = body;
    this.loggerName = loggerName;
    this.threadName = threadName;
    if (context != null) {
      this.traceIdHigh = context.traceIdHigh();
      this.traceIdLow = context.traceIdLow();
      this.spanId = context.spanId();
      this.flags = context.flags();
    } else {
      this.traceIdHigh = 0;
      this.traceIdLow = 0;
      this.spanId = 0;
      this.flags = 0;
    }
    this.exceptionType = exceptionType;
    this.exceptionMessage = exceptionMessage;
    this.exceptionStack = exceptionStack;
  }
}
