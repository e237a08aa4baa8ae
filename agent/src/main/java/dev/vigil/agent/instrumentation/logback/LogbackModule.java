package dev.vigil.agent.instrumentation.logback;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.vigil.agent.instrumentation.AdviceSet;
import dev.vigil.agent.instrumentation.InstrumentationModule;
import dev.vigil.agent.instrumentation.TypeInstrumentation;
import java.util.List;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * logback-classic: every event reaching {@code Logger.callAppenders} (so it passed the logger's
 * level) is exported when at or above {@code vigil.log.level}, and {@code trace_id}/{@code span_id}
 * are in the MDC while appenders run.
 */
public final class LogbackModule implements InstrumentationModule {
  public static final String NAME = "logback";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<TypeInstrumentation> typeInstrumentations() {
    return List.of(new LoggerInstrumentation());
  }

  static final class LoggerInstrumentation implements TypeInstrumentation {
    @Override
    public ElementMatcher<TypeDescription> typeMatcher() {
      return named("ch.qos.logback.classic.Logger");
    }

    @Override
    public AdviceSet advice(AdviceSet t) {
      return t.advice(
          named("callAppenders").and(takesArguments(1)), CallAppendersAdvice.class.getName());
    }
  }
}
