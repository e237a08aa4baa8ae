package dev.vigil.agent.bootstrap;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.HttpURLConnection;
import java.net.URI;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import java.util.function.BiPredicate;

/**
 * Entry points for HTTP client advice (the JDK {@code HttpClient} and {@code HttpURLConnection}):
 * CLIENT spans named after the method, with {@code traceparent} injected. Only java.base types
 * appear here because the advice runs inside JDK classes. Thread-safe.
 */
public final class ClientSupport {
  public static final String JAVA_HTTP_CLIENT = "java-http-client";
  public static final String HTTP_URL_CONNECTION = "http-url-connection";

  /** Copies every header of a request except trace context, which the agent sets. */
  public static final BiPredicate<String, String> NOT_TRACE_HEADERS =
      (name, value) ->
          !name.equalsIgnoreCase(TraceParent.TRACEPARENT)
              && !name.equalsIgnoreCase(TraceParent.TRACESTATE);

  private static final Map<HttpURLConnection, Span> CONNECTIONS =
      Collections.synchronizedMap(new WeakHashMap<>());

  private static volatile MethodHandle statusCode;

  private ClientSupport() {}

  /** Starts a CLIENT span for the JDK HttpClient, or returns null when not traced. */
  public static Span startHttpClient(String method, URI uri) {
    if (!LiveSettings.enabled(JAVA_HTTP_CLIENT) || Tracer.isSuppressed()) {
      return null;
    }
    Span current = Tracer.current();
    if (current != null && JAVA_HTTP_CLIENT.equals(current.origin)) {
      return null;
    }
    Span span = start(method, uri, JAVA_HTTP_CLIENT);
    Tracer.activate(span);
    return span;
  }

  private static Span start(String method, URI uri, String origin) {
    Span span = Tracer.start(method, SpanKind.CLIENT, null, origin);
    span.setAttribute("http.request.method", method);
    if (uri != null) {
      span.setAttribute("url.full", stripUserInfo(uri));
      String host = uri.getHost();
      if (host != null) {
        span.setAttribute("server.address", host);
        int port = uri.getPort();
        if (port < 0) {
          port = "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
        }
        span.setAttribute("server.port", port);
        span.setMetricPeer(host + ":" + port);
      }
    }
    return span;
  }

  private static String stripUserInfo(URI uri) {
    if (uri.getRawUserInfo() == null) {
      return uri.toString();
    }
    try {
      return new URI(
              uri.getScheme(), null, uri.getHost(), uri.getPort(), uri.getRawPath(), null, null)
          .toString();
    } catch (Exception e) {
      return uri.getScheme() + "://" + uri.getHost();
    }
  }

  public static String traceparent(Span span) {
    return TraceParent.format(span.context);
  }

  public static String tracestate(Span span) {
    return span.context.traceState();
  }

  /** Ends a synchronous call; {@code status} 0 when there was no response. */
  public static void end(Span span, int status, Throwable thrown) {
    if (span == null) {
      return;
    }
    Tracer.deactivate(span);
    finish(span, status, thrown);
  }

  private static void finish(Span span, int status, Throwable thrown) {
    if (status > 0) {
      span.setAttribute("http.response.status_code", status);
      if (status >= 400) {
        span.setStatus(Span.STATUS_ERROR, null);
        span.setAttribute("error.type", Integer.toString(status));
      }
    }
    if (thrown != null) {
      span.recordException(thrown);
      span.setAttribute("error.type", thrown.getClass().getName());
    }
    span.end();
  }

  /** Leaves the caller's thread and ends the span when the response future completes. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public static CompletableFuture endAsync(Span span, CompletableFuture future, Throwable thrown) {
    if (span == null) {
      return future;
    }
    Tracer.deactivate(span);
    if (future == null || thrown != null) {
      finish(span, 0, thrown);
      return future;
    }
    return future.whenComplete(new AsyncEnd(span));
  }

  private static final class AsyncEnd implements BiConsumer<Object, Throwable> {
    private final Span span;

    AsyncEnd(Span span) {
      this.span = span;
    }

    @Override
    public void accept(Object response, Throwable thrown) {
      try {
        finish(span, response == null ? 0 : statusOf(response), unwrap(thrown));
      } catch (Throwable t) {
        AgentLog.debug("ending an async HttpClient span failed: " + t);
      }
    }
  }

  private static Throwable unwrap(Throwable t) {
    if (t instanceof java.util.concurrent.CompletionException && t.getCause() != null) {
      return t.getCause();
    }
    return t;
  }

  private static int statusOf(Object response) throws Throwable {
    MethodHandle h = statusCode;
    if (h == null) {
      Class<?> type =
          Class.forName("java.net.http.HttpResponse", false, ClassLoader.getPlatformClassLoader());
      h =
          MethodHandles.publicLookup()
              .findVirtual(type, "statusCode", MethodType.methodType(int.class))
              .asType(MethodType.methodType(int.class, Object.class));
      statusCode = h;
    }
    return (int) h.invokeExact(response);
  }

  // ---- HttpURLConnection

  /**
   * Called on entry to connect, getOutputStream and getInputStream: the first call on a connection
   * that is not yet connected starts its span and sets the trace headers.
   */
  public static void connectionUsed(HttpURLConnection c, boolean connected) {
    if (connected || !LiveSettings.enabled(HTTP_URL_CONNECTION) || Tracer.isSuppressed()) {
      return;
    }
    if (CONNECTIONS.containsKey(c)) {
      return;
    }
    URI uri = null;
    try {
      uri = c.getURL().toURI();
    } catch (Exception e) {
      // a URL that is not a URI: the span goes without url.full
    }
    Span span = start(c.getRequestMethod(), uri, HTTP_URL_CONNECTION);
    try {
      c.setRequestProperty(TraceParent.TRACEPARENT, TraceParent.format(span.context));
      if (!span.context.traceState().isEmpty()) {
        c.setRequestProperty(TraceParent.TRACESTATE, span.context.traceState());
      }
    } catch (IllegalStateException alreadyConnecting) {
      // A retry on a connection whose first attempt failed: that attempt had the span.
      span.discard();
      return;
    }
    CONNECTIONS.put(c, span);
  }

  /** Called on exit from getInputStream: ends the connection's span with the response code. */
  public static void responseRead(HttpURLConnection c, int responseCode, Throwable thrown) {
    Span span = CONNECTIONS.remove(c);
    if (span == null) {
      return;
    }
    int code = responseCode;
    if (code <= 0) {
      try {
        // Parsed from the status line it already read; the span is out of the map, so the
        // nested getInputStream call is not traced again.
        code = c.getResponseCode();
      } catch (Exception e) {
        code = 0;
      }
    }
    finish(span, code, thrown);
  }
}
