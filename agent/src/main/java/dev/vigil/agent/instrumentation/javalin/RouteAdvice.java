package dev.vigil.agent.instrumentation.javalin;

import dev.vigil.agent.bootstrap.ServerSupport;
import io.javalin.router.Endpoint;
import net.bytebuddy.asm.Advice;

/** {@code Endpoint.handle(...)}: names the current SERVER span after the matched route. */
public final class RouteAdvice {
  private RouteAdvice() {}

  @Advice.OnMethodEnter(suppress = Throwable.class)
  public static void enter(@Advice.This Endpoint endpoint) {
    ServerSupport.route(endpoint.getMethod().name(), endpoint.getPath());
  }
}
