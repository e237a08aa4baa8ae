package dev.vigil.agent.instrumentation.javalin;

import dev.vigil.agent.bootstrap.ServerSupport;
import dev.vigil.agent.bootstrap.Span;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import net.bytebuddy.asm.Advice;

/** {@code JavalinServlet.handle(request, response)}: the SERVER span of one request. */
public final class ServletAdvice {
  private ServletAdvice() {}

  @Advice.OnMethodEnter(suppress = Throwable.class)
  public static Span enter(@Advice.Argument(0) HttpServletRequest request) {
    return ServerSupport.start(
        request.getMethod(),
        request.getRequestURI(),
        request.getHeader("traceparent"),
        request.getHeader("tracestate"),
        request.getServerName(),
        request.getLocalPort());
  }

  @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
  public static void exit(
      @Advice.Enter Span span,
      @Advice.Argument(1) HttpServletResponse response,
      @Advice.Thrown Throwable thrown) {
    ServerSupport.end(span, response.getStatus(), thrown);
  }
}
