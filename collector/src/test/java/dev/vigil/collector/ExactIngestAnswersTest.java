package dev.vigil.collector;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.testing.PostgresExtension;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every answer but 200 means the request's data is not stored and never will be, so a client's
 * retry stores exactly one copy; a 200 means it is. The database is slowed with table locks taken
 * by the test, made to refuse one request's data with a trigger, and a commit is cut mid-way.
 */
class ExactIngestAnswersTest {
  @RegisterExtension static final PostgresExtension postgres = new PostgresExtension();

  static final String PROTOBUF = "application/x-protobuf";

  record Sent(String traceId, byte[] body, CompletableFuture<HttpResponse<byte[]>> response) {}

  @Test
  void writeHeldPastItsDeadlineIsAnswered503AndRolledBackSoARetryStoresOneCopy() throws Exception {
    try (CollectorServer collector =
            TestCollector.start(postgres, b -> b.commitTimeout(Duration.ofSeconds(4)));
        Connection blocker = postgres.connect()) {
      warmUp(collector);
      blocker.setAutoCommit(false);
      lock(blocker, todaysSpanPartition(), "ACCESS EXCLUSIVE");

      byte[] traceId = Spans.randomId(16);
      byte[] body = Spans.trace(traceId, "held", 3).toByteArray();
      HttpResponse<byte[]> refused = post(collector, body);

      assertThat(refused.statusCode()).isEqualTo(503);
      assertThat(refused.headers().firstValue("Retry-After")).isPresent();
      Thread.sleep(2000); // a write that were still going on would now wait for the lock
      blocker.rollback();
      Thread.sleep(2000);
      assertThat(storedSpans(Spans.hex(traceId))).isZero();
      assertThat(entryCount("held")).isZero();

      HttpResponse<byte[]> retried = postAsClientsDo(collector, body);
      assertThat(retried.statusCode()).isEqualTo(200);
      assertThat(storedSpans(Spans.hex(traceId))).isEqualTo(3);
      assertThat(entryCount("held")).isEqualTo(1);
      assertThat(commitUnknown(collector)).isZero();
    }
  }

