package dev.vigil.agent.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HttpSenderTest {
  private HttpServer server;
  private final AtomicInteger status = new AtomicInteger(200);
  private final AtomicInteger bodyLength = new AtomicInteger(-1);
  private final List<String> seen = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/v1/traces",
        ex -> {
          byte[] body = ex.getRequestBody().readAllBytes();
          seen.add(
              ex.getRemoteAddress().getPort()
                  + " "
                  + ex.getRequestHeaders().getFirst("Authorization")
                  + " "
                  + ex.getRequestHeaders().getFirst("Content-Type")
                  + " "
                  + body.length);
          int len = bodyLength.get();
          if (len < 0) {
            ex.sendResponseHeaders(status.get(), -1);
          } else {
            // 0 makes the JDK server answer chunked.
            ex.sendResponseHeaders(status.get(), len);
            ex.getResponseBody().write("partial-success".getBytes());
          }
          ex.close();
        });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1/traces";
  }

  @Test
  void postsProtobufWithTheBearerTokenOverOneKeptAliveConnection() {
    HttpSender sender = new HttpSender("s3cret");
    byte[] body = {1, 2, 3, 4};
    assertThat(sender.post(url(), body, 3, 2000)).isEqualTo(HttpSender.Result.OK);
    bodyLength.set(0);
    assertThat(sender.post(url(), body, 4, 2000)).isEqualTo(HttpSender.Result.OK);
    bodyLength.set("partial-success".length());
    assertThat(sender.post(url(), body, 4, 2000)).isEqualTo(HttpSender.Result.OK);
    assertThat(seen).hasSize(3);
    assertThat(seen.get(0)).endsWith("Bearer s3cret application/x-protobuf 3");
    String port = seen.get(0).split(" ")[0];
    assertThat(seen).allMatch(s -> s.startsWith(port + " "));
    sender.close();
  }

  @Test
  void serverErrorsAndThrottlingAreRetriedAndOtherClientErrorsDropTheBatch() {
    HttpSender sender = new HttpSender("");
    status.set(503);
    assertThat(sender.post(url(), new byte[1], 1, 2000)).isEqualTo(HttpSender.Result.RETRY);
    status.set(429);
    assertThat(sender.post(url(), new byte[1], 1, 2000)).isEqualTo(HttpSender.Result.RETRY);
    status.set(400);
    assertThat(sender.post(url(), new byte[1], 1, 2000)).isEqualTo(HttpSender.Result.REJECTED);
    assertThat(sender.lastError()).contains("HTTP 400");
    assertThat(seen).allMatch(s -> s.contains(" null "));
    sender.close();
  }

  @Test
  void anUnreachableCollectorIsRetriedAndNeverThrows() throws IOException {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    HttpSender sender = new HttpSender("");
    assertThat(sender.post("http://127.0.0.1:" + closedPort + "/v1/logs", new byte[1], 1, 500))
        .isEqualTo(HttpSender.Result.RETRY);
    assertThat(sender.lastError()).contains("ConnectException");
    assertThat(Tracer.isSuppressed()).isFalse();
  }
}
