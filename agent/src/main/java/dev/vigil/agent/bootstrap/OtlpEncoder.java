package dev.vigil.agent.bootstrap;

import java.util.List;

/**
 * Writes OTLP export requests ({@code ExportTraceServiceRequest}, {@code ExportLogsServiceRequest},
 * {@code ExportMetricsServiceRequest}) straight from the agent's model into a {@link ProtoWriter},
 * without generated message objects. Field numbers follow opentelemetry-proto v1. Not thread-safe.
 */
public final class OtlpEncoder {
  static final String SCOPE_NAME = "dev.vigil.agent";

  private final Object[] resourceAttributes;
  private final String version;

  /** {@code resourceAttributes} alternates keys and values. */
  public OtlpEncoder(Object[] resourceAttributes, String version) {
    this.resourceAttributes = resourceAttributes;
    this.version = version;
  }

  // ---- traces

  public void encodeSpans(ProtoWriter w, List<Span> spans) {
    w.begin(1); // ResourceSpans
    resource(w);
    w.begin(2); // ScopeSpans
    scope(w);
    for (int i = 0, n = spans.size(); i < n; i++) {
      span(w, spans.get(i));
    }
    w.end();
    w.end();
  }

  private void span(ProtoWriter w, Span s) {
    SpanContext c = s.context;
    w.begin(2); // ScopeSpans.spans
    w.traceId(1, c.traceIdHigh(), c.traceIdLow());
    w.spanId(2, c.spanId());
    w.string(3, c.traceState());
    w.spanId(4, s.parentSpanId);
    w.string(5, s.name);
    w.varint(6, s.kind.otlp);
    w.fixed64(7, s.startEpochNanos);
    w.fixed64(8, s.endEpochNanos);
    Object[] a = s.attributes;
    for (int i = 0; i < s.attributeCount; i++) {
      keyValue(w, 9, (String) a[2 * i], a[2 * i + 1]);
    }
    if (s.events != null) {
      for (Span.Event e : s.events) {
        w.begin(11);
        w.fixed64(1, e.epochNanos);
        w.string(2, e.name);
        Object[] ea = e.attributes;
        for (int i = 0; i + 1 < ea.length; i += 2) {
          keyValue(w, 3, (String) ea[i], ea[i + 1]);
        }
        w.end();
      }
    }
    if (s.links != null) {
      for (SpanContext l : s.links) {
        w.begin(13);
        w.traceId(1, l.traceIdHigh(), l.traceIdLow());
        w.spanId(2, l.spanId());
        w.string(3, l.traceState());
        w.fixed32(6, 0x100 | (l.flags() & 0xff) | (l.isRemote() ? 0x200 : 0));
        w.end();
      }
    }
    if (s.statusCode != Span.STATUS_UNSET) {
      w.begin(15);
      if (s.statusCode == Span.STATUS_ERROR) {
        w.string(2, s.statusMessage);
      }
      w.varint(3, s.statusCode);
      w.end();
    }
    // flags: W3C trace flags plus "parent is remote is known" (bit 8) and "is remote" (bit 9).
    w.fixed32(16, (c.flags() & 0xff) | 0x100 | (isParentRemote(s) ? 0x200 : 0));
    w.end();
  }

  private static boolean isParentRemote(Span s) {
    return s.kind == SpanKind.SERVER || s.kind == SpanKind.CONSUMER;
  }

  // ---- logs

  public void encodeLogs(ProtoWriter w, List<LogRecordData> records) {
    w.begin(1); // ResourceLogs
    resource(w);
    w.begin(2); // ScopeLogs
    scope(w);
    for (int i = 0, n = records.size(); i < n; i++) {
      LogRecordData r = records.get(i);
      w.begin(2); // log_records
      w.fixed64(1, r.epochNanos);
      w.varint(2, LogLevels.severityNumber(r.level));
      w.string(3, r.levelName);
      if (r.body != null) {
        w.begin(5);
        w.stringAlways(1, r.body);
        w.end();
      }
      keyValue(w, 6, "logger.name", r.loggerName);
      keyValue(w, 6, "thread.name", r.threadName);
      if (r.exceptionType != null) {
        keyValue(w, 6, "exception.type", r.exceptionType);
        keyValue(w, 6, "exception.message", r.exceptionMessage);
        keyValue(w, 6, "exception.stacktrace", r.exceptionStack);
      }
      w.fixed32(8, r.flags & 0xff);
      w.traceId(9, r.traceIdHigh, r.traceIdLow);
      w.spanId(10, r.spanId);
      w.fixed64(11, r.epochNanos);
      w.end();
    }
    w.end();
    w.end();
  }

