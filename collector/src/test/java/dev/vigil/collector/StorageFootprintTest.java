package dev.vigil.collector;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.vigil.testing.PostgresExtension;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Measures what a typical HTTP-server span costs on disk (spans heap, TOAST and indexes, plus the
 * shared resources table) and checks it stays within budget. Six attributes per span, as an HTTP
 * server or database client span typically has; the attributes jsonb is most of the row. Prints
 * bytes per span and the ingest rate so the figure can be quoted.
 */
class StorageFootprintTest {
  @RegisterExtension static final PostgresExtension postgres = new PostgresExtension();

  static final int REQUESTS = 100;
  static final int SPANS_PER_REQUEST = 200;

  static KeyValue attr(String key, String value) {
    return KeyValue.newBuilder()
        .setKey(key)
        .setValue(AnyValue.newBuilder().setStringValue(value))
        .build();
  }

  static KeyValue attr(String key, long value) {
    return KeyValue.newBuilder()
        .setKey(key)
        .setValue(AnyValue.newBuilder().setIntValue(value))
        .build();
  }

  static byte[] request(int n) {
    long now = System.currentTimeMillis() * 1_000_000L;
    ScopeSpans.Builder scope = ScopeSpans.newBuilder();
    byte[] traceId = Spans.randomId(16);
    byte[] parent = null;
    for (int i = 0; i < SPANS_PER_REQUEST; i++) {
      if (i % 10 == 0) {
        traceId = Spans.randomId(16);
        parent = null;
      }
      byte[] spanId = Spans.randomId(8);
      Span.Builder span =
          Span.newBuilder()
              .setTraceId(ByteString.copyFrom(traceId))
              .setSpanId(ByteString.copyFrom(spanId))
              .setName(parent == null ? "GET /api/orders/{id}" : "SELECT orders")
              .setKind(
                  parent == null ? Span.SpanKind.SPAN_KIND_SERVER : Span.SpanKind.SPAN_KIND_CLIENT)
              .setStartTimeUnixNano(now - 3_000_000 + i)
              .setEndTimeUnixNano(now + i)
              .setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_UNSET))
              .addAttributes(attr("http.request.method", "GET"))
              .addAttributes(attr("url.path", "/api/orders/" + (n * 1000 + i)))
              .addAttributes(attr("http.response.status_code", 200))
              .addAttributes(attr("server.address", "orders.internal"))
              .addAttributes(attr("network.peer.address", "10.1.2." + (i % 250)))
              .addAttributes(attr("user_agent.original", "okhttp/4.12.0"));
      if (parent != null) {
        span.setParentSpanId(ByteString.copyFrom(parent))
            .addAttributes(attr("db.system", "postgresql"));
      } else {
        parent = spanId;
      }
      scope.addSpans(span);
    }
    return ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(
            ResourceSpans.newBuilder()
                .setResource(
                    Resource.newBuilder()
                        .addAttributes(attr("service.name", "orders"))
                        .addAttributes(attr("service.version", "1.4.2"))
                        .addAttributes(attr("host.name", "orders-7f9c5d-abcde"))
                        .addAttributes(attr("telemetry.sdk.name", "opentelemetry"))
                        .addAttributes(attr("telemetry.sdk.language", "java"))
                        .addAttributes(attr("telemetry.sdk.version", "1.68.0"))
                        .addAttributes(attr("process.runtime.name", "OpenJDK Runtime Environment")))
                .addScopeSpans(scope))
        .build()
        .toByteArray();
  }

  @Test
  void typicalSpansCostFewerThan500BytesOnDiskIncludingIndexes() throws Exception {
    try (CollectorServer collector = TestCollector.start(postgres)) {
      List<byte[]> bodies = new ArrayList<>();
      for (int i = 0; i < REQUESTS; i++) {
        bodies.add(request(i));
      }
      ExecutorService clients = Executors.newFixedThreadPool(4);
      long start = System.nanoTime();
      try {
        List<Future<Integer>> statuses = new ArrayList<>();
        for (byte[] body : bodies) {
          statuses.add(
              clients.submit(
                  () -> {
                    HttpResponse<byte[]> r =
                        TestCollector.post(collector, "/v1/traces", "application/x-protobuf", body);
                    return r.statusCode();
                  }));
        }
        for (Future<Integer> status : statuses) {
          assertThat(status.get()).isEqualTo(200);
        }
      } finally {
        clients.shutdown();
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      long spans = (long) REQUESTS * SPANS_PER_REQUEST;

      try (Connection c = postgres.connect();
          Statement s = c.createStatement()) {
        s.execute("VACUUM ANALYZE");
        ResultSet rs =
            s.executeQuery(
                "SELECT (SELECT count(*) FROM spans),"
                    + " (SELECT sum(pg_total_relation_size(inhrelid)) FROM pg_inherits"
                    + "   WHERE inhparent = 'spans'::regclass),"
                    + " (SELECT sum(pg_relation_size(inhrelid)) FROM pg_inherits"
                    + "   WHERE inhparent = 'spans'::regclass),"
                    + " pg_total_relation_size('resources'),"
                    + " (SELECT avg(pg_column_size(attributes)) FROM spans)");
        rs.next();
        long rows = rs.getLong(1);
        long total = rs.getLong(2) + rs.getLong(4);
        long heap = rs.getLong(3);
        System.out.printf(
            "footprint: %d spans, %.1f bytes/span total (heap %.1f of which attributes jsonb %.1f,"
                + " indexes+toast+resources %.1f); ingest %.0f spans/s over HTTP with 4 clients%n",
            rows,
            (double) total / rows,
            (double) heap / rows,
            rs.getDouble(5),
            (double) (total - heap) / rows,
            spans / seconds);
        assertThat(rows).isEqualTo(spans);
        assertThat((double) total / rows).isLessThan(500);
      }
    }
  }
}
