package dev.vigil.collector;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.testing.PostgresExtension;
import java.net.http.HttpResponse;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * PostgreSQL goes away under load: clients get 503 with Retry-After, every acknowledged span is
 * stored, and ingest resumes by itself once the database is back.
 */
class DatabaseOutageTest {
  @RegisterExtension static final PostgresExtension postgres = new PostgresExtension();

  static final int SPANS_PER_REQUEST = 10;

  @Test
  void clientsGet503DuringAnOutageNothingAcknowledgedIsLostAndIngestResumes() throws Exception {
    Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    AtomicInteger unavailable = new AtomicInteger();
    AtomicInteger missingRetryAfter = new AtomicInteger();
    AtomicInteger unexpected = new AtomicInteger();
    AtomicBoolean running = new AtomicBoolean(true);
    ExecutorService clients = Executors.newFixedThreadPool(4);
    try (CollectorServer collector =
        TestCollector.start(
            postgres,
            b -> b.probeInterval(Duration.ofMillis(200)).commitTimeout(Duration.ofSeconds(5)))) {
      for (int c = 0; c < 4; c++) {
        clients.submit(
            () -> {
              while (running.get()) {
                byte[] traceId = Spans.randomId(16);
                try {
                  HttpResponse<byte[]> response =
                      TestCollector.post(
                          collector,
                          "/v1/traces",
                          "application/x-protobuf",
                          Spans.trace(traceId, "outage", SPANS_PER_REQUEST).toByteArray());
                  if (response.statusCode() == 200) {
                    acknowledged.add(Spans.hex(traceId));
                  } else if (response.statusCode() == 503) {
                    unavailable.incrementAndGet();
                    if (response.headers().firstValue("Retry-After").isEmpty()) {
                      missingRetryAfter.incrementAndGet();
                    }
                    Thread.sleep(50);
                  } else {
                    unexpected.incrementAndGet();
                  }
                } catch (InterruptedException e) {
                  return;
                } catch (Exception e) {
                  unexpected.incrementAndGet();
                }
              }
            });
      }
      awaitAcknowledged(acknowledged, 20);

      postgres.refuseConnections();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (unavailable.get() < 5 && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertThat(unavailable.get()).isGreaterThanOrEqualTo(5);
      Thread.sleep(1500); // several failed probes
      assertThat(TestCollector.get(collector, "/ready").statusCode()).isEqualTo(503);
      int acknowledgedDuringOutage = acknowledged.size();

      postgres.allowConnections();
      awaitAcknowledged(acknowledged, acknowledgedDuringOutage + 20);
      assertThat(TestCollector.get(collector, "/ready").statusCode()).isEqualTo(200);

      running.set(false);
      clients.shutdown();
      assertThat(clients.awaitTermination(30, TimeUnit.SECONDS)).isTrue();

      assertThat(missingRetryAfter.get()).isZero();
      assertThat(unexpected.get()).isZero();
      assertThat(storedTraces(acknowledged)).isEqualTo(acknowledged.size());
    } finally {
      running.set(false);
      clients.shutdownNow();
      postgres.allowConnections();
    }
  }

  private static void awaitAcknowledged(Set<String> acknowledged, int atLeast) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (acknowledged.size() < atLeast) {
      assertThat(System.nanoTime()).as("acknowledged %s", acknowledged.size()).isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  /** Acknowledged traces stored with all their spans. */
  private static int storedTraces(Set<String> traceIds) throws Exception {
    try (Connection c = postgres.connect()) {
      Array array = c.createArrayOf("text", traceIds.toArray());
      try (PreparedStatement q =
          c.prepareStatement(
              "SELECT count(*) FROM (SELECT trace_id FROM spans WHERE trace_id IN"
                  + " (SELECT decode(h, 'hex') FROM unnest(?::text[]) h)"
                  + " GROUP BY trace_id HAVING count(DISTINCT span_id) = ?) t")) {
        q.setArray(1, array);
        q.setInt(2, SPANS_PER_REQUEST);
        try (ResultSet rs = q.executeQuery()) {
          rs.next();
          return rs.getInt(1);
        }
      }
    }
  }
}