  @Test
  void requestStillQueuedWhenItsWaitEndsIsWithdrawnAndNeverWritten() throws Exception {
    // One writer and one request per group: with the lock held each write takes its whole
    // deadline, so the writer reaches at most three requests before the others' wait ends.
    int requests = 10;
    ExecutorService clients = Executors.newFixedThreadPool(requests);
    try (CollectorServer collector =
            TestCollector.start(
                postgres,
                b -> b.commitTimeout(Duration.ofSeconds(2)).writerThreads(1).maxBatchItems(2));
        Connection blocker = postgres.connect()) {
      warmUp(collector);
      double failedBefore = commits(collector, "failed");
      blocker.setAutoCommit(false);
      lock(blocker, todaysSpanPartition(), "ACCESS EXCLUSIVE");

      List<Sent> sent = new ArrayList<>();
      for (int i = 0; i < requests; i++) {
        sent.add(send(collector, clients, "queued", 2));
      }
      int withdrawn = 0;
      for (Sent s : sent) {
        HttpResponse<byte[]> response = s.response().get(30, TimeUnit.SECONDS);
        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue("Retry-After")).isPresent();
        if (new String(response.body(), StandardCharsets.UTF_8).contains("write queue")) {
          withdrawn++;
        }
      }
      assertThat(withdrawn).isGreaterThanOrEqualTo(1);
      // Each request the writer took is one failed write; the withdrawn ones never reached it.
      assertThat(commits(collector, "failed") - failedBefore).isEqualTo(requests - withdrawn);

      blocker.rollback();
      Thread.sleep(1000);
      for (Sent s : sent) {
        assertThat(storedSpans(s.traceId())).as("spans of %s", s.traceId()).isZero();
      }
      assertThat(entryCount("queued")).isZero();
    } finally {
      clients.shutdownNow();
    }
  }

  @Test
  void requestWhoseDataTheDatabaseRefusesFailsAloneWith400AndItsGroupIsStored() throws Exception {
    ExecutorService clients = Executors.newFixedThreadPool(16);
    try (Connection admin = postgres.connect();
        Statement ddl = admin.createStatement()) {
      ddl.execute(
          "CREATE FUNCTION test_refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
              + " IF NEW.service = 'poison' THEN"
              + " RAISE EXCEPTION 'poisoned span' USING ERRCODE = '22023'; END IF;"
              + " RETURN NEW; END $$");
      ddl.execute(
          "CREATE TRIGGER test_refuse_poison BEFORE INSERT ON spans"
              + " FOR EACH ROW EXECUTE FUNCTION test_refuse_poison()");
      try (CollectorServer collector =
              TestCollector.start(
                  postgres, b -> b.commitTimeout(Duration.ofSeconds(20)).writerThreads(1));
          Connection blocker = postgres.connect()) {
        warmUp(collector);
        double failedBefore = commits(collector, "failed");
        blocker.setAutoCommit(false);
        lock(blocker, "operation_minutes", "EXCLUSIVE");
        Sent held = send(collector, clients, "first", 3);
        Thread.sleep(300); // the writer now holds the first request and waits on the lock
        List<Sent> good = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
          good.add(send(collector, clients, "grouped", 3));
        }
        Sent poison = send(collector, clients, "poison", 3);
        Thread.sleep(1500); // all queued: the writer takes them as one group
        blocker.rollback();

        assertThat(held.response().get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        for (Sent s : good) {
          assertThat(s.response().get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
          assertThat(storedSpans(s.traceId())).isEqualTo(3);
        }
        HttpResponse<byte[]> refused = poison.response().get(30, TimeUnit.SECONDS);
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(new String(refused.body(), StandardCharsets.UTF_8)).contains("poisoned span");
        assertThat(storedSpans(poison.traceId())).isZero();
        assertThat(entryCount("grouped")).isEqualTo(10);
        assertThat(entryCount("poison")).isZero();
        // The group failed as a whole first, then was split.
        assertThat(commits(collector, "failed") - failedBefore).isGreaterThanOrEqualTo(2);
      } finally {
        ddl.execute("DROP TRIGGER test_refuse_poison ON spans");
        ddl.execute("DROP FUNCTION test_refuse_poison()");
      }
    } finally {
      clients.shutdownNow();
    }
  }

  @Test
  void connectionLostDuringCommitIsAnswered503AndCountedAsUnknownOutcome() throws Exception {
    try (Connection admin = postgres.connect();
        Statement ddl = admin.createStatement()) {
      // A deferred trigger keeps COMMIT busy long enough to cut its connection.
      ddl.execute(
          "CREATE FUNCTION test_slow_commit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
              + " IF NEW.service = 'slow-commit' THEN PERFORM pg_sleep(3); END IF;"
              + " RETURN NULL; END $$");
      ddl.execute(
          "CREATE CONSTRAINT TRIGGER test_slow_commit AFTER INSERT ON spans"
              + " DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION test_slow_commit()");
      try (CollectorServer collector =
          TestCollector.start(postgres, b -> b.commitTimeout(Duration.ofSeconds(20)))) {
        warmUp(collector);
        ExecutorService clients = Executors.newSingleThreadExecutor();
        try {
          Sent sent = send(collector, clients, "slow-commit", 1);
          long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
          int terminated = 0;
          while (terminated == 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
            try (ResultSet rs =
                ddl.executeQuery(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                        + " WHERE datname = current_database() AND state = 'active'"
                        + " AND query = 'COMMIT'")) {
              rs.next();
              terminated = rs.getInt(1);
            }
          }
          assertThat(terminated).isEqualTo(1);

          HttpResponse<byte[]> response = sent.response().get(30, TimeUnit.SECONDS);
          assertThat(response.statusCode()).isEqualTo(503);
          assertThat(response.headers().firstValue("Retry-After")).isPresent();
          assertThat(new String(response.body(), StandardCharsets.UTF_8)).contains("may be stored");
          assertThat(commitUnknown(collector)).isEqualTo(1);
          // The collector goes on with fresh connections.
          warmUp(collector);
        } finally {
          clients.shutdownNow();
        }
      } finally {
        ddl.execute("DROP TRIGGER test_slow_commit ON spans");
        ddl.execute("DROP FUNCTION test_slow_commit()");
      }
    }
  }

  /** Creates today's partitions, so that the writes under test only wait on the test's locks. */
  private static void warmUp(CollectorServer collector) throws Exception {
    byte[] body = Spans.trace(Spans.randomId(16), "warm-up", 1).toByteArray();
    assertThat(postAsClientsDo(collector, body).statusCode()).isEqualTo(200);
  }

  /** Posts {@code body} again after every 503 or 429, as OTLP exporters do, for up to 30 s. */
  private static HttpResponse<byte[]> postAsClientsDo(CollectorServer collector, byte[] body)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    HttpResponse<byte[]> response = post(collector, body);
    while ((response.statusCode() == 503 || response.statusCode() == 429)
        && System.nanoTime() < deadline) {
      Thread.sleep(200);
      response = post(collector, body);
    }
    return response;
  }

  private static String todaysSpanPartition() {
    return "spans_" + LocalDate.now(ZoneOffset.UTC).format(DateTimeFormatter.BASIC_ISO_DATE);
  }

  private static void lock(Connection blocker, String table, String mode) throws Exception {
    try (Statement s = blocker.createStatement()) {
      s.execute("LOCK TABLE " + table + " IN " + mode + " MODE");
    }
  }

  private static HttpResponse<byte[]> post(CollectorServer collector, byte[] body)
      throws Exception {
    return TestCollector.post(collector, "/v1/traces", PROTOBUF, body);
  }

  private static Sent send(
      CollectorServer collector, ExecutorService clients, String service, int spans) {
    byte[] traceId = Spans.randomId(16);
    byte[] body = Spans.trace(traceId, service, spans).toByteArray();
    return new Sent(
        Spans.hex(traceId),
        body,
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return post(collector, body);
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            },
            clients));
  }

  static int storedSpans(String traceIdHex) throws Exception {
    return Spans.stored(postgres, traceIdHex);
  }

  /** Server spans of {@code service} counted in the per-minute rollups (one per stored trace). */
  static long entryCount(String service) throws Exception {
    try (Connection c = postgres.connect();
        PreparedStatement q =
            c.prepareStatement(
                "SELECT coalesce(sum(requests), 0) FROM operation_minutes WHERE service = ?")) {
      q.setString(1, service);
      try (ResultSet rs = q.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  static double commits(CollectorServer collector, String result) throws Exception {
    return OtlpHttpEndpointTest.counter(
        TestCollector.get(collector, "/metrics").body(),
        "vigil_collector_commits_total{result=\"" + result + "\"}");
  }

  static double commitUnknown(CollectorServer collector) throws Exception {
    return OtlpHttpEndpointTest.counter(
        TestCollector.get(collector, "/metrics").body(), "vigil_collector_commit_unknown_total");
  }
}
