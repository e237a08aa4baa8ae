package dev.vigil.framework.transport.http;

import dev.vigil.framework.Metadata;
import dev.vigil.framework.errors.FrameworkException;
import dev.vigil.framework.errors.TransportException;
import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * A blocking HTTP/1.1 client over plain sockets with a bounded pool of keep-alive connections per
 * {@code host:port}. Built for many small requests: {@code TCP_NODELAY}, one write per request, one
 * read per small response, no per-request threads. Used by {@link HttpTransport} and reusable by
 * anything that POSTs bytes to a framework-lite peer (the HTTP broker, benchmarks).
 *
 * <p>Behaviour:
 *
 * <ul>
 *   <li>At most {@code maxConnectionsPerAddress} requests are in flight per address; further
 *       callers wait for a connection up to their own timeout, then fail with 503 ({@code
 *       requestSent=false}).
 *   <li>Idle connections are reused most-recently-used first and closed after {@code idleTimeout}
 *       (keep it below the server's idle timeout, 30 s for framework-lite servers).
 *   <li>A reused connection that turns out to be closed by the server (write fails, or EOF or reset
 *       before any response byte) is replaced by a fresh one and the request sent once more; this
 *       is the normal fate of a keep-alive connection the server timed out.
 *   <li>Connection refused, unknown host and connect timeout: {@link TransportException} 503 with
 *       {@code requestSent=false}. No response within the call's timeout: 408, {@code
 *       requestSent=true}. Connection lost mid-response or a malformed response: 502, {@code
 *       requestSent=true}.
 *   <li>A response carrying {@code Connection: close}, or delimited by the connection closing, is
 *       read and its connection discarded.
 * </ul>
 *
 * <p>Header values are written as ISO-8859-1; names must be HTTP tokens and values must not contain
 * CR, LF or characters above U+00FF (a 400 {@link FrameworkException} before anything is sent).
 * Writes are not bounded by the timeout (Java sockets have no write timeout), only reads are.
 *
 * <p>Thread-safe.
 */
