package dev.vigil.agent.instrumentation.httpclient;

import dev.vigil.agent.bootstrap.ClientSupport;
import dev.vigil.agent.bootstrap.Span;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import net.bytebuddy.asm.Advice;

/** {@code HttpClient.send}: a CLIENT span around the call, trace context in the request. */
public final class SendAdvice {
  private SendAdvice() {}

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

  @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
  public static void exit(
      @Advice.Enter Span span,
      @Advice.Return HttpResponse<?> response,
      @Advice.Thrown Throwable thrown) {
    ClientSupport.end(span, response == null ? 0 : response.statusCode(), thrown);
  }
}
