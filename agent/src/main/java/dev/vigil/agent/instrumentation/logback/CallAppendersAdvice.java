package dev.vigil.agent.instrumentation.logback;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxy;
import dev.vigil.agent.bootstrap.LiveSettings;
import dev.vigil.agent.bootstrap.LogBridge;
import net.bytebuddy.asm.Advice;
import org.slf4j.spi.MDCAdapter;

/** {@code Logger.callAppenders(event)}: export the event, and correlate it through the MDC. */
public final class CallAppendersAdvice {
  private CallAppendersAdvice() {}

  @Advice.OnMethodEnter(suppress = Throwable.class)
  public static boolean enter(@Advice.This Logger logger, @Advice.Argument(0) ILoggingEvent event) {
    if (!LiveSettings.enabled("logback")) {
      return false;
    }
    int level = event.getLevel().toInt();
    if (LogBridge.shouldExport(level)) {
      Throwable thrown = null;
      IThrowableProxy proxy = event.getThrowableProxy();
      if (proxy instanceof ThrowableProxy) {
        thrown = ((ThrowableProxy) proxy).getThrowable();
      }
      LogBridge.emit(
          event.getTimeStamp(),
          level,
          event.getLevel().toString(),
          event.getFormattedMessage(),
          event.getLoggerName(),
          event.getThreadName(),
          thrown);
    }
    String traceId = LogBridge.currentTraceId();
    if (traceId == null) {
      return false;
    }
    MDCAdapter mdc = logger.getLoggerContext().getMDCAdapter();
    if (mdc.get("trace_id") != null) {
      return false;
    }
    mdc.put("trace_id", traceId);
    mdc.put("span_id", LogBridge.currentSpanId());
    return true;
  }

  @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
  public static void exit(@Advice.This Logger logger, @Advice.Enter boolean put) {
    if (put) {
      MDCAdapter mdc = logger.getLoggerContext().getMDCAdapter();
      mdc.remove("trace_id");
      mdc.remove("span_id");
    }
  }
}
