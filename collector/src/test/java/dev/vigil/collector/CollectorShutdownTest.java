package dev.vigil.collector;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.testing.PostgresExtension;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class CollectorShutdownTest {
  @RegisterExtension static final PostgresExtension postgres = new PostgresExtension();

  @Test
  void exportInFlightIsCommittedAndAnsweredWhileTheCollectorStops() throws Exception {
    // A long commit timeout: the lock below must hold the export, not run out its write budget.
    CollectorServer collector =
        TestCollector.start(postgres, b -> b.commitTimeout(java.time.Duration.ofSeconds(60)));
    byte[] traceId = Spans.randomId(16);
    byte[] body = Spans.trace(traceId, "checkout", 3).toByteArray();
    CompletableFuture<HttpResponse<byte[]>> inFlight;
    CompletableFuture<Void> stopped;
    try (Connection blocker = postgres.connect()) {
      // Holding a lock on the spans table keeps the group commit, and so the export, waiting.
      blocker.setAutoCommit(false);
      try (Statement statement = blocker.createStatement()) {
        statement.execute("LOCK TABLE spans IN ACCESS EXCLUSIVE MODE");
      }
      inFlight =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return TestCollector.post(
                      collector, "/v1/traces", "application/x-protobuf", body);
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      Thread.sleep(1000);
      assertThat(inFlight).as("export waiting for its commit").isNotDone();

      stopped = CompletableFuture.runAsync(collector::close);
      Thread.sleep(1000);
      assertThat(stopped).as("stop waits for the export").isNotDone();
      blocker.commit();
    }

    assertThat(inFlight.get(20, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    stopped.get(20, TimeUnit.SECONDS);
    try (Connection c = postgres.connect();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT count(*) FROM spans WHERE trace_id = decode('"
                    + Spans.hex(traceId)
                    + "', 'hex')")) {
      rs.next();
      assertThat(rs.getInt(1)).isEqualTo(3);
    }
  }
}
