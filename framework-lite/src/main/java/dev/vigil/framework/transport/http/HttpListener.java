package dev.vigil.framework.transport.http;

import dev.vigil.framework.Metadata;
import dev.vigil.framework.errors.ErrorWire;
import dev.vigil.framework.errors.FrameworkException;
import dev.vigil.framework.transport.ListenOptions;
import dev.vigil.framework.transport.Listener;
import dev.vigil.framework.transport.TransportHandler;
import dev.vigil.framework.transport.TransportRequest;
import dev.vigil.framework.transport.TransportResponse;
import io.javalin.Javalin;
import io.javalin.http.ContentType;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Enumeration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.HandlerWrapper;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Javalin server bound to one address: owns its Jetty server, connector and thread pool, the
 * count of requests in flight and the closing state. See {@link HttpTransport} for the wire format.
 *
 * <p>Thread-safe.
 */
final class HttpListener implements Listener {
  private static final Logger log = LoggerFactory.getLogger(HttpListener.class);
  private static final int READ_CHUNK = 8192;

  private final ListenOptions options;
  private final TransportHandler handler;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Consumer<HttpListener> onClose;
  private volatile boolean closing;
  private Javalin app;
  private ServerConnector connector;
  private String address;

  private HttpListener(
      ListenOptions options, TransportHandler handler, Consumer<HttpListener> onClose) {
    this.options = options;
    this.handler = handler;
    this.onClose = onClose;
  }

  static HttpListener start(
      ListenOptions options,
      TransportHandler handler,
      int serverThreads,
      Duration idleTimeout,
      Consumer<HttpListener> onClose) {
    HttpListener listener = new HttpListener(options, handler, onClose);
    listener.startServer(serverThreads, idleTimeout);
    return listener;
  }

  private void startServer(int serverThreads, Duration idleTimeout) {
    String requested = options.address();
    int colon = requested.lastIndexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException("address: " + requested + " (expected: host:port)");
    }
    String host = requested.substring(0, colon);
    int port;
    try {
      port = Integer.parseInt(requested.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("address: " + requested + " (expected: host:port)", e);
    }
    String bindHost = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    QueuedThreadPool threads = new QueuedThreadPool(serverThreads, Math.min(8, serverThreads));
    threads.setName("vigil-http-server");
    app =
        Javalin.create(
            config -> {
              config.showJavalinBanner = false;
              config.startupWatcherEnabled = false;
              config.http.disableCompression();
              config.http.prefer405over404 = true;
              config.jetty.threadPool = threads;
              config.jetty.modifyHttpConfiguration(
                  http -> {
                    http.setSendServerVersion(false);
                    http.setSendXPoweredBy(false);
                  });
              config.jetty.addConnector(
                  (server, http) -> {
                    ServerConnector c =
                        new ServerConnector(server, new HttpConnectionFactory(http));
                    c.setHost(bindHost.isEmpty() ? null : bindHost);
                    c.setPort(port);
                    c.setIdleTimeout(idleTimeout.toMillis());
                    connector = c;
                    return c;
                  });
              config.jetty.modifyServer(this::installRpcHandler);
              config.router.mount(
                  router -> {
                    // RPC paths the fast path leaves alone (percent-encoded endpoints) end up here
                    router.post(
                        HttpTransport.RPC_PREFIX + "{endpoint}",
                        ctx -> serveRpc(ctx.req(), ctx.res(), false));
                    for (Map.Entry<String, Supplier<TransportResponse>> route :
                        options.getRoutes().entrySet()) {
                      Supplier<TransportResponse> supplier = route.getValue();
                      router.get(route.getKey(), ctx -> serveGet(ctx, supplier));
                    }
                    router.exception(HttpResponseException.class, this::routingError);
                  });
            });
    try {
      app.start();
    } catch (RuntimeException e) {
      try {
        app.stop();
      } catch (RuntimeException ignored) {
        // already failed to start; the original error is what matters
      }
      throw new FrameworkException(
          HttpClientPool.ERROR_ID,
          FrameworkException.UNAVAILABLE,
          "cannot listen on " + requested + ": " + rootMessage(e),
          e);
    }
    address = host + ":" + connector.getLocalPort();
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getClass().getSimpleName() + ": " + root.getMessage();
  }

