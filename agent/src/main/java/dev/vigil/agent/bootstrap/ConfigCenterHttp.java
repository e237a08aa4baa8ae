package dev.vigil.agent.bootstrap;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
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
 * One HTTP/1.1 exchange with the config center per call, over a raw socket closed afterwards (a
 * blocking query every 30 s does not need a kept-alive connection). Like the exporter's sender it
 * keeps the JDK's HTTP clients unloaded and marks the calling thread suppressed, so the agent never
 * traces its own calls. Stateless.
 */
final class ConfigCenterHttp {
  static final int MAX_BODY = 4 << 20;
  private static final int MAX_LINE = 8192;

  /** A response: status, the {@code X-Vigil-Index} header (-1 when absent) and the body. */
  static final class Response {
    final int status;
    final long index;
    final String body;

    Response(int status, long index, String body) {
      this.status = status;
      this.index = index;
      this.body = body;
    }
  }

  private ConfigCenterHttp() {}

  static Response exchange(
      URI uri, String method, String token, byte[] body, int connectMillis, int readMillis)
      throws IOException {
    Tracer.suppress();
    try (Socket socket = connect(uri, connectMillis)) {
      socket.setSoTimeout(readMillis);
      String host = uri.getHost();
      StringBuilder h = new StringBuilder(256);
      String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
      h.append(method).append(' ').append(path);
      if (uri.getRawQuery() != null) {
        h.append('?').append(uri.getRawQuery());
      }
      h.append(" HTTP/1.1\r\n");
      h.append("Host: ").append(host);
      if (uri.getPort() > 0) {
        h.append(':').append(uri.getPort());
      }
      h.append("\r\n");
      h.append("Accept: application/json\r\n");
      h.append("User-Agent: vigil-agent\r\n");
      h.append("Connection: close\r\n");
      if (!token.isEmpty()) {
        h.append("Authorization: Bearer ").append(token).append("\r\n");
      }
      if (body != null) {
        h.append("Content-Type: application/json\r\n");
        h.append("Content-Length: ").append(body.length).append("\r\n");
      }
      h.append("\r\n");
      OutputStream out = socket.getOutputStream();
      out.write(h.toString().getBytes(StandardCharsets.ISO_8859_1));
      if (body != null) {
        out.write(body);
      }
      out.flush();
      return read(new BufferedInputStream(socket.getInputStream(), 4096));
    } finally {
      Tracer.unsuppress();
    }
  }

  private static Socket connect(URI uri, int connectMillis) throws IOException {
    boolean tls = "https".equalsIgnoreCase(uri.getScheme());
    String host = uri.getHost();
    if (host == null) {
      throw new IOException("no host in " + uri);
    }
    int port = uri.getPort() > 0 ? uri.getPort() : (tls ? 443 : 80);
    Socket s = new Socket();
    try {
      s.connect(new InetSocketAddress(host, port), connectMillis);
      if (tls) {
        s = ((SSLSocketFactory) SSLSocketFactory.getDefault()).createSocket(s, host, port, true);
      }
      s.setTcpNoDelay(true);
      return s;
    } catch (IOException | RuntimeException e) {
      s.close();
      throw e;
    }
  }

  static Response read(InputStream in) throws IOException {
    String status = readLine(in);
    if (status == null || !status.startsWith("HTTP/1.") || status.length() < 12) {
      throw new IOException("bad status line: " + status);
    }
    int code;
    try {
      code = Integer.parseInt(status.substring(9, 12));
    } catch (NumberFormatException e) {
      throw new IOException("bad status line: " + status);
    }
    long contentLength = -1;
    long index = -1;
    boolean chunked = false;
    String line;
    while ((line = readLine(in)) != null && !line.isEmpty()) {
      int colon = line.indexOf(':');
      if (colon <= 0) {
        continue;
      }
      String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = line.substring(colon + 1).trim();
      try {
        if (name.equals("content-length")) {
          contentLength = Long.parseLong(value);
        } else if (name.equals("x-vigil-index")) {
          index = Long.parseLong(value);
        } else if (name.equals("transfer-encoding")
            && value.toLowerCase(Locale.ROOT).contains("chunked")) {
          chunked = true;
        }
      } catch (NumberFormatException e) {
        throw new IOException("bad header: " + line);
      }
    }
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    if (chunked) {
      while (true) {
        String size = readLine(in);
        if (size == null) {
          throw new IOException("truncated chunked body");
        }
        int semi = size.indexOf(';');
        long n;
        try {
          n = Long.parseLong((semi >= 0 ? size.substring(0, semi) : size).trim(), 16);
        } catch (NumberFormatException e) {
          throw new IOException("bad chunk size: " + size);
        }
        if (n == 0) {
          break;
        }
        copy(in, body, n);
        readLine(in);
      }
    } else if (contentLength >= 0) {
      copy(in, body, contentLength);
    } else {
      copy(in, body, Long.MAX_VALUE);
    }
    return new Response(code, index, body.toString(StandardCharsets.UTF_8));
  }

  /** Copies {@code n} bytes, or up to the end of the stream when {@code n} is unbounded. */
  private static void copy(InputStream in, ByteArrayOutputStream out, long n) throws IOException {
    byte[] buf = new byte[4096];
    while (n > 0) {
      int r = in.read(buf, 0, (int) Math.min(buf.length, n));
      if (r < 0) {
        if (n == Long.MAX_VALUE) {
          return;
        }
        throw new IOException("truncated body");
      }
      if (out.size() + r > MAX_BODY) {
        throw new IOException("response larger than " + MAX_BODY + " bytes");
      }
      out.write(buf, 0, r);
      if (n != Long.MAX_VALUE) {
        n -= r;
      }
    }
  }

  private static String readLine(InputStream in) throws IOException {
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
}
