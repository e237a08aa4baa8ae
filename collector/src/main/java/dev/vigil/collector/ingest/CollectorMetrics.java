package dev.vigil.collector.ingest;

import dev.vigil.collector.model.Signal;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.DoubleSupplier;

/**
 * The collector's Prometheus metrics, in Zipkin's collector vocabulary, per signal ({@code traces},
 * {@code logs}, {@code metrics}):
 *
 * <ul>
 *   <li>{@code messages}: export requests received (counted by the HTTP endpoint once
 *       authenticated); {@code messages_dropped}: requests refused or not committed (undecodable,
 *       too large, saturated, database unavailable or failed).
 *   <li>{@code bytes}: request body bytes received, before decompression.
 *   <li>{@code spans}: items received (spans, log records or data points); {@code spans_dropped}:
 *       items not stored, whether rejected one by one (partial success) or with their request.
 * </ul>
 *
 * Also the write queue depth, commit latency and results ({@code commits_total}, and {@code
 * commit_unknown_total} for commits whose outcome a lost connection hid), and what the input limits
 * cut ({@code truncated}, {@code attributes_dropped}, {@code events_dropped}). Each collector has
 * its own registry so several in one JVM never clash.
 *
 * <p>Thread-safe.
 */
public final class CollectorMetrics {
  static final double[] COMMIT_BUCKETS = {
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10
  };

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final Map<Signal, CounterDataPoint> messages = new EnumMap<>(Signal.class);
  private final Map<Signal, CounterDataPoint> messagesDropped = new EnumMap<>(Signal.class);
  private final Map<Signal, CounterDataPoint> bytes = new EnumMap<>(Signal.class);
  private final Map<Signal, CounterDataPoint> spans = new EnumMap<>(Signal.class);
  private final Map<Signal, CounterDataPoint> spansDropped = new EnumMap<>(Signal.class);
  private final Map<Signal, CounterDataPoint> truncated = new EnumMap<>(Signal.class);
  private final Map<Signal, CounterDataPoint> attributesDropped = new EnumMap<>(Signal.class);
  private final Map<Signal, CounterDataPoint> eventsDropped = new EnumMap<>(Signal.class);
  private final Map<Signal, long[]> lastLogged = new EnumMap<>(Signal.class);
  private final Histogram commitLatency;
  private final Counter commits;
  private final Counter commitUnknown;

  public CollectorMetrics() {
    Counter messagesC = counter("vigil_collector_messages", "Export requests received.");
    Counter messagesDroppedC =
        counter(
            "vigil_collector_messages_dropped",
            "Export requests refused or not committed, for any reason.");
    Counter bytesC =
        counter("vigil_collector_bytes", "Request body bytes received, before decompression.");
    Counter spansC =
        counter("vigil_collector_spans", "Items received: spans, log records or data points.");
    Counter spansDroppedC =
        counter("vigil_collector_spans_dropped", "Items received but not stored.");
    Counter truncatedC =
        counter("vigil_collector_truncated", "Strings truncated to the configured limits.");
    Counter attributesDroppedC =
        counter("vigil_collector_attributes_dropped", "Attributes beyond the per-item limit.");
    Counter eventsDroppedC =
        counter("vigil_collector_events_dropped", "Span events and links beyond the limit.");
    for (Signal s : Signal.values()) {
      messages.put(s, messagesC.labelValues(s.label()));
      messagesDropped.put(s, messagesDroppedC.labelValues(s.label()));
      bytes.put(s, bytesC.labelValues(s.label()));
      spans.put(s, spansC.labelValues(s.label()));
      spansDropped.put(s, spansDroppedC.labelValues(s.label()));
      truncated.put(s, truncatedC.labelValues(s.label()));
      attributesDropped.put(s, attributesDroppedC.labelValues(s.label()));
      eventsDropped.put(s, eventsDroppedC.labelValues(s.label()));
    }
    commitLatency =
        Histogram.builder()
            .name("vigil_collector_commit_duration_seconds")
            .help("Time to write and commit one grouped batch.")
            .unit(Unit.SECONDS)
            .classicOnly()
            .classicUpperBounds(COMMIT_BUCKETS)
            .register(registry);
    commits =
        Counter.builder()
            .name("vigil_collector_commits_total")
            .help("Grouped batches written, by result.")
            .labelNames("result")
            .register(registry);
    commitUnknown =
        Counter.builder()
            .name("vigil_collector_commit_unknown_total")
            .help(
                "Grouped batches whose connection failed while COMMIT was in flight: answered 503"
                    + " though they may be stored, so a retry can duplicate them.")
            .register(registry);
  }

  private Counter counter(String name, String help) {
    return Counter.builder()
        .name(name + "_total")
        .help(help)
        .labelNames("signal")
        .register(registry);
  }

  /** Registers the queue depth gauges, read on scrape. */
  public void queueDepth(DoubleSupplier items, DoubleSupplier bytesQueued) {
    registry.register(
        GaugeWithCallback.builder()
            .name("vigil_collector_queue_depth_items")
            .help("Items queued for the writer.")
            .callback(cb -> cb.call(items.getAsDouble()))
            .build());
    registry.register(
        GaugeWithCallback.builder()
            .name("vigil_collector_queue_depth_bytes")
            .help("Request bytes queued for the writer.")
            .callback(cb -> cb.call(bytesQueued.getAsDouble()))
            .build());
  }

  public void message(Signal signal, long bodyBytes) {
    messages.get(signal).inc();
    bytes.get(signal).inc(bodyBytes);
  }

  public void messageDropped(Signal signal) {
    messagesDropped.get(signal).inc();
  }

  public void items(Signal signal, long received, long dropped) {
    spans.get(signal).inc(received);
    if (dropped > 0) {
      spansDropped.get(signal).inc(dropped);
    }
  }

  public void itemsDropped(Signal signal, long dropped) {
    if (dropped > 0) {
      spansDropped.get(signal).inc(dropped);
    }
  }

  public void limits(Signal signal, long truncatedCount, long attributes, long events) {
    if (truncatedCount > 0) {
      truncated.get(signal).inc(truncatedCount);
    }
    if (attributes > 0) {
      attributesDropped.get(signal).inc(attributes);
    }
    if (events > 0) {
      eventsDropped.get(signal).inc(events);
    }
  }

  public void commit(double seconds, boolean ok) {
    if (ok) {
      commitLatency.observe(seconds);
    }
    commits.labelValues(ok ? "ok" : "failed").inc();
  }

  /** A grouped batch whose commit outcome is unknown (connection lost during COMMIT). */
  public void commitUnknown() {
    commitUnknown.inc();
  }

  /**
   * Logs, once per call, how many requests and items each signal dropped since the previous call;
   * called periodically so drops are visible in logs without a line per request.
   */
  public synchronized void logDrops(org.slf4j.Logger log) {
    for (Signal s : Signal.values()) {
      long messages = (long) messagesDropped.get(s).get();
      long items = (long) spansDropped.get(s).get();
      long[] last = lastLogged.computeIfAbsent(s, k -> new long[2]);
      if (messages > last[0] || items > last[1]) {
        log.warn(
            "{}: dropped {} requests and {} items since the last report",
            s.label(),
            messages - last[0],
            items - last[1]);
      }
      last[0] = messages;
      last[1] = items;
    }
  }

  public PrometheusRegistry registry() {
    return registry;
  }

  public static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;

  /** The metrics in the Prometheus text format. */
  public byte[] scrape() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
    try {
      new PrometheusTextFormatWriter(false).write(out, registry.scrape());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
