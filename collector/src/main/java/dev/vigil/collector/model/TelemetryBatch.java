package dev.vigil.collector.model;

import java.util.List;

/**
 * The rows decoded from one export request (or several, once the writer groups them), with the
 * resources they reference. Immutable.
 */
public record TelemetryBatch(
    List<ResourceRow> resources, List<SpanRow> spans, List<LogRow> logs, List<MetricRow> metrics) {
  public static final TelemetryBatch EMPTY =
      new TelemetryBatch(List.of(), List.of(), List.of(), List.of());

  /** Number of spans, log records and metric points. */
  public int itemCount() {
    return spans.size() + logs.size() + metrics.size();
  }
}
