package dev.vigil.agent.bootstrap;

/**
 * Entry points for inbound HTTP advice (Javalin on Jetty): a SERVER span per request, parented on
 * the incoming {@code traceparent}, renamed to the matched route once routing knows it.
 */
public final class ServerSupport {
  public static final String JAVALIN = "javalin";

  private ServerSupport() {}

  public static Span start(
      String method, String path, String traceparent, String tracestate, String host, int port) {
    if (!LiveSettings.enabled(JAVALIN) || Tracer.isSuppressed()) {
      return null;
    }
    Span current = Tracer.current();
    if (current != null && JAVALIN.equals(current.origin)) {
      return null;
    }
    Span span =
        Tracer.startWithRemoteParent(method, SpanKind.SERVER, traceparent, tracestate, JAVALIN);
    span.setAttribute("http.request.method", method);
    span.setAttribute("url.path", path);
    span.setAttribute("server.address", host);
    if (port > 0) {
      span.setAttribute("server.port", port);
    }
    Tracer.activate(span);
    return span;
  }

  /** Names the current Javalin span after the matched route, e.g. {@code GET /users/{id}}. */
  public static void route(String method, String path) {
    Span current = Tracer.current();
    if (current == null || !JAVALIN.equals(current.origin) || current.kind != SpanKind.SERVER) {
      return;
    }
    if (!isHttpMethod(method)) {
      return;
    }
    current.setName(method + " " + path);
    current.setAttribute("http.route", path);
  }

  private static boolean isHttpMethod(String m) {
    switch (m) {
      case "GET":
      case "POST":
      case "PUT":
      case "PATCH":
      case "DELETE":
      case "HEAD":
      case "OPTIONS":
        return true;
      default:
        return false;
    }
  }

  public static void end(Span span, int status, Throwable thrown) {
    if (span == null) {
      return;
    }
    Tracer.deactivate(span);
    if (status > 0) {
      span.setAttribute("http.response.status_code", status);
      if (status >= 500) {
        span.setStatus(Span.STATUS_ERROR, null);
      }
    }
    if (thrown != null) {
      span.recordException(thrown);
    }
    span.end();
  }
}