  @Override
  public String address() {
    return address;
  }

  /**
   * Puts {@link RpcHandler} in front of Javalin's servlet context, behind any handler wrapper
   * Javalin's server already has (its statistics handler), so Javalin attaches its context after
   * it.
   */
  private void installRpcHandler(Server server) {
    RpcHandler rpc = new RpcHandler();
    Handler current = server.getHandler();
    if (current instanceof HandlerWrapper wrapper && wrapper.getHandler() == null) {
      wrapper.setHandler(rpc);
    } else {
      server.insertHandler(rpc);
    }
  }

  /**
   * Serves {@code POST /rpc/{Service.Method}} straight from Jetty, without Javalin's routing,
   * context and path-parameter work per request. Only requests whose endpoint needs no decoding
   * take this path; everything else (other methods, percent-encoded or nested paths, GET routes)
   * goes on to Javalin, which answers exactly as before.
   */
  private final class RpcHandler extends HandlerWrapper {
    @Override
    public void handle(
        String target,
        Request baseRequest,
        HttpServletRequest request,
        HttpServletResponse response)
        throws IOException, ServletException {
      if (HttpMethod.POST.is(baseRequest.getMethod())
          && isPlainRpcPath(baseRequest.getRequestURI())) {
        baseRequest.setHandled(true);
        serveRpc(request, response, true);
        return;
      }
      super.handle(target, baseRequest, request, response);
    }
  }

  /** {@code /rpc/} followed by one path segment of characters that never need decoding. */
  static boolean isPlainRpcPath(@Nullable String uri) {
    int prefix = HttpTransport.RPC_PREFIX.length();
    if (uri == null || uri.length() <= prefix || !uri.startsWith(HttpTransport.RPC_PREFIX)) {
      return false;
    }
    for (int i = prefix; i < uri.length(); i++) {
      char c = uri.charAt(i);
      boolean plain =
          c >= 'a' && c <= 'z'
              || c >= 'A' && c <= 'Z'
              || c >= '0' && c <= '9'
              || c == '.'
              || c == '_'
              || c == '-'
              || c == '~';
      if (!plain) {
        return false;
      }
    }
    return true;
  }

  /**
   * Answers one RPC request.
   *
   * @param direct true on the Jetty fast path, where Javalin has not set its default content type
   */
  private void serveRpc(HttpServletRequest req, HttpServletResponse res, boolean direct)
      throws IOException {
    inFlight.incrementAndGet();
    try {
      if (closing) {
        writeError(res, shuttingDown(), true);
        return;
      }
      RequestHeaders headers = RequestHeaders.read(req);
      String endpoint = endpointOf(req.getRequestURI());
      String service = headers.service;
      if (service == null || service.isEmpty()) {
        int dot = endpoint.indexOf('.');
        service = dot > 0 ? endpoint.substring(0, dot) : endpoint;
      }
      // arrays are indexed by int, so no body can exceed that whatever the configured limit
      long limit = Math.min(options.maxRequestBytes(), Integer.MAX_VALUE - 8);
      long declared = req.getContentLengthLong();
      if (declared > limit) {
        writeError(res, tooLarge(service, "of " + declared + " bytes", limit), true);
        return;
      }
      byte[] body;
      try {
        body = readBody(req.getInputStream(), declared, limit);
      } catch (FrameworkException e) {
        writeError(res, e, true);
        return;
      }
      if (body == null) {
        writeError(res, tooLarge(service, "(chunked)", limit), true);
        return;
      }
      TransportResponse response;
      try {
        TransportRequest request =
            new TransportRequest(
                service,
                endpoint,
                headers.metadata,
                headers.contentType == null ? "" : headers.contentType,
                body,
                timeoutOf(service, headers.timeout));
        response = handler.handle(request);
      } catch (FrameworkException e) {
        writeError(res, e, false);
        return;
      } catch (Exception e) {
        FrameworkException internal =
            FrameworkException.internal(
                "handler for " + endpoint + " failed: " + e.getClass().getName(), e);
        log.error("{} failed, error id {}", endpoint, internal.id(), e);
        writeError(res, internal, false);
        return;
      }
      if (direct && response.contentType().isEmpty()) {
        res.setContentType(ContentType.PLAIN); // what Javalin's context would have set
      }
      write(res, response);
    } finally {
      inFlight.decrementAndGet();
    }
  }

