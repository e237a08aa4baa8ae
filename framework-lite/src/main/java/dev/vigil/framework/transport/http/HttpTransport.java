package dev.vigil.framework.transport.http;

import dev.vigil.framework.errors.TransportException;
import dev.vigil.framework.transport.ListenOptions;
import dev.vigil.framework.transport.Listener;
import dev.vigil.framework.transport.Transport;
import dev.vigil.framework.transport.TransportHandler;
import dev.vigil.framework.transport.TransportRequest;
import dev.vigil.framework.transport.TransportResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Request/response over HTTP/1.1: a Javalin (Jetty 11) server per {@link #listen} and a pooled
 * keep-alive socket client ({@link HttpClientPool}) for {@link #call}. Plugin name {@code http}.
 *
 * <h2>Wire format</h2>
 *
 * <pre>
 * POST /rpc/{Service.Method} HTTP/1.1
 * Content-Type: application/json          the body's codec
 * Content-Length: 97
 * Vigil-Service: greeter                  the callee's service name
 * Vigil-Timeout: 250                      remaining deadline in milliseconds, when the request has one
 * traceparent: 00-4bf9...-01              every Metadata entry as a header of the same name
 *
 * {body}
 * </pre>
 *
 * The response carries the status, {@code Content-Type}, the response metadata as headers and the
 * body; a non-2xx body is the {@link dev.vigil.framework.errors.ErrorWire} JSON {@code
 * {"id","code","detail","status"}}. Because metadata travels as plain headers, {@code traceparent}
 * and {@code tracestate} reach the server byte for byte and interoperate with any W3C tracer. On
 * the server, request metadata is every header except the transport's own: {@code Host}, {@code
 * Content-Length}, {@code Connection}, {@code Content-Type}, {@code Vigil-Service}, {@code
 * Vigil-Timeout}, {@code Transfer-Encoding}, {@code User-Agent}, {@code Accept}, {@code
 * Accept-Encoding}, {@code Keep-Alive} and the other hop-by-hop headers ({@code TE}, {@code
 * Trailer}, {@code Upgrade}, {@code Proxy-Connection}, {@code Expect}). The client never sends
 * metadata entries with those names.
 *
 * <p>Server behaviour: bodies above {@link ListenOptions#maxRequestBytes()} get 413 before the
 * handler runs (by {@code Content-Length}, or while reading a chunked body); unknown paths 404;
 * other methods 405; a handler's {@link dev.vigil.framework.errors.FrameworkException} keeps its
 * code and any other exception is a logged 500 with a fresh error id. {@link
 * ListenOptions#getRoutes()} are served as plain {@code GET} routes. {@link
 * Listener#close(Duration)} stops accepting connections, answers 503 to new requests on open ones,
 * waits for requests in flight, then stops Jetty.
 *
 * <p>Thread-safe.
 */
public final class HttpTransport implements Transport {
  public static final int DEFAULT_SERVER_THREADS = 200;
  public static final Duration DEFAULT_SERVER_IDLE_TIMEOUT = Duration.ofSeconds(30);
  static final String RPC_PREFIX = "/rpc/";

  private final HttpClientPool client;
  private final int serverThreads;
  private final Duration serverIdleTimeout;
  private final Set<HttpListener> listeners = ConcurrentHashMap.newKeySet();
  private static final int MAX_CACHED_PATHS = 1024;
  private final ConcurrentHashMap<String, String> paths = new ConcurrentHashMap<>();

  private HttpTransport(Builder builder) {
    this.client =
        HttpClientPool.builder()
            .connectTimeout(builder.connectTimeout)
            .maxConnectionsPerAddress(builder.maxConnectionsPerAddress)
            .idleTimeout(builder.idleTimeout)
            .build();
    this.serverThreads = builder.serverThreads;
    this.serverIdleTimeout = builder.serverIdleTimeout;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** An HTTP transport with default options. */
  public static HttpTransport create() {
    return builder().build();
  }

  @Override
  public String name() {
    return "http";
  }

  @Override
  public Listener listen(ListenOptions options, TransportHandler handler) {
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(handler, "handler");
    HttpListener listener =
        HttpListener.start(options, handler, serverThreads, serverIdleTimeout, listeners::remove);
    listeners.add(listener);
    return listener;
  }

  @Override
  public TransportResponse call(String address, TransportRequest request, Duration timeout) {
    String[] transportHeaders =
        request.timeout() == null
            ? new String[] {HttpHeaders.VIGIL_SERVICE, request.service()}
            : new String[] {
              HttpHeaders.VIGIL_SERVICE,
              request.service(),
              HttpHeaders.VIGIL_TIMEOUT,
              Long.toString(Math.max(0, request.timeout().toMillis()))
            };
    HttpClientPool.Response response;
    try {
      response =
          client.exchange(
              address,
              "POST",
              pathOf(request.endpoint()),
              request.contentType(),
              request.metadata(),
              transportHeaders,
              request.body(),
              timeout);
    } catch (TransportException e) {
      throw new TransportException(
          request.service(),
          e.code(),
          e.detail() + " (calling " + request.endpoint() + ")",
          e.requestSent(),
          e);
    }
    return new TransportResponse(
        response.status(),
        response.metadata(),
        response.contentType() == null ? "" : response.contentType(),
        response.body());
  }

  /** The client side's connection pool, shared with whatever else talks HTTP to the same peers. */
  public HttpClientPool client() {
    return client;
  }

  @Override
  public void close() {
    for (HttpListener listener : listeners) {
      listener.close(Duration.ZERO);
    }
    client.close();
  }

  /** {@link #rpcPath}, remembered for the first {@value #MAX_CACHED_PATHS} endpoints called. */
  private String pathOf(String endpoint) {
    String path = paths.get(endpoint);
    if (path == null) {
      path = rpcPath(endpoint);
      if (paths.size() < MAX_CACHED_PATHS) {
        paths.putIfAbsent(endpoint, path);
      }
    }
    return path;
  }

  static String rpcPath(String endpoint) {
    for (int i = 0; i < endpoint.length(); i++) {
      char c = endpoint.charAt(i);
      boolean safe =
          c >= 'a' && c <= 'z'
              || c >= 'A' && c <= 'Z'
              || c >= '0' && c <= '9'
              || c == '.'
              || c == '_'
              || c == '-'
              || c == '~';
      if (!safe) {
        return RPC_PREFIX + URLEncoder.encode(endpoint, StandardCharsets.UTF_8).replace("+", "%20");
      }
    }
    return RPC_PREFIX + endpoint;
  }

  /** Configuration; validated by {@link #build()}. Not thread-safe. */
  public static final class Builder {
    private Duration connectTimeout = HttpClientPool.DEFAULT_CONNECT_TIMEOUT;
    private int maxConnectionsPerAddress = HttpClientPool.DEFAULT_MAX_CONNECTIONS_PER_ADDRESS;
    private Duration idleTimeout = HttpClientPool.DEFAULT_IDLE_TIMEOUT;
    private int serverThreads = DEFAULT_SERVER_THREADS;
    private Duration serverIdleTimeout = DEFAULT_SERVER_IDLE_TIMEOUT;

    private Builder() {}

    /** Client: how long to wait for a TCP connection. */
    public Builder connectTimeout(Duration connectTimeout) {
      this.connectTimeout = Objects.requireNonNull(connectTimeout, "connectTimeout");
      return this;
    }

    /** Client: pool size, the bound on requests in flight to one node. */
    public Builder maxConnectionsPerAddress(int maxConnectionsPerAddress) {
      this.maxConnectionsPerAddress = maxConnectionsPerAddress;
      return this;
    }

    /** Client: how long an unused pooled connection stays open; below the server idle timeout. */
    public Builder idleTimeout(Duration idleTimeout) {
      this.idleTimeout = Objects.requireNonNull(idleTimeout, "idleTimeout");
      return this;
    }

    /** Server: maximum Jetty threads, which run the handlers. */
    public Builder serverThreads(int serverThreads) {
      this.serverThreads = serverThreads;
      return this;
    }

    /** Server: how long Jetty keeps an unused connection open. */
    public Builder serverIdleTimeout(Duration serverIdleTimeout) {
      this.serverIdleTimeout = Objects.requireNonNull(serverIdleTimeout, "serverIdleTimeout");
      return this;
    }

    public HttpTransport build() {
      if (serverThreads < 8) {
        throw new IllegalArgumentException("serverThreads: " + serverThreads + " (expected: >= 8)");
      }
      if (serverIdleTimeout.isNegative() || serverIdleTimeout.isZero()) {
        throw new IllegalArgumentException(
            "serverIdleTimeout: " + serverIdleTimeout + " (expected: > 0)");
      }
      if (idleTimeout.compareTo(serverIdleTimeout) >= 0) {
        throw new IllegalArgumentException(
            "idleTimeout: "
                + idleTimeout
                + " (expected: < serverIdleTimeout "
                + serverIdleTimeout
                + ", so the client drops idle connections before the server does)");
      }
      return new HttpTransport(this);
    }
  }
}