public final class HttpClientPool implements AutoCloseable {
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);
  public static final int DEFAULT_MAX_CONNECTIONS_PER_ADDRESS = 64;
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(20);
  public static final int DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024;
  static final String ERROR_ID = "transport.http";
  private static final int MAX_RESPONSE_HEADERS = 256;

  private final int connectTimeoutMillis;
  private final int maxConnectionsPerAddress;
  private final long idleTimeoutNanos;
  private final int maxResponseBytes;
  private final ConcurrentHashMap<String, AddressPool> pools = new ConcurrentHashMap<>();
  private volatile boolean closed;

  private HttpClientPool(Builder builder) {
    this.connectTimeoutMillis = (int) builder.connectTimeout.toMillis();
    this.maxConnectionsPerAddress = builder.maxConnectionsPerAddress;
    this.idleTimeoutNanos = builder.idleTimeout.toNanos();
    this.maxResponseBytes = builder.maxResponseBytes;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A response: status, content type (null when absent), headers and body. */
  public record Response(
      int status, @Nullable String contentType, Map<String, String> headers, byte[] body) {
    /** Headers other than the framing ones, with lower-case names, as {@link Metadata}. */
    public Metadata metadata() {
      return Metadata.of(headers);
    }
  }

  /**
   * Connection counts for one address.
   *
   * @param leased connections carrying a request right now
   * @param idle open connections waiting in the pool
   * @param opened connections opened since the pool was created
   * @param reused requests sent on an already used connection
   * @param closed connections closed (idle expiry, {@code Connection: close}, errors)
   */
  public record Stats(int leased, int idle, long opened, long reused, long closed) {}

  /** POSTs {@code body} to {@code http://address/path}. See {@link #exchange}. */
  public Response post(
      String address,
      String path,
      String contentType,
      Metadata headers,
      byte[] body,
      Duration timeout) {
    return exchange(address, "POST", path, contentType, headers, NO_HEADERS, body, timeout);
  }

  /** GETs {@code http://address/path}. See {@link #exchange}. */
  public Response get(String address, String path, Metadata headers, Duration timeout) {
    return exchange(address, "GET", path, null, headers, NO_HEADERS, EMPTY, timeout);
  }

  private static final String[] NO_HEADERS = {};
  private static final byte[] EMPTY = {};

  /**
   * Sends one request and reads its response; any status is returned, not thrown.
   *
   * @param address {@code host:port} ({@code [v6]:port} for IPv6 literals)
   * @param path request target starting with {@code /}, already percent-encoded
   * @param contentType sent as {@code Content-Type} when not null
   * @param headers sent as headers (framing headers such as {@code Content-Length} are skipped)
   * @param extraHeaders more headers as name, value, name, value...
   * @param body sent with {@code Content-Length} (omitted for an empty GET)
   * @param timeout bounds waiting for a connection, connecting and reading the response
   * @throws TransportException when no response could be had
   */
  public Response exchange(
      String address,
      String method,
      String path,
      @Nullable String contentType,
      Metadata headers,
      String[] extraHeaders,
      byte[] body,
      Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    validate(headers, extraHeaders);
    if (timeout.isNegative() || timeout.isZero()) {
      throw new TransportException(
          ERROR_ID,
          FrameworkException.TIMEOUT,
          "no time left to call " + address + " (timeout " + timeout + ")",
          false,
          null);
    }
    if (closed) {
      throw new TransportException(
          ERROR_ID, FrameworkException.UNAVAILABLE, "HTTP client is closed", false, null);
    }
    AddressPool pool = pools.get(address);
    if (pool == null) {
      pool = pools.computeIfAbsent(address, AddressPool::new);
    }
    pool.acquire(deadline, timeout);
    try {
      HttpConnection connection = pool.pollIdle();
      if (connection != null) {
        pool.reused.increment();
        try {
          return exchangeOn(
              pool, connection, method, path, contentType, headers, extraHeaders, body, deadline);
        } catch (StaleConnectionException stale) {
          // the server closed this keep-alive connection before reading the request: try a new one
        }
      }
      connection = pool.open(deadline);
      try {
        return exchangeOn(
            pool, connection, method, path, contentType, headers, extraHeaders, body, deadline);
      } catch (StaleConnectionException e) {
        throw new TransportException(
            ERROR_ID,
            FrameworkException.BAD_GATEWAY,
            address + " closed the connection without responding: " + e.getCause().getMessage(),
            true,
            e.getCause());
      }
    } finally {
      pool.permits.release();
    }
  }

  private Response exchangeOn(
      AddressPool pool,
      HttpConnection connection,
      String method,
      String path,
      @Nullable String contentType,
      Metadata headers,
      String[] extraHeaders,
      byte[] body,
      long deadline)
      throws StaleConnectionException {
    boolean reused = connection.uses > 0;
    connection.uses++;
    connection.startExchange(deadline);
    boolean keep = false;
    try {
      try {
        writeRequest(pool, connection, method, path, contentType, headers, extraHeaders, body);
      } catch (IOException e) {
        if (reused) {
          throw new StaleConnectionException(e);
        }
        // the server may have answered (say 413) and closed before taking the whole body
        try {
          ParsedResponse early = readResponse(connection);
          return early.response;
        } catch (IOException ignored) {
          throw failure(pool, e, true);
        }
      }
      ParsedResponse parsed;
      try {
        parsed = readResponse(connection);
      } catch (IOException e) {
        if (reused
            && connection.responseBytes == 0
            && !(e instanceof InterruptedIOException)
            && !(e instanceof HttpConnection.ProtocolException)) {
          throw new StaleConnectionException(e);
        }
        throw failure(pool, e, true);
      }
      keep = parsed.keepAlive && connection.isClean();
      return parsed.response;
    } finally {
      if (keep) {
        pool.release(connection);
      } else {
        pool.discard(connection);
      }
    }
  }

  private TransportException failure(AddressPool pool, IOException e, boolean sent) {
    if (e instanceof SocketTimeoutException) {
      return new TransportException(
          ERROR_ID,
          FrameworkException.TIMEOUT,
          "no response from " + pool.address + " within the call's timeout",
          sent,
          e);
    }
    String what =
        e instanceof EOFException
            ? "connection closed"
            : e instanceof HttpConnection.ProtocolException ? "malformed response" : "I/O error";
    return new TransportException(
        ERROR_ID,
        FrameworkException.BAD_GATEWAY,
        what + " from " + pool.address + ": " + e.getMessage(),
        sent,
        e);
  }

  private static void writeRequest(
      AddressPool pool,
      HttpConnection c,
      String method,
      String path,
      @Nullable String contentType,
      Metadata headers,
      String[] extraHeaders,
      byte[] body)
      throws IOException {
    c.writeAscii(method);
    c.writeAscii(" ");
    c.writeAscii(path);
    c.writeAscii(" HTTP/1.1\r\nHost: ");
    c.writeAscii(pool.address);
    c.writeCrlf();
    if (contentType != null) {
      c.writeHeader("Content-Type", contentType);
    }
    if (body.length > 0 || !"GET".equals(method)) {
      c.writeAscii("Content-Length: ");
      c.writeDecimal(body.length);
      c.writeCrlf();
    }
    for (int i = 0; i < extraHeaders.length; i += 2) {
      c.writeHeader(extraHeaders[i], extraHeaders[i + 1]);
    }
    for (int i = 0, n = headers.size(); i < n; i++) {
      String name = headers.name(i);
      if (!HttpHeaders.isTransport(name)) {
        c.writeHeader(name, headers.value(i));
      }
    }
    c.writeCrlf();
    c.writeBody(body);
    c.flush();
  }

  private static final class ParsedResponse {
    final Response response;
    final boolean keepAlive;

    ParsedResponse(Response response, boolean keepAlive) {
      this.response = response;
      this.keepAlive = keepAlive;
    }
  }

  private ParsedResponse readResponse(HttpConnection c) throws IOException {
    while (true) {
      int length = c.readLine();
      byte[] line = c.line();
      if (length < 12
          || line[0] != 'H'
          || line[1] != 'T'
          || line[2] != 'T'
          || line[3] != 'P'
          || line[4] != '/'
          || line[5] != '1'
          || line[6] != '.'
          || line[8] != ' ') {
        throw new HttpConnection.ProtocolException(
            "bad status line '" + c.lineString(0, Math.min(length, 80)) + "'");
      }
      boolean http10 = line[7] == '0';
      int status = digit(line[9]) * 100 + digit(line[10]) * 10 + digit(line[11]);
      if (status < 100 || status > 599) {
        throw new HttpConnection.ProtocolException("bad status code " + status);
      }
      String contentType = null;
      long contentLength = -1;
      boolean chunked = false;
      boolean close = http10;
      Map<String, String> headers = null;
      int headerCount = 0;
      while ((length = c.readLine()) > 0) {
        if (++headerCount > MAX_RESPONSE_HEADERS) {
          throw new HttpConnection.ProtocolException(
              "more than " + MAX_RESPONSE_HEADERS + " response headers");
        }
        line = c.line();
        int colon = indexOf(line, length, (byte) ':');
        if (colon <= 0) {
          throw new HttpConnection.ProtocolException(
              "bad header line '" + c.lineString(0, Math.min(length, 80)) + "'");
        }
        int valueStart = colon + 1;
        while (valueStart < length && (line[valueStart] == ' ' || line[valueStart] == '\t')) {
          valueStart++;
        }
        int valueEnd = length;
        while (valueEnd > valueStart && (line[valueEnd - 1] == ' ' || line[valueEnd - 1] == '\t')) {
          valueEnd--;
        }
        switch (HttpHeaders.classify(line, colon)) {
          case HttpHeaders.CONTENT_LENGTH:
            contentLength = parseLength(line, valueStart, valueEnd);
            break;
          case HttpHeaders.CONTENT_TYPE:
            contentType = c.lineString(valueStart, valueEnd);
            break;
          case HttpHeaders.TRANSFER_ENCODING:
            chunked =
                c.lineString(valueStart, valueEnd).toLowerCase(Locale.ROOT).endsWith("chunked");
            break;
          case HttpHeaders.CONNECTION:
            String value = c.lineString(valueStart, valueEnd).toLowerCase(Locale.ROOT);
            if (value.contains("close")) {
              close = true;
            } else if (value.contains("keep-alive")) {
              close = false;
            }
            break;
          case HttpHeaders.SKIPPED:
            break;
          default:
            if (headers == null) {
              headers = new LinkedHashMap<>();
            }
            String name = c.lineString(0, colon).toLowerCase(Locale.ROOT);
            String v = c.lineString(valueStart, valueEnd);
            headers.merge(name, v, (a, b) -> a + ", " + b);
        }
      }
      if (status < 200 && status != 101) {
        continue; // 100 Continue and other interim responses precede the real one
      }
      byte[] body;
      boolean keepAlive = !close;
      if (status == 204 || status == 304 || (status < 200)) {
        body = EMPTY;
      } else if (chunked) {
        body = readChunked(c);
      } else if (contentLength >= 0) {
        if (contentLength > maxResponseBytes) {
          throw new HttpConnection.ProtocolException(
              "response body of " + contentLength + " bytes exceeds " + maxResponseBytes);
        }
        body = contentLength == 0 ? EMPTY : new byte[(int) contentLength];
        c.readFully(body, 0, body.length);
      } else {
        body = readToEnd(c);
        keepAlive = false;
      }
      return new ParsedResponse(
          new Response(
              status,
              contentType,
              headers == null ? Map.of() : Collections.unmodifiableMap(headers),
              body),
          keepAlive);
    }
  }

  private byte[] readChunked(HttpConnection c) throws IOException {
    byte[] body = new byte[256];
    int size = 0;
    while (true) {
      int length = c.readLine();
      byte[] line = c.line();
      long chunk = 0;
      int i = 0;
      for (; i < length; i++) {
        int d = Character.digit(line[i], 16);
        if (d < 0) {
          break;
        }
        chunk = chunk * 16 + d;
        if (chunk > maxResponseBytes) {
          break;
        }
      }
      if (i == 0) {
        throw new HttpConnection.ProtocolException("bad chunk size line");
      }
      if (chunk == 0) {
        while (c.readLine() > 0) {
          // trailers are not used
        }
        return size == body.length ? body : Arrays.copyOf(body, size);
      }
      if (size + chunk > maxResponseBytes) {
        throw new HttpConnection.ProtocolException(
            "chunked response body exceeds " + maxResponseBytes + " bytes");
      }
      int need = size + (int) chunk;
      if (need > body.length) {
        body = Arrays.copyOf(body, Math.max(need, Math.min(maxResponseBytes, body.length * 2)));
      }
      c.readFully(body, size, (int) chunk);
      size = need;
      if (c.readLine() != 0) {
        throw new HttpConnection.ProtocolException("missing CRLF after chunk");
      }
    }
  }

  private byte[] readToEnd(HttpConnection c) throws IOException {
    byte[] body = new byte[1024];
    int size = 0;
    while (true) {
      if (size == body.length) {
        if (size >= maxResponseBytes) {
          throw new HttpConnection.ProtocolException(
              "response body exceeds " + maxResponseBytes + " bytes");
        }
        body = Arrays.copyOf(body, (int) Math.min(maxResponseBytes, body.length * 2L));
      }
      int n = c.readToEnd(body, size);
      if (n < 0) {
        return Arrays.copyOf(body, size);
      }
      size += n;
    }
  }

  private static int digit(byte b) throws HttpConnection.ProtocolException {
    if (b < '0' || b > '9') {
      throw new HttpConnection.ProtocolException("bad status code");
    }
    return b - '0';
  }

  private static long parseLength(byte[] line, int from, int to)
      throws HttpConnection.ProtocolException {
    if (from == to || to - from > 18) {
      throw new HttpConnection.ProtocolException("bad Content-Length");
    }
    long value = 0;
    for (int i = from; i < to; i++) {
      if (line[i] < '0' || line[i] > '9') {
        throw new HttpConnection.ProtocolException("bad Content-Length");
      }
      value = value * 10 + (line[i] - '0');
    }
    return value;
  }

  private static int indexOf(byte[] line, int length, byte b) {
    for (int i = 0; i < length; i++) {
      if (line[i] == b) {
        return i;
      }
    }
    return -1;
  }

  private static void validate(Metadata headers, String[] extraHeaders) {
    if ((extraHeaders.length & 1) != 0) {
      throw new IllegalArgumentException(
          "extraHeaders: " + extraHeaders.length + " entries (expected: name, value pairs)");
    }
    for (int i = 0; i < extraHeaders.length; i += 2) {
      HttpHeaders.validate(extraHeaders[i], extraHeaders[i + 1]);
    }
    for (int i = 0, n = headers.size(); i < n; i++) {
      HttpHeaders.validate(headers.name(i), headers.value(i));
    }
  }

  /** Connection counts for {@code address}; all zero when nothing was sent there. */
  public Stats stats(String address) {
    AddressPool pool = pools.get(address);
    if (pool == null) {
      return new Stats(0, 0, 0, 0, 0);
    }
    return new Stats(
        maxConnectionsPerAddress - pool.permits.availablePermits(),
        pool.idle.size(),
        pool.opened.sum(),
        pool.reused.sum(),
        pool.closedCount.sum());
  }

  /** Closes idle connections to {@code address}, for example when its node leaves the registry. */
  public void evict(String address) {
    AddressPool pool = pools.remove(address);
    if (pool != null) {
      pool.retired = true;
      pool.closeIdle();
    }
  }

  /** Closes every idle connection; connections in use are closed when their call completes. */
  @Override
  public void close() {
    closed = true;
    for (AddressPool pool : pools.values()) {
      pool.closeIdle();
    }
  }

  /** Connections to one address. */
  private final class AddressPool {
    final String address;
    final String host;
    final int port;
    final Semaphore permits = new Semaphore(maxConnectionsPerAddress);
    final ConcurrentLinkedDeque<HttpConnection> idle = new ConcurrentLinkedDeque<>();
    final LongAdder opened = new LongAdder();
    final LongAdder reused = new LongAdder();
    final LongAdder closedCount = new LongAdder();

    /** Set by {@link #evict}: connections coming back are closed, not pooled. */
    volatile boolean retired;

    AddressPool(String address) {
      this.address = address;
      int colon = address.lastIndexOf(':');
      if (colon <= 0 || colon == address.length() - 1) {
        throw new IllegalArgumentException("address: " + address + " (expected: host:port)");
      }
      String h = address.substring(0, colon);
      if (h.startsWith("[") && h.endsWith("]")) {
        h = h.substring(1, h.length() - 1);
      }
      this.host = h;
      try {
        this.port = Integer.parseInt(address.substring(colon + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("address: " + address + " (expected: host:port)", e);
      }
    }

    void acquire(long deadline, Duration timeout) {
      if (permits.tryAcquire()) {
        return;
      }
      boolean acquired;
      try {
        acquired = permits.tryAcquire(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new TransportException(
            ERROR_ID,
            FrameworkException.UNAVAILABLE,
            "interrupted waiting for a connection to " + address,
            false,
            e);
      }
      if (!acquired) {
        throw new TransportException(
            ERROR_ID,
            FrameworkException.UNAVAILABLE,
            "no connection to "
                + address
                + " free within "
                + timeout.toMillis()
                + " ms (all "
                + maxConnectionsPerAddress
                + " in use)",
            false,
            null);
      }
    }

    @Nullable HttpConnection pollIdle() {
      long now = System.nanoTime();
      HttpConnection c;
      while ((c = idle.pollFirst()) != null) {
        if (now - c.idleSinceNanos < idleTimeoutNanos && !c.socket.isClosed()) {
          return c;
        }
        discard(c);
      }
      return null;
    }

    HttpConnection open(long deadline) {
      long remainingMillis = (deadline - System.nanoTime()) / 1_000_000;
      int timeout = (int) Math.max(1, Math.min(connectTimeoutMillis, remainingMillis));
      Socket socket = new Socket();
      try {
        socket.setTcpNoDelay(true);
        socket.setKeepAlive(true);
        socket.connect(new InetSocketAddress(host, port), timeout);
        HttpConnection connection = new HttpConnection(socket);
        opened.increment();
        return connection;
      } catch (IOException e) {
        try {
          socket.close();
        } catch (IOException ignored) {
          // never connected
        }
        String detail;
        if (e instanceof ConnectException) {
          detail = "connection refused by " + address;
        } else if (e instanceof SocketTimeoutException) {
          detail = "connect to " + address + " timed out after " + timeout + " ms";
        } else if (e instanceof UnknownHostException) {
          detail = "unknown host " + host;
        } else {
          detail = "cannot connect to " + address + ": " + e;
        }
        throw new TransportException(ERROR_ID, FrameworkException.UNAVAILABLE, detail, false, e);
      }
    }

    void release(HttpConnection c) {
      long now = System.nanoTime();
      c.idleSinceNanos = now;
      if (closed || retired) {
        discard(c);
        return;
      }
      idle.offerFirst(c);
      // the least recently used connection may have outlived the idle timeout
      HttpConnection oldest = idle.peekLast();
      if (oldest != null
          && now - oldest.idleSinceNanos >= idleTimeoutNanos
          && idle.removeLastOccurrence(oldest)) {
        discard(oldest);
      }
    }

    void discard(HttpConnection c) {
      c.close();
      closedCount.increment();
    }

    void closeIdle() {
      HttpConnection c;
      while ((c = idle.pollFirst()) != null) {
        discard(c);
      }
    }
  }

  /** A reused connection failed before any response byte: the request may be sent again. */
  private static final class StaleConnectionException extends Exception {
    private static final long serialVersionUID = 1L;

    StaleConnectionException(IOException cause) {
      super(cause.getMessage(), cause, false, false);
    }
  }

  /** Configuration; validated by {@link #build()}. Not thread-safe. */
  public static final class Builder {
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private int maxConnectionsPerAddress = DEFAULT_MAX_CONNECTIONS_PER_ADDRESS;
    private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
    private int maxResponseBytes = DEFAULT_MAX_RESPONSE_BYTES;

    private Builder() {}

    public Builder connectTimeout(Duration connectTimeout) {
      this.connectTimeout = Objects.requireNonNull(connectTimeout, "connectTimeout");
      return this;
    }

    /** Bounds the connections, and so the requests in flight, per {@code host:port}. */
    public Builder maxConnectionsPerAddress(int maxConnectionsPerAddress) {
      this.maxConnectionsPerAddress = maxConnectionsPerAddress;
      return this;
    }

    /** How long an unused connection stays open; keep below the server's idle timeout. */
    public Builder idleTimeout(Duration idleTimeout) {
      this.idleTimeout = Objects.requireNonNull(idleTimeout, "idleTimeout");
      return this;
    }

    /** Larger responses fail with 502. */
    public Builder maxResponseBytes(int maxResponseBytes) {
      this.maxResponseBytes = maxResponseBytes;
      return this;
    }

    public HttpClientPool build() {
      if (connectTimeout.isNegative()
          || connectTimeout.isZero()
          || connectTimeout.toMillis() > Integer.MAX_VALUE) {
        throw new IllegalArgumentException(
            "connectTimeout: " + connectTimeout + " (expected: > 0 and < 24 days)");
      }
      if (maxConnectionsPerAddress <= 0) {
        throw new IllegalArgumentException(
            "maxConnectionsPerAddress: " + maxConnectionsPerAddress + " (expected: > 0)");
      }
      if (idleTimeout.isNegative() || idleTimeout.isZero()) {
        throw new IllegalArgumentException("idleTimeout: " + idleTimeout + " (expected: > 0)");
      }
      if (maxResponseBytes <= 0) {
        throw new IllegalArgumentException(
            "maxResponseBytes: " + maxResponseBytes + " (expected: > 0)");
      }
      return new HttpClientPool(this);
    }
  }
}
