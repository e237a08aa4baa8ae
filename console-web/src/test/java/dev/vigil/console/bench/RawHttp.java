package dev.vigil.console.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A load generator's HTTP/1.1 client: keep-alive connections over raw non-blocking sockets, all
 * driven by one selector thread, so that the driver costs little CPU next to the server it
 * measures. Requests on a connection are pipelined and answered in order; periodic tasks run on the
 * same thread.
 *
 * <p>Thread-safe: {@link #send} and {@link #close} may be called from any thread; callbacks and
 * periodic tasks run on the selector thread and must not block.
 */
public final class RawHttp implements AutoCloseable {
  /** An answer; {@code nanoTime} is when its last byte was read. */
  public record Response(int status, String head, byte[] body, long nanoTime) {
    /** A response header's value, or null. */
    public String header(String name) {
      return headerValue(head, name);
    }
  }

  /** Receives an answer, or {@code null} when the connection failed. */
  public interface Callback {
    void done(Response response);
  }

  private record Pending(int conn, byte[] request, Callback callback) {}

  private record Periodic(long periodNanos, Runnable task, long[] next) {}

  private final Selector selector;
  private final Conn[] conns;
  private final InetSocketAddress address;
  private final String host;
  private final Thread thread;
  private final ConcurrentLinkedQueue<Pending> submitted = new ConcurrentLinkedQueue<>();
  private final List<Periodic> periodic = new ArrayList<>();
  private volatile boolean closed;
  private volatile int errors;

  private static final class Conn {
    SocketChannel channel;
    final ArrayDeque<ByteBuffer> out = new ArrayDeque<>();
    final ArrayDeque<Callback> awaiting = new ArrayDeque<>();
    ByteBuffer in = ByteBuffer.allocate(64 * 1024);

    Conn(SocketChannel channel) {
      this.channel = channel;
    }
  }

  private SocketChannel connect() throws IOException {
    SocketChannel ch = SocketChannel.open(address);
    ch.configureBlocking(false);
    ch.socket().setTcpNoDelay(true);
    return ch;
  }

  public RawHttp(InetSocketAddress address, int connections) throws IOException {
    this.selector = Selector.open();
    this.address = address;
    this.host = address.getHostString() + ":" + address.getPort();
    this.conns = new Conn[connections];
    for (int i = 0; i < connections; i++) {
      SocketChannel ch = connect();
      conns[i] = new Conn(ch);
      ch.register(selector, SelectionKey.OP_READ, conns[i]);
    }
    this.thread = new Thread(this::run, "raw-http");
    thread.setDaemon(true);
  }

  /** Runs {@code task} on the selector thread every {@code periodNanos}; call before start. */
  public void every(long periodNanos, Runnable task) {
    periodic.add(new Periodic(periodNanos, task, new long[] {0}));
  }

  public void start() {
    long now = System.nanoTime();
    for (Periodic p : periodic) {
      p.next()[0] = now + p.periodNanos();
    }
    thread.start();
  }

  public int connections() {
    return conns.length;
  }

  /** Failed connections and unreadable answers so far. */
  public int errors() {
    return errors;
  }

  /** Requests written or queued on {@code conn} and not yet answered (selector thread only). */
  public int outstanding(int conn) {
    return conns[conn].awaiting.size();
  }

  /** An HTTP/1.1 request with the given bearer token and optional JSON body. */
  public byte[] request(String method, String path, String token, String jsonBody) {
    byte[] body = jsonBody == null ? new byte[0] : jsonBody.getBytes(StandardCharsets.UTF_8);
    StringBuilder head =
        new StringBuilder(160 + path.length())
            .append(method)
            .append(' ')
            .append(path)
            .append(" HTTP/1.1\r\nHost: ")
            .append(host)
            .append("\r\nAuthorization: Bearer ")
            .append(token)
            .append("\r\n");
    if (jsonBody != null) {
      head.append("Content-Type: application/json\r\nContent-Length: ")
          .append(body.length)
          .append("\r\n");
    }
    byte[] h = head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII);
    byte[] all = new byte[h.length + body.length];
    System.arraycopy(h, 0, all, 0, h.length);
    System.arraycopy(body, 0, all, h.length, body.length);
    return all;
  }

  /** Sends {@code request} on connection {@code conn}; {@code callback} gets its answer. */
  public void send(int conn, byte[] request, Callback callback) {
    if (Thread.currentThread() == thread) {
      write(conns[conn], request, callback);
    } else {
      submitted.add(new Pending(conn, request, callback));
      selector.wakeup();
    }
  }

  private void write(Conn c, byte[] request, Callback callback) {
    c.awaiting.add(callback);
    c.out.add(ByteBuffer.wrap(request));
    flush(c);
  }

  private void flush(Conn c) {
    SelectionKey key = c.channel.keyFor(selector);
    if (key == null) {
      return; // closed; reconnecting
    }
    try {
      while (!c.out.isEmpty()) {
        ByteBuffer b = c.out.peek();
        c.channel.write(b);
        if (b.hasRemaining()) {
          key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
          return;
        }
        c.out.poll();
      }
      key.interestOps(SelectionKey.OP_READ);
    } catch (IOException e) {
      fail(c, key);
    }
  }

  private void run() {
    try {
      while (!closed) {
        long now = System.nanoTime();
        long nextDue = now + 200_000_000L;
        for (Periodic p : periodic) {
          long[] next = p.next();
          if (now - next[0] >= 0) {
            p.task().run();
            next[0] += p.periodNanos();
          }
          nextDue = Math.min(nextDue, next[0]);
        }
        for (Pending p; (p = submitted.poll()) != null; ) {
          write(conns[p.conn()], p.request(), p.callback());
        }
        long waitMs = (nextDue - System.nanoTime()) / 1_000_000L;
        if (waitMs > 0) {
          selector.select(waitMs);
        } else {
          selector.selectNow();
        }
        Iterator<SelectionKey> it = selector.selectedKeys().iterator();
        while (it.hasNext()) {
          SelectionKey key = it.next();
          it.remove();
          Conn c = (Conn) key.attachment();
          if (key.isValid() && key.isWritable()) {
            flush(c);
          }
          if (key.isValid() && key.isReadable()) {
            read(c, key);
          }
        }
      }
    } catch (IOException e) {
      errors++;
    }
  }

  private void read(Conn c, SelectionKey key) {
    try {
      if (!c.in.hasRemaining()) {
        ByteBuffer bigger = ByteBuffer.allocate(c.in.capacity() * 2);
        c.in.flip();
        bigger.put(c.in);
        c.in = bigger;
      }
      if (c.channel.read(c.in) < 0) {
        fail(c, key);
        return;
      }
      long now = System.nanoTime();
      while (true) {
        Response r = parse(c.in, now);
        if (r == null) {
          return;
        }
        Callback callback = c.awaiting.poll();
        if (callback == null) {
          errors++;
        } else {
          callback.done(r);
        }
      }
    } catch (IOException | RuntimeException e) {
      fail(c, key);
    }
  }

  /**
   * Counts the failure, answers everything waiting on the connection with null, and opens a new one
   * in its place (the server may close a connection idle longer than its idle timeout).
   */
  private void fail(Conn c, SelectionKey key) {
    errors++;
    key.cancel();
    try {
      c.channel.close();
    } catch (IOException ignored) {
      // replaced below
    }
    c.out.clear();
    c.in.clear();
    try {
      c.channel = connect();
      c.channel.register(selector, SelectionKey.OP_READ, c);
    } catch (IOException e) {
      errors++;
    }
    ArrayDeque<Callback> failed = new ArrayDeque<>(c.awaiting);
    c.awaiting.clear();
    for (Callback callback : failed) {
      callback.done(null);
    }
  }

  /**
   * Takes the first complete response out of {@code in} (position = bytes held), or returns null if
   * it has not all arrived.
   */
  static Response parse(ByteBuffer in, long nanoTime) {
    byte[] a = in.array();
    int end = in.position();
    int length = responseLength(a, end);
    if (length < 0) {
      return null;
    }
    int headEnd = headEnd(a, end);
    String head = new String(a, 0, headEnd, StandardCharsets.US_ASCII);
    int status = Integer.parseInt(head.substring(9, 12));
    byte[] body;
    if (headerValue(head, "content-length") != null) {
      body = Arrays.copyOfRange(a, headEnd, length);
    } else {
      body = dechunk(a, headEnd, length);
    }
    System.arraycopy(a, length, a, 0, end - length);
    in.position(end - length);
    return new Response(status, head, body, nanoTime);
  }

  /** Where the head of the response in {@code a[0, end)} ends, or -1. */
  private static int headEnd(byte[] a, int end) {
    for (int i = 3; i < end; i++) {
      if (a[i] == '\n' && a[i - 1] == '\r' && a[i - 2] == '\n' && a[i - 3] == '\r') {
        return i + 1;
      }
    }
    return -1;
  }

  /**
   * The length of the first complete HTTP/1.1 response in {@code a[0, end)}, or -1 if it has not
   * all arrived. Handles {@code Content-Length} and chunked bodies.
   */
  public static int responseLength(byte[] a, int end) {
    int headEnd = headEnd(a, end);
    if (headEnd < 0) {
      return -1;
    }
    String contentLength =
        headerValue(new String(a, 0, headEnd, StandardCharsets.US_ASCII), "content-length");
    if (contentLength != null) {
      long total = headEnd + Long.parseLong(contentLength);
      return total <= end ? (int) total : -1;
    }
    int at = headEnd;
    while (true) {
      int lineEnd = lineEnd(a, at, end);
      if (lineEnd < 0) {
        return -1;
      }
      int size = chunkSize(a, at, lineEnd);
      if (size == 0) {
        return lineEnd + 2 <= end ? lineEnd + 2 : -1; // the empty trailer line
      }
      at = lineEnd + size + 2;
      if (at > end) {
        return -1;
      }
    }
  }

  private static byte[] dechunk(byte[] a, int headEnd, int length) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int at = headEnd;
    while (at < length) {
      int lineEnd = lineEnd(a, at, length);
      int size = chunkSize(a, at, lineEnd);
      if (size == 0) {
        break;
      }
      out.write(a, lineEnd, size);
      at = lineEnd + size + 2;
    }
    return out.toByteArray();
  }

  /** The index just after the CRLF ending the line starting at {@code from}, or -1. */
  private static int lineEnd(byte[] a, int from, int end) {
    for (int i = from + 1; i < end; i++) {
      if (a[i] == '\n' && a[i - 1] == '\r') {
        return i + 1;
      }
    }
    return -1;
  }

  private static int chunkSize(byte[] a, int from, int lineEnd) {
    int size = 0;
    for (int i = from; i < lineEnd - 2; i++) {
      int d = Character.digit(a[i], 16);
      if (d < 0) {
        break; // chunk extension
      }
      size = size * 16 + d;
    }
    return size;
  }

  /** A header's value in a response head, or null. */
  public static String headerValue(String head, String name) {
    String lower = head.toLowerCase(Locale.ROOT);
    int at = lower.indexOf("\r\n" + name.toLowerCase(Locale.ROOT) + ":");
    if (at < 0) {
      return null;
    }
    int start = at + name.length() + 3;
    return head.substring(start, lower.indexOf("\r\n", start)).trim();
  }

  /** utime + stime of a process, in clock ticks (100 per second), from {@code /proc}. */
  public static long cpuTicks(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
  }

  /** CPU ticks of every process named postgres (the whole server, all databases). */
  public static long postgresTicks() throws IOException {
    long total = 0;
    try (var dirs = Files.list(Path.of("/proc"))) {
      for (Path dir : (Iterable<Path>) dirs::iterator) {
        String name = dir.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit)) {
          continue;
        }
        try {
          String stat = Files.readString(dir.resolve("stat"));
          if (stat.contains("(postgres)")) {
            total += cpuTicks(Long.parseLong(name));
          }
        } catch (IOException | RuntimeException ignored) {
          // the process ended
        }
      }
    }
    return total;
  }

  @Override
  public void close() throws IOException {
    closed = true;
    selector.wakeup();
    try {
      thread.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (Conn c : conns) {
      c.channel.close();
    }
    selector.close();
  }
}