  // ---- metrics

  /**
   * Starts {@code ResourceMetrics} and its one {@code ScopeMetrics}; close with {@link
   * #endMetrics}.
   */
  public void beginMetrics(ProtoWriter w) {
    w.begin(1);
    resource(w);
    w.begin(2);
    scope(w);
  }

  public void endMetrics(ProtoWriter w) {
    w.end();
    w.end();
  }

  /** Metric kinds: the field number of the data in {@code Metric}. */
  public static final int GAUGE = 5;

  public static final int SUM = 7;
  public static final int HISTOGRAM = 9;

  /** Opens a Metric and its data message; for SUM it is monotonic and cumulative. */
  public void beginMetric(ProtoWriter w, String name, String description, String unit, int kind) {
    w.begin(2); // ScopeMetrics.metrics
    w.string(1, name);
    w.string(2, description);
    w.string(3, unit);
    w.begin(kind);
  }

  public void endMetric(ProtoWriter w, int kind, boolean monotonic) {
    if (kind == SUM) {
      w.varint(2, 2); // CUMULATIVE
      w.bool(3, monotonic);
    } else if (kind == HISTOGRAM) {
      w.varint(2, 2);
    }
    w.end();
    w.end();
  }

  /** A NumberDataPoint with an int value; {@code attributes} alternates keys and values. */
  public void longPoint(ProtoWriter w, long start, long now, long value, Object... attributes) {
    w.begin(1);
    w.fixed64(2, start);
    w.fixed64(3, now);
    w.tag(6, ProtoWriter.FIXED64); // as_int is sfixed64
    w.rawFixed64(value);
    for (int i = 0; i + 1 < attributes.length; i += 2) {
      keyValue(w, 7, (String) attributes[i], attributes[i + 1]);
    }
    w.end();
  }

  public void doublePoint(ProtoWriter w, long start, long now, double value, Object... attributes) {
    w.begin(1);
    w.fixed64(2, start);
    w.fixed64(3, now);
    w.doubleAlways(4, value);
    for (int i = 0; i + 1 < attributes.length; i += 2) {
      keyValue(w, 7, (String) attributes[i], attributes[i + 1]);
    }
    w.end();
  }

  public void histogramPoint(
      ProtoWriter w,
      long start,
      long now,
      long count,
      double sum,
      long[] bucketCounts,
      double[] bounds,
      Object... attributes) {
    w.begin(1);
    w.fixed64(2, start);
    w.fixed64(3, now);
    w.tag(4, ProtoWriter.FIXED64);
    w.rawFixed64(count);
    w.doubleAlways(5, sum);
    w.tag(6, ProtoWriter.LEN);
    w.rawVarint(8L * bucketCounts.length);
    for (long b : bucketCounts) {
      w.rawFixed64(b);
    }
    w.tag(7, ProtoWriter.LEN);
    w.rawVarint(8L * bounds.length);
    for (double d : bounds) {
      w.rawFixed64(Double.doubleToRawLongBits(d));
    }
    for (int i = 0; i + 1 < attributes.length; i += 2) {
      keyValue(w, 9, (String) attributes[i], attributes[i + 1]);
    }
    w.end();
  }

  // ---- shared

  private void resource(ProtoWriter w) {
    w.begin(1);
    for (int i = 0; i + 1 < resourceAttributes.length; i += 2) {
      keyValue(w, 1, (String) resourceAttributes[i], resourceAttributes[i + 1]);
    }
    w.end();
  }

  private void scope(ProtoWriter w) {
    w.begin(1);
    w.string(1, SCOPE_NAME);
    w.string(2, version);
    w.end();
  }

  static void keyValue(ProtoWriter w, int field, String key, Object value) {
    if (value == null) {
      return;
    }
    w.begin(field);
    w.string(1, key);
    w.begin(2); // AnyValue
    if (value instanceof String) {
      w.stringAlways(1, (String) value);
    } else if (value instanceof Boolean) {
      w.tag(2, ProtoWriter.VARINT);
      w.rawVarint(((Boolean) value) ? 1 : 0);
    } else if (value instanceof Long || value instanceof Integer) {
      w.tag(3, ProtoWriter.VARINT);
      w.rawVarint(((Number) value).longValue());
    } else if (value instanceof Double) {
      w.doubleAlways(4, (Double) value);
    } else {
      w.stringAlways(1, String.valueOf(value));
    }
    w.end();
    w.end();
  }
}
