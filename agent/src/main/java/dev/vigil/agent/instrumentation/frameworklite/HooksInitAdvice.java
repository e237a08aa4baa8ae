package dev.vigil.agent.instrumentation.frameworklite;

import net.bytebuddy.asm.Advice;

/** End of {@code Hooks}' static initializer: registers the agent's wrappers. */
public final class HooksInitAdvice {
  private HooksInitAdvice() {}

  @Advice.OnMethodExit(suppress = Throwable.class)
  public static void exit() {
    FrameworkTracing.install();
  }
}
