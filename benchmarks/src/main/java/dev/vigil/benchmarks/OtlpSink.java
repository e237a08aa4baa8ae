package dev.vigil.benchmarks;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An OTLP/HTTP endpoint that reads every request body, counts the bytes and answers 200 with an
 * empty (valid) protobuf response, so agents pay their full export cost without a real backend.
 * Thread-safe.
 */
public final class OtlpSink implements AutoCloseable {
  private final HttpServer server;
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong bytes = new AtomicLong();

  OtlpSink(int port) throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
    server.setExecutor(Executors.newFixedThreadPool(2, r -> daemon(r)));
    server.createContext(
        "/",
        exchange -> {
          byte[] buffer = new byte[16 * 1024];
          long n = 0;
          try (InputStream in = exchange.getRequestBody()) {
            for (int r; (r = in.read(buffer)) > 0; ) {
              n += r;
            }
          }
          requests.incrementAndGet();
          bytes.addAndGet(n);
          exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    server.start();
  }

  private static Thread daemon(Runnable r) {
    Thread t = new Thread(r, "otlp-sink");
    t.setDaemon(true);
    return t;
  }

  String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  long requests() {
    return requests.get();
  }

  long bytes() {
    return bytes.get();
  }

  @Override
  public void close() {
    server.stop(0);
  }

  /** Runs a sink on its own until killed: {@code OtlpSink <port>}. */
  public static void main(String[] args) throws Exception {
    OtlpSink sink = new OtlpSink(Integer.parseInt(args[0]));
    System.out.println("otlp sink at " + sink.endpoint());
    Thread.currentThread().join();
  }
}