  private void serveGet(Context ctx, Supplier<TransportResponse> route) throws IOException {
    inFlight.incrementAndGet();
    try {
      HttpServletResponse res = ctx.res();
      if (closing) {
        writeError(res, shuttingDown(), true);
        return;
      }
      TransportResponse response;
      try {
        response = route.get();
      } catch (FrameworkException e) {
        writeError(res, e, false);
        return;
      } catch (RuntimeException e) {
        FrameworkException internal =
            FrameworkException.internal("GET " + ctx.path() + " failed: " + e, e);
        log.error("GET {} failed, error id {}", ctx.path(), internal.id(), e);
        writeError(res, internal, false);
        return;
      }
      write(res, response);
    } finally {
      inFlight.decrementAndGet();
    }
  }

  private void routingError(HttpResponseException e, Context ctx) {
    String method = ctx.method().name();
    String path = ctx.path();
    FrameworkException error;
    if (e.getStatus() == FrameworkException.NOT_FOUND) {
      error =
          FrameworkException.notFound(
              HttpClientPool.ERROR_ID,
              "no route for "
                  + method
                  + " "
                  + path
                  + " (RPC endpoints are POST "
                  + HttpTransport.RPC_PREFIX
                  + "{Service.Method})");
    } else if (e.getStatus() == FrameworkException.METHOD_NOT_ALLOWED) {
      error =
          new FrameworkException(
              HttpClientPool.ERROR_ID,
              FrameworkException.METHOD_NOT_ALLOWED,
              "method " + method + " not allowed for " + path);
    } else {
      error = new FrameworkException(HttpClientPool.ERROR_ID, e.getStatus(), e.getMessage());
    }
    try {
      writeError(ctx.res(), error, false);
    } catch (IOException io) {
      log.debug("cannot write {} for {} {}", error.code(), method, path, io);
    }
  }

  /** Reads the body, or returns null when it is longer than {@code limit}. */
  private static byte @Nullable [] readBody(ServletInputStream in, long declared, long limit)
      throws IOException {
    if (declared == 0) {
      return new byte[0];
    }
    if (declared > 0) {
      byte[] body = in.readNBytes((int) declared);
      if (body.length < declared) {
        throw FrameworkException.badRequest(
            HttpClientPool.ERROR_ID,
            "request body ended after " + body.length + " of " + declared + " bytes");
      }
      return body;
    }
    byte[] body = new byte[(int) Math.min(limit + 1, READ_CHUNK)];
    int size = 0;
    while (true) {
      if (size == body.length) {
        if (size > limit) {
          return null;
        }
        body = Arrays.copyOf(body, (int) Math.min(limit + 1, (long) body.length * 2));
      }
      int n = in.read(body, size, body.length - size);
      if (n < 0) {
        break;
      }
      size += n;
      if (size > limit) {
        return null;
      }
    }
    return size == body.length ? body : Arrays.copyOf(body, size);
  }

  private static String endpointOf(String uri) {
    String endpoint = uri.substring(HttpTransport.RPC_PREFIX.length());
    return endpoint.indexOf('%') < 0
        ? endpoint
        : URLDecoder.decode(endpoint, StandardCharsets.UTF_8);
  }

  /** The transport headers of a request and its metadata, read in one pass over the headers. */
  private static final class RequestHeaders {
    @Nullable String contentType;
    @Nullable String service;
    @Nullable String timeout;
    Metadata metadata = Metadata.empty();

    static RequestHeaders read(HttpServletRequest req) {
      RequestHeaders headers = new RequestHeaders();
      Metadata.Builder values = null;
      Request base = Request.getBaseRequest(req);
      if (base != null) {
        // Jetty's own fields: known headers are recognised by enum, without building strings
        for (HttpField field : base.getHttpFields()) {
          HttpHeader known = field.getHeader();
          if (known == HttpHeader.CONTENT_TYPE) {
            headers.contentType = field.getValue();
          } else if (known == null || !TRANSPORT_HEADERS.contains(known)) {
            values = headers.add(values, field.getLowerCaseName(), field.getValue());
          }
        }
      } else {
        headers.contentType = req.getContentType();
        Enumeration<String> names = req.getHeaderNames();
        while (names.hasMoreElements()) {
          String name = names.nextElement();
          values = headers.add(values, name.toLowerCase(Locale.ROOT), req.getHeader(name));
        }
      }
      if (values != null) {
        headers.metadata = values.build();
      }
      return headers;
    }

