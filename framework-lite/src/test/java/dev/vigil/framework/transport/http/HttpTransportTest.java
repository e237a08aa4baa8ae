package dev.vigil.framework.transport.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.framework.Metadata;
import dev.vigil.framework.errors.ErrorWire;
import dev.vigil.framework.errors.FrameworkException;
import dev.vigil.framework.errors.TransportException;
import dev.vigil.framework.transport.ListenOptions;
import dev.vigil.framework.transport.Listener;
import dev.vigil.framework.transport.TransportHandler;
import dev.vigil.framework.transport.TransportRequest;
import dev.vigil.framework.transport.TransportResponse;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HttpTransportTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private static final String TRACEPARENT =
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

  private final HttpTransport transport = HttpTransport.create();
  private final List<AutoCloseable> closeables = new ArrayList<>();

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable c : closeables) {
      c.close();
    }
    transport.close();
  }

  private Listener listen(TransportHandler handler) {
    return listen(ListenOptions.defaults(), handler);
  }

  private Listener listen(ListenOptions options, TransportHandler handler) {
    Listener listener = transport.listen(options, handler);
    closeables.add(listener);
    return listener;
  }

  private static TransportRequest request(String body) {
    return new TransportRequest(
        "greeter",
        "Greeter.Hello",
        Metadata.empty(),
        "application/json",
        body.getBytes(UTF_8),
        null);
  }

  private static TransportResponse ok(byte[] body) {
    return new TransportResponse(200, Metadata.empty(), "application/json", body);
  }

  private static FrameworkException errorOf(TransportResponse response) {
    return ErrorWire.decode("test", response.status(), response.body());
  }

  @Test
  void roundTripCarriesMetadataAsHeadersByteForByte() {
    AtomicReference<TransportRequest> seen = new AtomicReference<>();
    Listener listener =
        listen(
            req -> {
              seen.set(req);
              return new TransportResponse(
                  200, Metadata.of("x-served-by", "node-1"), "application/json", req.body());
            });
    Metadata metadata =
        Metadata.of(
            Map.of(
                "traceparent", TRACEPARENT,
                "tracestate", "vigil=t61rcWkgMzE,congo=ucfJifl5GOE",
                "X-Tenant", "acme"));
    TransportRequest request =
        new TransportRequest(
            "greeter",
            "Greeter.Hello",
            metadata,
            "application/json",
            "{\"name\":\"ada\"}".getBytes(UTF_8),
            null);

    TransportResponse response = transport.call(listener.address(), request, TIMEOUT);

    assertThat(response.status()).isEqualTo(200);
    assertThat(new String(response.body(), UTF_8)).isEqualTo("{\"name\":\"ada\"}");
    assertThat(response.contentType()).startsWith("application/json");
    assertThat(response.metadata().getOrNull("x-served-by")).isEqualTo("node-1");
    assertThat(response.metadata().asMap()).doesNotContainKeys("date", "content-length");
    TransportRequest received = seen.get();
    assertThat(received.service()).isEqualTo("greeter");
    assertThat(received.endpoint()).isEqualTo("Greeter.Hello");
    assertThat(received.contentType()).isEqualTo("application/json");
    assertThat(received.metadata()).isEqualTo(metadata);
    assertThat(received.metadata().getOrNull("traceparent")).isEqualTo(TRACEPARENT);
    assertThat(received.timeout()).isNull();
  }

  @Test
  void remainingDeadlineReachesTheHandlerAsVigilTimeout() {
    AtomicReference<TransportRequest> seen = new AtomicReference<>();
    Listener listener =
        listen(
            req -> {
              seen.set(req);
              return ok(new byte[0]);
            });
    TransportRequest request =
        new TransportRequest(
            "greeter",
            "Greeter.Hello",
            Metadata.empty(),
            "application/json",
            new byte[0],
            Duration.ofMillis(1234));

    transport.call(listener.address(), request, TIMEOUT);

    assertThat(seen.get().timeout()).isEqualTo(Duration.ofMillis(1234));
  }

  @Test
  void oversizedBodyWithContentLengthIs413BeforeTheHandlerRuns() {
    AtomicInteger calls = new AtomicInteger();
    Listener listener =
        listen(
            new ListenOptions("127.0.0.1:0", 1024, Map.of()),
            req -> {
              calls.incrementAndGet();
              return ok(new byte[0]);
            });

    TransportResponse response =
        transport.call(listener.address(), request("x".repeat(2048)), TIMEOUT);

    assertThat(response.status()).isEqualTo(413);
    assertThat(errorOf(response).detail()).contains("2048").contains("limit of 1024 bytes");
    assertThat(calls).hasValue(0);
    // the limit is inclusive, and the server still serves
    assertThat(transport.call(listener.address(), request("x".repeat(1024)), TIMEOUT).status())
        .isEqualTo(200);
  }

  @Test
  void oversizedChunkedBodyIs413() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    Listener listener =
        listen(
            new ListenOptions("127.0.0.1:0", 1024, Map.of()),
            req -> {
              calls.incrementAndGet();
              return ok(new byte[0]);
            });
    String[] hostPort = listener.address().split(":");

    try (Socket socket = new Socket(hostPort[0], Integer.parseInt(hostPort[1]))) {
      socket.setSoTimeout(5000);
      OutputStream out = socket.getOutputStream();
      StringBuilder request =
          new StringBuilder(
              "POST /rpc/Greeter.Hello HTTP/1.1\r\nHost: x\r\n"
                  + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
      for (int i = 0; i < 4; i++) {
        request.append("200\r\n").append("y".repeat(512)).append("\r\n");
      }
      request.append("0\r\n\r\n");
      out.write(request.toString().getBytes(UTF_8));
      out.flush();
      BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), UTF_8));

      assertThat(in.readLine()).startsWith("HTTP/1.1 413");
      StringBuilder rest = new StringBuilder();
      String line;
      while ((line = in.readLine()) != null) {
        rest.append(line).append('\n');
      }
      assertThat(rest).contains("limit of 1024 bytes");
    }
    assertThat(calls).hasValue(0);
  }

  @Test
  void smallChunkedBodyIsServed() throws Exception {
    Listener listener = listen(req -> ok(req.body()));
    String[] hostPort = listener.address().split(":");

    try (Socket socket = new Socket(hostPort[0], Integer.parseInt(hostPort[1]))) {
      socket.setSoTimeout(5000);
      socket
          .getOutputStream()
          .write(
              ("POST /rpc/Greeter.Hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                      + "Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n")
                  .getBytes(UTF_8));
      String response = new String(socket.getInputStream().readAllBytes(), UTF_8);

      assertThat(response).startsWith("HTTP/1.1 200").endsWith("abcde");
    }
  }

  @Test
  void unknownPathIs404NamingThePathAndWrongMethodIs405() {
    Listener listener = listen(req -> ok(new byte[0]));
    HttpClientPool client = transport.client();

    HttpClientPool.Response notFound =
        client.get(listener.address(), "/nothing/here", Metadata.empty(), TIMEOUT);
    HttpClientPool.Response wrongMethod =
        client.get(listener.address(), "/rpc/Greeter.Hello", Metadata.empty(), TIMEOUT);

    assertThat(notFound.status()).isEqualTo(404);
    assertThat(ErrorWire.decode("t", 404, notFound.body()).detail()).contains("/nothing/here");
    assertThat(wrongMethod.status()).isEqualTo(405);
    assertThat(ErrorWire.decode("t", 405, wrongMethod.body()).detail()).contains("GET");
  }

  @Test
  void handlerExceptionIs500WithAnErrorIdAndTheServerKeepsServing() {
    Listener listener =
        listen(
            req -> {
              if (new String(req.body(), UTF_8).equals("boom")) {
                throw new IllegalStateException("boom");
              }
              return ok(req.body());
            });

    TransportResponse failed = transport.call(listener.address(), request("boom"), TIMEOUT);
    TransportResponse next = transport.call(listener.address(), request("fine"), TIMEOUT);

    assertThat(failed.status()).isEqualTo(500);
    FrameworkException error = errorOf(failed);
    assertThat(error.id()).hasSize(16);
    assertThat(error.detail()).contains("IllegalStateException");
    assertThat(next.status()).isEqualTo(200);
  }

  @Test
  void frameworkExceptionFromTheHandlerKeepsItsCode() {
    Listener listener =
        listen(
            req -> {
              throw FrameworkException.notFound("greeter", "no user 42");
            });

    TransportResponse response = transport.call(listener.address(), request("{}"), TIMEOUT);

    assertThat(response.status()).isEqualTo(404);
    FrameworkException error = errorOf(response);
    assertThat(error.id()).isEqualTo("greeter");
    assertThat(error.code()).isEqualTo(404);
    assertThat(error.detail()).isEqualTo("no user 42");
  }

  @Test
  void connectionRefusedIs503AndNotSent() throws Exception {
    int port;
    try (ServerSocket probe = new ServerSocket(0)) {
      port = probe.getLocalPort();
    }

    assertThatThrownBy(() -> transport.call("127.0.0.1:" + port, request("{}"), TIMEOUT))
        .isInstanceOfSatisfying(
            TransportException.class,
            e -> {
              assertThat(e.code()).isEqualTo(503);
              assertThat(e.requestSent()).isFalse();
              assertThat(e.id()).isEqualTo("greeter");
              assertThat(e.detail()).contains("refused");
            });
  }

  @Test
  void noResponseWithinTheTimeoutIs408AndSent() {
    CountDownLatch release = new CountDownLatch(1);
    Listener listener =
        listen(
            req -> {
              release.await(30, TimeUnit.SECONDS);
              return ok(new byte[0]);
            });
    long start = System.nanoTime();

    assertThatThrownBy(
            () -> transport.call(listener.address(), request("{}"), Duration.ofMillis(200)))
        .isInstanceOfSatisfying(
            TransportException.class,
            e -> {
              assertThat(e.code()).isEqualTo(408);
              assertThat(e.requestSent()).isTrue();
            });
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
    release.countDown();
    assertThat(transport.call(listener.address(), request("{}"), TIMEOUT).status()).isEqualTo(200);
  }

  @Test
  void sequentialCallsReuseOneKeepAliveConnection() {
    Listener listener = listen(req -> ok(req.body()));

    for (int i = 0; i < 200; i++) {
      assertThat(transport.call(listener.address(), request("{\"i\":" + i + "}"), TIMEOUT).status())
          .isEqualTo(200);
    }

    HttpClientPool.Stats stats = transport.client().stats(listener.address());
    assertThat(stats.opened()).isEqualTo(1);
    assertThat(stats.reused()).isEqualTo(199);
    assertThat(stats.idle()).isEqualTo(1);
    assertThat(stats.leased()).isZero();
  }

  @Test
  void keepAliveConnectionClosedByTheServerIsReplacedTransparently() throws Exception {
    try (HttpTransport server =
        HttpTransport.builder()
            .serverIdleTimeout(Duration.ofMillis(200))
            .idleTimeout(Duration.ofMillis(100))
            .build()) {
      Listener listener = server.listen(ListenOptions.defaults(), req -> ok(req.body()));
      assertThat(transport.call(listener.address(), request("1"), TIMEOUT).status()).isEqualTo(200);

      Thread.sleep(600); // the server times the idle connection out and closes it

      assertThat(transport.call(listener.address(), request("2"), TIMEOUT).status()).isEqualTo(200);
      assertThat(transport.client().stats(listener.address()).opened()).isEqualTo(2);
    }
  }

  @Test
  void connectionClosedAfterEachResponseIsHandled() throws Exception {
    try (ServerSocket server = new ServerSocket(0)) {
      Thread serverThread =
          new Thread(
              () -> {
                for (int i = 0; i < 3; i++) {
                  try (Socket s = server.accept()) {
                    BufferedReader in =
                        new BufferedReader(new InputStreamReader(s.getInputStream(), UTF_8));
                    String line;
                    int length = 0;
                    while (!(line = in.readLine()).isEmpty()) {
                      if (line.toLowerCase().startsWith("content-length:")) {
                        length = Integer.parseInt(line.substring(15).trim());
                      }
                    }
                    in.skip(length);
                    s.getOutputStream()
                        .write(
                            ("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Type: text/plain\r\n"
                                    + "X-Call: "
                                    + i
                                    + "\r\n\r\nclose-delimited")
                                .getBytes(UTF_8));
                  } catch (Exception e) {
                    return;
                  }
                }
              });
      serverThread.start();
      String address = "127.0.0.1:" + server.getLocalPort();

      for (int i = 0; i < 3; i++) {
        TransportResponse response = transport.call(address, request("{}"), TIMEOUT);
        assertThat(new String(response.body(), UTF_8)).isEqualTo("close-delimited");
        assertThat(response.metadata().getOrNull("x-call")).isEqualTo(String.valueOf(i));
      }
      assertThat(transport.client().stats(address).opened()).isEqualTo(3);
      serverThread.join(5000);
    }
  }

  @Test
  void concurrentCallsFrom32ThreadsAllSucceed() throws Exception {
    Listener listener = listen(req -> ok(req.body()));
    ExecutorService pool = Executors.newFixedThreadPool(32);
    try {
      List<Future<Integer>> results = new ArrayList<>();
      for (int t = 0; t < 32; t++) {
        int thread = t;
        results.add(
            pool.submit(
                () -> {
                  int ok = 0;
                  for (int i = 0; i < 50; i++) {
                    String body = "{\"t\":" + thread + ",\"i\":" + i + "}";
                    TransportResponse r =
                        transport.call(listener.address(), request(body), TIMEOUT);
                    if (r.status() == 200 && new String(r.body(), UTF_8).equals(body)) {
                      ok++;
                    }
                  }
                  return ok;
                }));
      }
      for (Future<Integer> result : results) {
        assertThat(result.get(30, TimeUnit.SECONDS)).isEqualTo(50);
      }
      assertThat(transport.client().stats(listener.address()).opened()).isLessThanOrEqualTo(32);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void callersWaitForAPooledConnectionOnlyUpToTheirTimeout() throws Exception {
    try (HttpTransport onePerAddress =
        HttpTransport.builder().maxConnectionsPerAddress(1).build()) {
      CountDownLatch entered = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      Listener listener =
          listen(
              req -> {
                entered.countDown();
                release.await(5, TimeUnit.SECONDS);
                return ok(new byte[0]);
              });
      CompletableFuture<TransportResponse> first =
          CompletableFuture.supplyAsync(
              () -> onePerAddress.call(listener.address(), request("{}"), TIMEOUT));
      assertThat(entered.await(20, TimeUnit.SECONDS)).isTrue();

      assertThatThrownBy(
              () -> onePerAddress.call(listener.address(), request("{}"), Duration.ofMillis(100)))
          .isInstanceOfSatisfying(
              TransportException.class,
              e -> {
                assertThat(e.code()).isEqualTo(503);
                assertThat(e.requestSent()).isFalse();
              });
      release.countDown();
      assertThat(first.get(20, TimeUnit.SECONDS).status()).isEqualTo(200);
    }
  }

  @Test
  void gracefulCloseFinishesInFlightRequestsAndRefusesNewOnes() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    Listener listener =
        transport.listen(
            ListenOptions.defaults(),
            req -> {
              if (new String(req.body(), UTF_8).equals("slow")) {
                entered.countDown();
                Thread.sleep(700);
              }
              return ok(req.body());
            });
    String address = listener.address();
    // a pooled keep-alive connection that will try to send during the drain
    assertThat(transport.call(address, request("warm"), TIMEOUT).status()).isEqualTo(200);
    HttpTransport other = HttpTransport.create();
    closeables.add(other);
    assertThat(other.call(address, request("warm"), TIMEOUT).status()).isEqualTo(200);
    CompletableFuture<TransportResponse> slow =
        CompletableFuture.supplyAsync(() -> transport.call(address, request("slow"), TIMEOUT));
    assertThat(entered.await(20, TimeUnit.SECONDS)).isTrue();

    long start = System.nanoTime();
    CompletableFuture<Void> closing =
        CompletableFuture.runAsync(() -> listener.close(Duration.ofSeconds(60)));
    Thread.sleep(100);

    // new work is refused: either a 503 on the open connection or no connection at all
    try {
      TransportResponse refused = other.call(address, request("late"), TIMEOUT);
      assertThat(refused.status()).isEqualTo(503);
    } catch (TransportException e) {
      assertThat(e.code()).isEqualTo(503);
      assertThat(e.requestSent()).isFalse();
    }
    HttpTransport fresh = HttpTransport.create();
    closeables.add(fresh);
    assertThatThrownBy(() -> fresh.call(address, request("late"), TIMEOUT))
        .isInstanceOf(TransportException.class);

    TransportResponse finished = slow.get(20, TimeUnit.SECONDS);
    assertThat(finished.status()).isEqualTo(200);
    assertThat(new String(finished.body(), UTF_8)).isEqualTo("slow");
    closing.get(20, TimeUnit.SECONDS); // ends with the last request, not after the 60 s grace
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
  }

  @Test
  void getRoutesAreServedBesideRpc() {
    Supplier<TransportResponse> health =
        () -> new TransportResponse(200, Metadata.empty(), "text/plain", "ok".getBytes(UTF_8));
    Listener listener =
        listen(
            new ListenOptions(
                "127.0.0.1:0", ListenOptions.DEFAULT_MAX_REQUEST_BYTES, Map.of("/health", health)),
            req -> ok(new byte[0]));

    HttpClientPool.Response response =
        transport.client().get(listener.address(), "/health", Metadata.empty(), TIMEOUT);

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.contentType()).startsWith("text/plain");
    assertThat(new String(response.body(), UTF_8)).isEqualTo("ok");
  }

  @Test
  void metadataThatWouldSplitAHeaderIsRefusedBeforeSending() {
    Listener listener = listen(req -> ok(new byte[0]));
    TransportRequest request =
        new TransportRequest(
            "greeter",
            "Greeter.Hello",
            Metadata.of("x-evil", "a\r\nInjected: yes"),
            "application/json",
            new byte[0],
            null);

    assertThatThrownBy(() -> transport.call(listener.address(), request, TIMEOUT))
        .isInstanceOfSatisfying(
            FrameworkException.class,
            e -> {
              assertThat(e.code()).isEqualTo(400);
              assertThat(e.detail()).contains("x-evil");
            });
    assertThat(transport.client().stats(listener.address()).opened()).isZero();
  }

  @Test
  void endpointsWithReservedCharactersArePercentEncodedAndDecoded() {
    AtomicReference<String> endpoint = new AtomicReference<>();
    Listener listener =
        listen(
            req -> {
              endpoint.set(req.endpoint());
              return ok(new byte[0]);
            });
    TransportRequest request =
        new TransportRequest(
            "greeter",
            "Greeter.Say Hello+ü",
            Metadata.empty(),
            "application/json",
            new byte[0],
            null);

    assertThat(transport.call(listener.address(), request, TIMEOUT).status()).isEqualTo(200);
    assertThat(endpoint.get()).isEqualTo("Greeter.Say Hello+ü");
  }

  @Test
  void expiredTimeoutFailsWithoutSending() {
    Listener listener = listen(req -> ok(new byte[0]));

    assertThatThrownBy(() -> transport.call(listener.address(), request("{}"), Duration.ZERO))
        .isInstanceOfSatisfying(
            TransportException.class,
            e -> {
              assertThat(e.code()).isEqualTo(408);
              assertThat(e.requestSent()).isFalse();
            });
  }

  @Test
  void latin1MetadataValuesArriveUnchanged() {
    AtomicReference<TransportRequest> seen = new AtomicReference<>();
    Listener listener =
        listen(
            req -> {
              seen.set(req);
              return ok(new byte[0]);
            });
    TransportRequest request =
        new TransportRequest(
            "greeter",
            "Greeter.Hello",
            Metadata.of("x-city", "Malmö café"),
            "application/json",
            new byte[0],
            null);

    assertThat(transport.call(listener.address(), request, TIMEOUT).status()).isEqualTo(200);
    assertThat(seen.get().metadata().getOrNull("x-city")).isEqualTo("Malmö café");
  }

  @Test
  void listeningOnABusyPortFailsClearly() throws Exception {
    try (ServerSocket busy = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
      String address = "127.0.0.1:" + busy.getLocalPort();

      assertThatThrownBy(
              () ->
                  transport.listen(
                      new ListenOptions(address, 1024, Map.of()), req -> ok(new byte[0])))
          .isInstanceOfSatisfying(
              FrameworkException.class,
              e -> assertThat(e.detail()).contains("cannot listen on " + address));
    }
  }

  @Test
  void listenerReportsTheBoundPort() {
    Listener listener = listen(req -> ok(new byte[0]));

    assertThat(listener.address()).startsWith("127.0.0.1:").doesNotEndWith(":0");
    assertThat(transport.name()).isEqualTo("http");
  }

  @Test
  void builderRejectsBadOptions() {
    assertThatThrownBy(() -> HttpTransport.builder().maxConnectionsPerAddress(0).build())
        .hasMessage("maxConnectionsPerAddress: 0 (expected: > 0)");
    assertThatThrownBy(() -> HttpTransport.builder().serverThreads(2).build())
        .hasMessage("serverThreads: 2 (expected: >= 8)");
    assertThatThrownBy(() -> HttpTransport.builder().connectTimeout(Duration.ZERO).build())
        .hasMessageStartingWith("connectTimeout: PT0S (expected: > 0");
  }
}
