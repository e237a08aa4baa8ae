package dev.vigil.collector;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.testing.PostgresExtension;
import java.net.http.HttpResponse;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
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
    try (CollectorServer collector =
            TestCollector.start(
                postgres,
                b -> b.probeInterval(Duration.ofMillis(200)).commitTimeout(Duration.ofSeconds(5)));
        Load load = new Load(collector, 4, "outage")) {
      awaitAcknowledged(load.acknowledged, 20);

      postgres.refuseConnections();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (load.refused.size() < 5 && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertThat(load.refused.size()).isGreaterThanOrEqualTo(5);
      Thread.sleep(1500); // several failed probes
      assertThat(TestCollector.get(collector, "/ready").statusCode()).isEqualTo(503);
      int acknowledgedDuringOutage = load.acknowledged.size();

      postgres.allowConnections();
      awaitAcknowledged(load.acknowledged, acknowledgedDuringOutage + 20);
      assertThat(TestCollector.get(collector, "/ready").statusCode()).isEqualTo(200);

      assertThat(load.stop()).isTrue();
      assertThat(load.missingRetryAfter.get()).isZero();
      assertThat(load.unexpected).isEmpty();
      assertThat(storedTraces(load.acknowledged)).isEqualTo(load.acknowledged.size());
    } finally {
      postgres.allowConnections();
    }
  }

  @Test
  void severalWritersRideOutLostConnectionsAndAnOutageStoringExactlyWhatWasAcknowledged()
      throws Exception {
    String service = "outage-writers";
    try (CollectorServer collector =
            TestCollector.start(
                postgres,
                b ->
                    b.writerThreads(3)
                        .probeInterval(Duration.ofMillis(200))
                        .commitTimeout(Duration.ofSeconds(5)));
        Load load = new Load(collector, 6, service)) {
      Set<String> acknowledged = load.acknowledged;
      Set<String> refused = load.refused;
      awaitAcknowledged(acknowledged, 20);

      // Every connection dies at once, while the database stays up.
      terminateConnections();
      awaitAcknowledged(acknowledged, acknowledged.size() + 20);

      // Then the database goes away for a while.
      int refusedBefore = refused.size();
      postgres.refuseConnections();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (refused.size() < refusedBefore + 5 && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertThat(refused.size()).isGreaterThanOrEqualTo(refusedBefore + 5);
      Thread.sleep(1500); // several failed probes
      postgres.allowConnections();
      awaitAcknowledged(acknowledged, acknowledged.size() + 40);

      assertThat(load.stop()).isTrue();
      assertThat(load.unexpected).isEmpty();
      assertThat(load.missingRetryAfter.get()).isZero();
      assertThat(storedTraces(acknowledged)).isEqualTo(acknowledged.size());
      assertThat(storedSpans(acknowledged)).isEqualTo(acknowledged.size() * SPANS_PER_REQUEST);
      double unknown =
          OtlpHttpEndpointTest.counter(
              TestCollector.get(collector, "/metrics").body(),
              "vigil_collector_commit_unknown_total");
      if (unknown == 0) {
        // Refused means not stored: the traces and the rollups hold the acknowledged ones only.
        assertThat(storedSpans(refused)).isZero();
        assertThat(storedTraceCount(service)).isEqualTo(acknowledged.size());
        assertThat(entryCount(service)).isEqualTo(acknowledged.size());
      }
    } finally {
      postgres.allowConnections();
    }
  }

  /**
   * Clients posting one trace of {@link #SPANS_PER_REQUEST} spans per request in a loop, pausing
   * briefly after a 503, and recording each answer by trace id.
   */
  static final class Load implements AutoCloseable {
    final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    final Set<String> refused = ConcurrentHashMap.newKeySet();
    final AtomicInteger missingRetryAfter = new AtomicInteger();
    final List<String> unexpected = new CopyOnWriteArrayList<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final ExecutorService clients;

    Load(CollectorServer collector, int clientCount, String service) {
      clients = Executors.newFixedThreadPool(clientCount);
      for (int c = 0; c < clientCount; c++) {
        clients.submit(() -> post(collector, service));
      }
    }

    private void post(CollectorServer collector, String service) {
      while (running.get()) {
        byte[] traceId = Spans.randomId(16);
        try {
          HttpResponse<byte[]> response =
              TestCollector.post(
                  collector,
                  "/v1/traces",
                  "application/x-protobuf",
                  Spans.trace(traceId, service, SPANS_PER_REQUEST).toByteArray());
          if (response.statusCode() == 200) {
            acknowledged.add(Spans.hex(traceId));
          } else if (response.statusCode() == 503) {
            refused.add(Spans.hex(traceId));
            if (response.headers().firstValue("Retry-After").isEmpty()) {
              missingRetryAfter.incrementAndGet();
            }
            Thread.sleep(50);
          } else {
            unexpected.add(response.statusCode() + " " + new String(response.body(), UTF_8));
          }
        } catch (InterruptedException e) {
          return;
        } catch (Exception e) {
          unexpected.add(e.toString());
        }
      }
    }

    /** Stops the clients after their current request; true once all have stopped. */
    boolean stop() throws InterruptedException {
      running.set(false);
      clients.shutdown();
      return clients.awaitTermination(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
      running.set(false);
      clients.shutdownNow();
    }
  }

  /** Terminates every connection to the test database but this one, as a crash-restart would. */
  private static void terminateConnections() throws Exception {
    try (Connection c = postgres.connect();
        Statement s = c.createStatement()) {
      s.execute(
          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
              + " WHERE datname = current_database() AND pid <> pg_backend_pid()");
    }
  }

  /** Rows of the given traces, duplicates included. */
  private static long storedSpans(Set<String> traceIds) throws Exception {
    return queryLong(
        "SELECT count(*) FROM spans WHERE trace_id IN"
            + " (SELECT decode(h, 'hex') FROM unnest(?::text[]) h)",
        traceIds);
  }

  private static long storedTraceCount(String service) throws Exception {
    return queryLong("SELECT count(DISTINCT trace_id) FROM spans WHERE service = ?", service);
  }

  private static long entryCount(String service) throws Exception {
    return queryLong(
        "SELECT coalesce(sum(requests), 0) FROM operation_minutes WHERE service = ?", service);
  }

  private static long queryLong(String sql, Object parameter) throws Exception {
    try (Connection c = postgres.connect();
        PreparedStatement q = c.prepareStatement(sql)) {
      if (parameter instanceof Set<?> set) {
        q.setArray(1, c.createArrayOf("text", set.toArray()));
      } else {
        q.setString(1, (String) parameter);
      }
      try (ResultSet rs = q.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private static void awaitAcknowledged(Set<String> acknowledged, int atLeast) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (acknowledged.size() < atLeast) {
      assertThat(System.nanoTime()).as("acknowledged %s", acknowledged.size()).isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  /** Acknowledged traces stored with all their spans (each distinct span at least once). */
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
