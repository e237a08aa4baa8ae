package dev.vigil.collector;

import com.google.protobuf.ByteString;
import dev.vigil.testing.PostgresExtension;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HexFormat;

/** Builds OTLP trace requests for tests: one trace of {@code n} spans per request. */
final class Spans {
  private static final SecureRandom RANDOM = new SecureRandom();

  private Spans() {}

  static byte[] randomId(int length) {
    byte[] id = new byte[length];
    RANDOM.nextBytes(id);
    id[0] |= 1;
    return id;
  }

  static String hex(byte[] id) {
    return HexFormat.of().formatHex(id);
  }

  /** Rows stored in {@code postgres} for the trace, duplicates included. */
  static int stored(PostgresExtension postgres, String traceIdHex) throws SQLException {
    try (Connection c = postgres.connect();
        PreparedStatement q =
            c.prepareStatement("SELECT count(*) FROM spans WHERE trace_id = decode(?, 'hex')")) {
      q.setString(1, traceIdHex);
      try (ResultSet rs = q.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  /** A request carrying one trace: a SERVER root and {@code n - 1} INTERNAL children. */
  static ExportTraceServiceRequest trace(byte[] traceId, String service, int n) {
    long now = System.currentTimeMillis() * 1_000_000L;
    byte[] rootId = randomId(8);
    ScopeSpans.Builder scope = ScopeSpans.newBuilder();
    for (int i = 0; i < n; i++) {
      Span.Builder span =
          Span.newBuilder()
              .setTraceId(ByteString.copyFrom(traceId))
              .setSpanId(ByteString.copyFrom(i == 0 ? rootId : randomId(8)))
              .setName(i == 0 ? "GET /orders" : "step " + i)
              .setKind(i == 0 ? Span.SpanKind.SPAN_KIND_SERVER : Span.SpanKind.SPAN_KIND_INTERNAL)
              .setStartTimeUnixNano(now - 2_000_000)
              .setEndTimeUnixNano(now)
              .addAttributes(
                  KeyValue.newBuilder()
                      .setKey("step")
                      .setValue(AnyValue.newBuilder().setIntValue(i)));
      if (i > 0) {
        span.setParentSpanId(ByteString.copyFrom(rootId));
      }
      scope.addSpans(span);
    }
    return ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(
            ResourceSpans.newBuilder()
                .setResource(
                    Resource.newBuilder()
                        .addAttributes(
                            KeyValue.newBuilder()
                                .setKey("service.name")
                                .setValue(AnyValue.newBuilder().setStringValue(service))))
                .addScopeSpans(scope))
        .build();
  }
}
