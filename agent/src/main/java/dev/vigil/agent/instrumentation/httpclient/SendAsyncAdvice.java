package dev.vigil.agent.instrumentation.httpclient;

import dev.vigil.agent.bootstrap.ClientSupport;
import dev.vigil.agent.bootstrap.Span;
import java.net.http.HttpRequest;
import java.util.concurrent.CompletableFuture;
import net.bytebuddy.asm.Advice;

/** {@code HttpClient.sendAsync}: the CLIENT span ends when the returned future completes. */
public final class SendAsyncAdvice {
  private SendAsyncAdvice() {}

  @Advice.OnMethodEnter(suppress = Throwable.class)
  public static Span enter(@Advice.Argument(value = 0, readOnly = false) HttpRequest request) {
    Span span = ClientSupport.startHttpClient(request.method(), request.uri());
    if (span != null) {
      HttpRequest.Builder b =
          HttpRequest.newBuilder(request, ClientSupport.NOT_TRACE_HEADERS)
              .header("traceparent", ClientSupport.traceparent(span));
      String state = ClientSupport.tracestate(span);
      if (!state.isEmpty()) {
        b.header("tracestate", state);
      }
      request = b.build();
    }
    return span;
  }

  @SuppressWarnings("rawtypes")
  @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
  public static void exit(
      @Advice.Enter Span span,
      @Advice.Return(readOnly = false) CompletableFuture future,
      @Advice.Thrown Throwable thrown) {
    future = ClientSupport.endAsync(span, future, thrown);
  }
}
