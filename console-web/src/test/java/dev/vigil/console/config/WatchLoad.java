package dev.vigil.console.config;

import dev.vigil.console.bench.RawHttp;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * Many HTTP/1.1 keep-alive connections holding blocking config queries, driven by one selector
 * thread so the load generator costs little CPU next to the server it measures. Each connection
 * re-issues its query with the returned {@code X-Vigil-Index} as soon as an answer arrives, as real
 * clients do.
 *
 * <p>Not thread-safe apart from {@link #close()}; {@link Listener} runs on the selector thread.
 */
final class WatchLoad implements AutoCloseable {
  interface Listener {
    /** A client received an answer whose index moved, at {@code nanoTime}. */
    void moved(int client, long index, long nanoTime);
  }

  private final Selector selector;
  private final Conn[] conns;
  private final String pathPrefix;
  private final String host;
  private final String token;
  private final Listener listener;
  private final Thread thread;
  private volatile boolean closed;
  private volatile int errors;

  private final class Conn {
    final int id;
    final SocketChannel channel;
    long index;
    final ByteBuffer in = ByteBuffer.allocate(64 * 1024);
    final ArrayDeque<ByteBuffer> out = new ArrayDeque<>();

    Conn(int id, SocketChannel channel, long index) {
      this.id = id;
      this.channel = channel;
      this.index = index;
    }
  }

  WatchLoad(int port, String appPath, String token, long[] indexes, Listener listener)
      throws IOException {
    this.selector = Selector.open();
    this.pathPrefix = appPath;
    this.host = "127.0.0.1:" + port;
    this.token = token;
    this.listener = listener;
    this.conns = new Conn[indexes.length];
    for (int i = 0; i < indexes.length; i++) {
      SocketChannel ch = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
      ch.configureBlocking(false);
      conns[i] = new Conn(i, ch, indexes[i]);
      ch.register(selector, SelectionKey.OP_READ, conns[i]);
    }
    this.thread = new Thread(this::run, "watch-load");
    thread.setDaemon(true);
  }

  void start() {
    for (Conn c : conns) {
      send(c);
    }
    thread.start();
  }

  int errors() {
    return errors;
  }

  private void send(Conn c) {
    String request =
        "GET "
            + pathPrefix
            + "?instance=bench-"
            + c.id
            + "&index="
            + c.index
            + "&wait=60s HTTP/1.1\r\n"
            + "Host: "
            + host
            + "\r\n"
            + "Authorization: Bearer "
            + token
            + "\r\n"
            + "\r\n";
    c.out.add(ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII)));
    flush(c);
  }

  private void flush(Conn c) {
    try {
      while (!c.out.isEmpty()) {
        ByteBuffer b = c.out.peek();
        c.channel.write(b);
        if (b.hasRemaining()) {
          c.channel.keyFor(selector).interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
          return;
        }
        c.out.poll();
      }
      SelectionKey key = c.channel.keyFor(selector);
      if (key != null) {
        key.interestOps(SelectionKey.OP_READ);
      }
    } catch (IOException e) {
      errors++;
    }
  }

  private void run() {
    try {
      while (!closed) {
        selector.select(200);
        Iterator<SelectionKey> it = selector.selectedKeys().iterator();
        while (it.hasNext()) {
          SelectionKey key = it.next();
          it.remove();
          Conn c = (Conn) key.attachment();
          if (!key.isValid()) {
            continue;
          }
          if (key.isWritable()) {
            flush(c);
          }
          if (key.isReadable()) {
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
      int n = c.channel.read(c.in);
      if (n < 0) {
        errors++;
        key.cancel();
        return;
      }
      long now = System.nanoTime();
      while (true) {
        int length = RawHttp.responseLength(c.in.array(), c.in.position());
        if (length < 0) {
          return;
        }
        String head =
            new String(
                c.in.array(), 0, Math.min(length, c.in.position()), StandardCharsets.US_ASCII);
        long index = header(head, "x-vigil-index");
        if (!head.startsWith("HTTP/1.1 200")) {
          errors++;
        }
        // drop the consumed response
        int remaining = c.in.position() - length;
        System.arraycopy(c.in.array(), length, c.in.array(), 0, remaining);
        c.in.position(remaining);
        if (index > c.index) {
          c.index = index;
          listener.moved(c.id, index, now);
        }
        send(c);
      }
    } catch (IOException e) {
      errors++;
      key.cancel();
    }
  }

  private static long header(String head, String name) {
    String value = RawHttp.headerValue(head, name);
    return value == null ? -1 : Long.parseLong(value);
  }

  /** The driver's own CPU time so far, in nanoseconds. */
  long cpuNanos() {
    return ManagementFactory.getThreadMXBean().getThreadCpuTime(thread.getId());
  }

  @Override
  public void close() throws IOException {
    closed = true;
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
