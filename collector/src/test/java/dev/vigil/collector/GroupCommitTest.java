package dev.vigil.collector;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.testing.PostgresExtension;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Concurrent requests are coalesced into shared commits, and none is answered before the commit
 * carrying its data. The writer is held back by a table lock the test takes, which makes grouping
 * deterministic.
 */
class GroupCommitTest {
  @RegisterExtension static final PostgresExtension postgres = new PostgresExtension();

  static final String PROTOBUF = "application/x-protobuf";

  record Sent(String traceId, CompletableFuture<Integer> visibleSpansAtResponse) {}

  @Test
  void concurrentRequestsShareCommitsAndEachIsAnsweredOnlyOnceItsRowsAreVisible() throws Exception {
    ExecutorService clients = Executors.newFixedThreadPool(24);
    // A long commit timeout: the lock below must hold the writer, not run out its write budget.
    try (CollectorServer collector =
            TestCollector.start(postgres, b -> b.commitTimeout(Duration.ofSeconds(60)));
        Connection blocker = postgres.connect()) {
      blocker.setAutoCommit(false);
      try (Statement s = blocker.createStatement()) {
        s.execute("LOCK TABLE operation_minutes IN EXCLUSIVE MODE");
      }
      List<Sent> sent = new ArrayList<>();
      sent.add(send(collector, clients));
      Thread.sleep(300); // the writer now holds the first request and waits on the lock
      for (int i = 0; i < 20; i++) {
        sent.add(send(collector, clients));
      }
      Thread.sleep(700);
      assertThat(sent).allSatisfy(s -> assertThat(s.visibleSpansAtResponse()).isNotDone());

      blocker.rollback();

      for (Sent s : sent) {
        assertThat(s.visibleSpansAtResponse().get(30, TimeUnit.SECONDS))
            .as("spans of %s visible when its 200 arrived", s.traceId())
            .isEqualTo(3);
      }
      String metrics = TestCollector.get(collector, "/metrics").body();
      double commits =
          OtlpHttpEndpointTest.counter(metrics, "vigil_collector_commits_total{result=\"ok\"}");
      assertThat(commits).isLessThanOrEqualTo(3).isGreaterThanOrEqualTo(2);
    } finally {
      clients.shutdownNow();
    }
  }

  @Test
  void fullQueueAnswers429WithRetryAfterInsteadOfGrowing() throws Exception {
    try (CollectorServer collector =
            TestCollector.start(
                postgres,
                b ->
                    b.maxQueueItems(10)
                        .retryAfterSeconds(3)
                        .commitTimeout(Duration.ofSeconds(60)));
        Connection blocker = postgres.connect()) {
      blocker.setAutoCommit(false);
      try (Statement s = blocker.createStatement()) {
        s.execute("LOCK TABLE operation_minutes IN EXCLUSIVE MODE");
      }
      ExecutorService clients = Executors.newFixedThreadPool(4);
      try {
        CompletableFuture<HttpResponse<byte[]>> first = post(collector, clients, 5);
        Thread.sleep(300);
        CompletableFuture<HttpResponse<byte[]>> second = post(collector, clients, 5);
        Thread.sleep(300);

        HttpResponse<byte[]> refused = post(collector, clients, 5).get(10, TimeUnit.SECONDS);

        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.headers().firstValue("Retry-After")).hasValue("3");
        assertThat(first).isNotDone();
        blocker.rollback();
        assertThat(first.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        assertThat(second.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
      } finally {
        clients.shutdownNow();
      }
    }
  }

  @Test
  void requestWaitingLongerThanTheCommitTimeoutGets503AndIsWithdrawn() throws Exception {
    // One writer, held by the first request, so that the second is still queued when it gives up.
    try (CollectorServer collector =
            TestCollector.start(
                postgres, b -> b.commitTimeout(Duration.ofMillis(800)).writerThreads(1));
        Connection blocker = postgres.connect()) {
      blocker.setAutoCommit(false);
      try (Statement s = blocker.createStatement()) {
        s.execute("LOCK TABLE operation_minutes IN EXCLUSIVE MODE");
      }
      ExecutorService clients = Executors.newFixedThreadPool(2);
      try {
        CompletableFuture<HttpResponse<byte[]>> held = post(collector, clients, 2);
        Thread.sleep(200);
        byte[] traceId = Spans.randomId(16);
        HttpResponse<byte[]> queued =
            TestCollector.post(
                collector,
                "/v1/traces",
                PROTOBUF,
                Spans.trace(traceId, "timeout", 2).toByteArray());

        assertThat(queued.statusCode()).isEqualTo(503);
        assertThat(queued.headers().firstValue("Retry-After")).isPresent();
        assertThat(held.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(503);
        blocker.rollback();
        Thread.sleep(500);
        assertThat(visibleSpans(Spans.hex(traceId))).isZero();
      } finally {
        clients.shutdownNow();
      }
    }
  }

  private static CompletableFuture<HttpResponse<byte[]>> post(
      CollectorServer collector, ExecutorService clients, int spans) {
    byte[] body = Spans.trace(Spans.randomId(16), "queue", spans).toByteArray();
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return TestCollector.post(collector, "/v1/traces", PROTOBUF, body);
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        },
        clients);
  }

  private static Sent send(CollectorServer collector, ExecutorService clients) {
    byte[] traceId = Spans.randomId(16);
    byte[] body = Spans.trace(traceId, "orders", 3).toByteArray();
    String hex = Spans.hex(traceId);
    return new Sent(
        hex,
        CompletableFuture.supplyAsync(
            () -> {
              try {
                HttpResponse<byte[]> response =
                    TestCollector.post(collector, "/v1/traces", PROTOBUF, body);
                assertThat(response.statusCode()).isEqualTo(200);
                return visibleSpans(hex);
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            },
            clients));
  }

  static int visibleSpans(String traceIdHex) throws Exception {
    return Spans.stored(postgres, traceIdHex);
  }
}
