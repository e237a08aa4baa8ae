package dev.vigil.collector.store;

import dev.vigil.collector.model.LogRow;
import dev.vigil.collector.model.MetricRow;
import dev.vigil.collector.model.SpanRow;
import dev.vigil.collector.model.TelemetryBatch;
import java.nio.charset.StandardCharsets;

/**
 * The rows of one batch already encoded for {@code COPY}: spans and log records in the binary
 * format (without the stream header and trailer, so the rows of several requests can be streamed
 * one after the other in one COPY), metric points in the text format. Encoding happens on the
 * request's own thread, so the single writer that holds the transaction only streams bytes.
 *
 * <p>Immutable; thread-safe.
 */
public final class EncodedRows {
  public static final EncodedRows EMPTY = new EncodedRows(Slice.EMPTY, Slice.EMPTY, Slice.EMPTY);

  /** The first {@code length} bytes of {@code bytes}: an encoder's buffer, not copied to size. */
  record Slice(byte[] bytes, int length) {
    static final Slice EMPTY = new Slice(new byte[0], 0);
  }

  private static final int SPAN_FIELDS = 15;
  private static final int LOG_FIELDS = 10;

  final Slice spans;
  final Slice logs;
  final Slice metrics;

  private EncodedRows(Slice spans, Slice logs, Slice metrics) {
    this.spans = spans;
    this.logs = logs;
    this.metrics = metrics;
  }

  /** Encodes every row of {@code batch}. */
  public static EncodedRows of(TelemetryBatch batch) {
    if (batch.itemCount() == 0) {
      return EMPTY;
    }
    return new EncodedRows(spans(batch), logs(batch), metrics(batch));
  }

  private static Slice spans(TelemetryBatch batch) {
    if (batch.spans().isEmpty()) {
      return EMPTY.spans;
    }
    CopyBinary out = new CopyBinary(batch.spans().size() * 512);
    for (SpanRow s : batch.spans()) {
      out.row(SPAN_FIELDS)
          .int8(s.startNs())
          .int8(s.durationNs())
          .int8(s.resourceId())
          .int2(s.kind())
          .int2(s.statusCode())
          .bytea(s.traceId())
          .bytea(s.spanId())
          .bytea(s.parentSpanId())
          .text(s.service())
          .text(s.name())
          .text(s.statusMessage())
          .text(s.scope())
          .jsonb(s.attributesJson())
          .jsonb(s.eventsJson())
          .jsonb(s.linksJson());
    }
    return out.slice();
  }

  private static Slice logs(TelemetryBatch batch) {
    if (batch.logs().isEmpty()) {
      return EMPTY.logs;
    }
    CopyBinary out = new CopyBinary(batch.logs().size() * 256);
    for (LogRow l : batch.logs()) {
      out.row(LOG_FIELDS)
          .int8(l.timeNs())
          .int8(l.resourceId())
          .int2(l.severityNumber())
          .bytea(l.traceId())
          .bytea(l.spanId())
          .text(l.service())
          .text(l.severityText())
          .text(l.body())
          .text(l.scope())
          .jsonb(l.attributesJson());
    }
    return out.slice();
  }

  private static Slice metrics(TelemetryBatch batch) {
    if (batch.metrics().isEmpty()) {
      return EMPTY.metrics;
    }
    CopyText out = new CopyText();
    for (MetricRow m : batch.metrics()) {
      out.number(m.timeNs())
          .number(m.startNs())
          .number(m.resourceId())
          .number(m.value())
          .number(m.count())
          .number(m.sum())
          .text(m.type())
          .bool(m.monotonic())
          .text(m.service())
          .text(m.name())
          .text(m.unit())
          .doubles(m.bounds())
          .longs(m.counts())
          .text(m.attributesJson())
          .endRow();
    }
    byte[] bytes = out.content().getBytes(StandardCharsets.UTF_8);
    return new Slice(bytes, bytes.length);
  }
}
