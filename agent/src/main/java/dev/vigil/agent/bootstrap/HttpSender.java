package dev.vigil.agent.bootstrap;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import javax.net.ssl.SSLSocketFactory;

/**
 * POSTs protobuf payloads to the collector over one kept-alive HTTP/1.1 socket. Raw sockets keep
 * the JDK's HTTP clients unloaded (and so uninstrumented) unless the application uses them, and the
 * calling thread is marked suppressed as well. Used by the exporter thread only.
 */
final class HttpSender {
  /** What happened to one export attempt. */
  enum Result {
    OK,
    /** The collector refused the payload for good (4xx other than 408/429): drop it. */
    REJECTED,
    /** Network error, 5xx, 408 or 429: retry after back-off. */
    RETRY
  }

  private static final int MAX_LINE = 8192;

  private final String token;
  private String lastError = "";
  private Socket socket;
  private InputStream in;
  private OutputStream out;
  private String connectedTo;

  HttpSender(String token) {
    this.token = token;
  }

  String lastError() {
    return lastError;
  }

  Result post(String url, byte[] body, int length, int timeoutMillis) {
    Tracer.suppress();
    try {
      URI uri = URI.create(url);
      boolean reused = socket != null;
      try {
        return exchange(uri, body, length, timeoutMillis);
      } catch (IOException e) {
        close();
        if (!reused) {
          throw e;
        }
        // The kept-alive socket may have been closed by the server: one fresh attempt.
        return exchange(uri, body, length, timeoutMillis);
      }
    } catch (IOException | RuntimeException e) {
      close();
      lastError = e.getClass().getSimpleName() + ": " + e.getMessage() + " (" + url + ")";
      return Result.RETRY;
    } finally {
      Tracer.unsuppress();
    }
  }

  private Result exchange(URI uri, byte[] body, int length, int timeoutMillis) throws IOException {
    boolean tls = "https".equalsIgnoreCase(uri.getScheme());
    String host = uri.getHost();
    int port = uri.getPort() > 0 ? uri.getPort() : (tls ? 443 : 80);
    String key = uri.getScheme() + "://" + host + ":" + port;
    if (socket == null || !key.equals(connectedTo)) {
      close();
      Socket s = new Socket();
      s.connect(new InetSocketAddress(host, port), timeoutMillis);
      if (tls) {
        s = ((SSLSocketFactory) SSLSocketFactory.getDefault()).createSocket(s, host, port, true);
      }
      s.setTcpNoDelay(true);
      socket = s;
      in = new BufferedInputStream(s.getInputStream(), 1024);
      out = s.getOutputStream();
      connectedTo = key;
    }
    socket.setSoTimeout(timeoutMillis);
    StringBuilder h = new StringBuilder(256);
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    h.append("POST ").append(path).append(" HTTP/1.1\r\n");
    h.append("Host: ").append(host).append(':').append(port).append("\r\n");
    h.append("Content-Type: application/x-protobuf\r\n");
    h.append("Content-Length: ").append(length).append("\r\n");
    h.append("User-Agent: vigil-agent\r\n");
    if (!token.isEmpty()) {
      h.append("Authorization: Bearer ").append(token).append("\r\n");
    }
    h.append("\r\n");
    out.write(h.toString().getBytes(StandardCharsets.ISO_8859_1));
    out.write(body, 0, length);
    out.flush();

    String status = readLine();
    if (status == null || !status.startsWith("HTTP/1.")) {
      throw new IOException("bad status line: " + status);
    }
    int code = Integer.parseInt(status.substring(9, 12));
    long contentLength = -1;
    boolean chunked = false;
    boolean closeAfter = false;
    String line;
    while ((line = readLine()) != null && !line.isEmpty()) {
      int colon = line.indexOf(':');
      if (colon <= 0) {
        continue;
      }
      String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = line.substring(colon + 1).trim();
      if (name.equals("content-length")) {
        contentLength = Long.parseLong(value);
      } else if (name.equals("transfer-encoding")
          && value.toLowerCase(Locale.ROOT).contains("chunked")) {
        chunked = true;
      } else if (name.equals("connection") && value.equalsIgnoreCase("close")) {
        closeAfter = true;
      }
    }
    if (chunked) {
      while (true) {
        String size = readLine();
        if (size == null) {
          throw new IOException("truncated chunked body");
        }
        int semi = size.indexOf(';');
        long n = Long.parseLong((semi >= 0 ? size.substring(0, semi) : size).trim(), 16);
        if (n == 0) {
          while ((line = readLine()) != null && !line.isEmpty()) {
            // trailers
          }
          break;
        }
        skip(n);
        readLine();
      }
    } else if (contentLength > 0) {
      skip(contentLength);
    } else if (contentLength < 0 && code != 204 && code != 304) {
      closeAfter = true;
    }
    if (closeAfter) {
      close();
    }
    if (code >= 200 && code < 300) {
      return Result.OK;
    }
    lastError = "HTTP " + code + " from " + uri;
    if (code == 408 || code == 429 || code >= 500) {
      return Result.RETRY;
    }
    return Result.REJECTED;
  }

  private void skip(long n) throws IOException {
    while (n > 0) {
      long k = in.skip(n);
      if (k <= 0) {
        if (in.read() < 0) {
          throw new IOException("truncated body");
        }
        k = 1;
      }
      n -= k;
    }
  }

  private String readLine() throws IOException {
    StringBuilder sb = new StringBuilder(64);
    int c;
    while ((c = in.read()) >= 0) {
      if (c == '\n') {
        int len = sb.length();
        if (len > 0 && sb.charAt(len - 1) == '\r') {
          sb.setLength(len - 1);
        }
        return sb.toString();
      }
      if (sb.length() >= MAX_LINE) {
        throw new IOException("response line too long");
      }
      sb.append((char) c);
    }
    return sb.length() == 0 ? null : sb.toString();
  }

  void close() {
    Socket s = socket;
    socket = null;
    in = null;
    out = null;
    connectedTo = null;
    if (s != null) {
      try {
        s.close();
      } catch (IOException ignored) {
        // closing a broken connection
      }
    }
  }
}
