package dev.vigil.framework.transport;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.framework.Metadata;
import dev.vigil.framework.errors.ErrorWire;
import dev.vigil.framework.errors.TransportException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MemoryTransportTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private final MemoryTransport transport = new MemoryTransport();

  @AfterEach
  void tearDown() {
    transport.close();
  }

  private static TransportRequest request(String body) {
    return new TransportRequest(
        "greeter",
        "Greeter.Hello",
        Metadata.of("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"),
        "application/json",
        body.getBytes(UTF_8),
        Duration.ofMillis(250));
  }

  private static TransportResponse echo(TransportRequest req) {
    return new TransportResponse(200, req.metadata(), req.contentType(), req.body());
  }

  @Test
  void roundTripCarriesBodyMetadataAndTimeout() {
    Listener listener = transport.listen(ListenOptions.defaults(), MemoryTransportTest::echo);

    TransportResponse response = transport.call(listener.address(), request("{}"), TIMEOUT);

    assertThat(listener.address()).startsWith("memory:");
    assertThat(response.status()).isEqualTo(200);
    assertThat(new String(response.body(), UTF_8)).isEqualTo("{}");
    assertThat(response.metadata().getOrNull("traceparent"))
        .isEqualTo("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
  }

  @Test
  void oversizedBodyIs413BeforeTheHandlerRuns() {
    AtomicInteger calls = new AtomicInteger();
    Listener listener =
        transport.listen(
            new ListenOptions(ListenOptions.DEFAULT_ADDRESS, 8, Map.of()),
            req -> {
              calls.incrementAndGet();
              return echo(req);
            });

    TransportResponse response = transport.call(listener.address(), request("123456789"), TIMEOUT);

    assertThat(response.status()).isEqualTo(413);
    assertThat(ErrorWire.decode("t", 413, response.body()).detail()).contains("limit of 8 bytes");
    assertThat(calls).hasValue(0);
  }

  @Test
  void callsAfterCloseAreRefusedAsNotSent() {
    Listener listener = transport.listen(ListenOptions.defaults(), MemoryTransportTest::echo);
    listener.close();

    assertThatThrownBy(() -> transport.call(listener.address(), request("{}"), TIMEOUT))
        .isInstanceOfSatisfying(
            TransportException.class,
            e -> {
              assertThat(e.code()).isEqualTo(503);
              assertThat(e.requestSent()).isFalse();
            });
  }

  @Test
  void closeWaitsForRequestsInFlight() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    Listener listener =
        transport.listen(
            ListenOptions.defaults(),
            req -> {
              entered.countDown();
              Thread.sleep(300);
              return echo(req);
            });
    CompletableFuture<TransportResponse> slow =
        CompletableFuture.supplyAsync(
            () -> transport.call(listener.address(), request("slow"), TIMEOUT));
    assertThat(entered.await(20, TimeUnit.SECONDS)).isTrue();

    long start = System.nanoTime();
    listener.close(Duration.ofSeconds(5));

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofMillis(100));
    assertThat(slow.get(20, TimeUnit.SECONDS).status()).isEqualTo(200);
    assertThatThrownBy(() -> transport.call(listener.address(), request("{}"), TIMEOUT))
        .isInstanceOf(TransportException.class);
  }
}