    private Metadata.@Nullable Builder add(
        Metadata.@Nullable Builder values, String lowerCaseName, String value) {
      if (lowerCaseName.equals("vigil-service")) {
        service = value;
      } else if (lowerCaseName.equals("vigil-timeout")) {
        timeout = value;
      } else if (!HttpHeaders.isTransport(lowerCaseName)) {
        if (values == null) {
          values = Metadata.builder();
        }
        String earlier = values.get(lowerCaseName);
        values.set(lowerCaseName, earlier == null ? value : earlier + ", " + value);
      }
      return values;
    }
  }

  private static final Set<HttpHeader> TRANSPORT_HEADERS =
      EnumSet.of(
          HttpHeader.HOST,
          HttpHeader.CONTENT_LENGTH,
          HttpHeader.CONNECTION,
          HttpHeader.CONTENT_TYPE,
          HttpHeader.TRANSFER_ENCODING,
          HttpHeader.USER_AGENT,
          HttpHeader.ACCEPT,
          HttpHeader.ACCEPT_ENCODING,
          HttpHeader.KEEP_ALIVE,
          HttpHeader.TE,
          HttpHeader.TRAILER,
          HttpHeader.UPGRADE,
          HttpHeader.PROXY_CONNECTION,
          HttpHeader.EXPECT);

  private static @Nullable Duration timeoutOf(String service, @Nullable String header) {
    if (header == null) {
      return null;
    }
    try {
      long millis = Long.parseLong(header.trim());
      if (millis >= 0) {
        return Duration.ofMillis(millis);
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw FrameworkException.badRequest(
        service,
        HttpHeaders.VIGIL_TIMEOUT
            + ": '"
            + header
            + "' (expected: milliseconds as an integer >= 0)");
  }

  private static void write(HttpServletResponse res, TransportResponse response)
      throws IOException {
    res.setStatus(response.status());
    if (!response.contentType().isEmpty()) {
      res.setContentType(response.contentType());
    }
    Metadata metadata = response.metadata();
    for (int i = 0, n = metadata.size(); i < n; i++) {
      String name = metadata.name(i);
      if (!HttpHeaders.isTransport(name)) {
        res.setHeader(name, metadata.value(i));
      }
    }
    byte[] body = response.body();
    res.setContentLength(body.length);
    res.getOutputStream().write(body);
  }

  private static void writeError(HttpServletResponse res, FrameworkException e, boolean close)
      throws IOException {
    if (close) {
      res.setHeader("Connection", "close");
    }
    byte[] body = ErrorWire.encode(e);
    res.setStatus(e.code());
    res.setContentType(ErrorWire.CONTENT_TYPE);
    res.setContentLength(body.length);
    res.getOutputStream().write(body);
  }

  private static FrameworkException tooLarge(String service, String size, long limit) {
    return FrameworkException.tooLarge(
        service, "request body " + size + " exceeds the limit of " + limit + " bytes");
  }

  private FrameworkException shuttingDown() {
    return FrameworkException.unavailable(
        HttpClientPool.ERROR_ID, address + " is shutting down and takes no new requests");
  }

  int inFlight() {
    return inFlight.get();
  }

  @Override
  public void close(Duration drain) {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    closing = true;
    try {
      // stop accepting connections; connections already open get 503 and Connection: close
      connector.shutdown();
      long deadline = System.nanoTime() + drain.toNanos();
      while (inFlight.get() > 0 && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      if (inFlight.get() > 0) {
        log.warn(
            "{}: {} requests still in flight after {} ms drain",
            address,
            inFlight.get(),
            drain.toMillis());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      app.stop();
      onClose.accept(this);
    }
  }

  @Override
  public String toString() {
    return "HttpListener{" + address + "}";
  }
}
