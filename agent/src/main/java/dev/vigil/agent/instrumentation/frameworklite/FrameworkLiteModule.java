package dev.vigil.agent.instrumentation.frameworklite;

import static net.bytebuddy.matcher.ElementMatchers.isTypeInitializer;
import static net.bytebuddy.matcher.ElementMatchers.named;

import dev.vigil.agent.instrumentation.AdviceSet;
import dev.vigil.agent.instrumentation.InstrumentationModule;
import dev.vigil.agent.instrumentation.TypeInstrumentation;
import java.util.List;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * framework-lite, through its own interception points: when {@code dev.vigil.framework.hooks.Hooks}
 * initializes, the agent adds its tracing wrappers for handlers, subscribers, calls and publishes,
 * which every Server and Client built afterwards applies. No framework class is rewritten beyond
 * that one static initializer.
 */
public final class FrameworkLiteModule implements InstrumentationModule {
  public static final String NAME = "framework-lite";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<TypeInstrumentation> typeInstrumentations() {
    return List.of(new HooksInstrumentation());
  }

  static final class HooksInstrumentation implements TypeInstrumentation {
    @Override
    public ElementMatcher<TypeDescription> typeMatcher() {
      return named("dev.vigil.framework.hooks.Hooks");
    }

    @Override
    public AdviceSet advice(AdviceSet t) {
      return t.advice(isTypeInitializer(), HooksInitAdvice.class.getName());
    }
  }
}
