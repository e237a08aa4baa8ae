package dev.vigil.agent.bootstrap;

import java.util.ArrayList;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The background daemon that batches spans and log records from {@link Telemetry}'s queues, adds
 * metrics every interval, and POSTs them as OTLP/HTTP protobuf. While the collector is down it
 * backs off exponentially and holds at most one encoded batch per signal; the queues keep dropping
 * and counting, so memory stays bounded. {@link #shutdown} flushes what is queued within a timeout.
 * Its thread is the only one encoding; {@link #shutdown} hands off to the calling thread only after
 * that thread stopped.
 */
public final class Exporter implements Runnable {
  private static final long SCHEDULE_DELAY_NANOS = TimeUnit.SECONDS.toNanos(1);
  // The collector answers once data is committed, which can take seconds under load.
  private static final int TIMEOUT_MILLIS = 10_000;
  private static final int MAX_RETAINED_BUFFER = 1 << 20;

  private final Settings settings;
  private final String tracesUrl;
  private final String logsUrl;
  private final String metricsUrl;
  private final HttpSender sender;
  private final OtlpEncoder encoder;
  private final ProtoWriter writer = new ProtoWriter(64 * 1024);
  private final Backoff backoff =
      new Backoff(Backoff.DEFAULT_INITIAL_MILLIS, Backoff.DEFAULT_MAX_MILLIS, 0.2);
  private final JvmMetrics jvm = new JvmMetrics();
  private final ArrayList<Span> spanBatch = new ArrayList<>();
  private final ArrayList<LogRecordData> logBatch = new ArrayList<>();
  private final long startEpochNanos = Clock.nowEpochNanos();
  private final AtomicLong failedExports = new AtomicLong();
  private final AtomicLong rejectedBatches = new AtomicLong();

  private byte[] pendingSpans;
  private byte[] pendingLogs;
  private long retryAtNanos;
  private long nextMetricsNanos;
  private boolean down;
  private boolean outageLogged;
  private volatile boolean stopping;
  private volatile Thread thread;

  public Exporter(Settings settings, Object[] resourceAttributes, String version) {
    this.settings = settings;
    String base = settings.endpoint();
    this.tracesUrl = base + "/v1/traces";
    this.logsUrl = base + "/v1/logs";
    this.metricsUrl = base + "/v1/metrics";
    this.sender = new HttpSender(settings.token());
    this.encoder = new OtlpEncoder(resourceAttributes, version);
  }

  public void start() {
    Thread t = new Thread(this, "vigil-exporter");
    t.setDaemon(true);
    t.setPriority(Thread.NORM_PRIORITY - 1);
    thread = t;
    Telemetry.setExporterThread(t);
    nextMetricsNanos =
        System.nanoTime() + millisToNanos(LiveSettings.get().metricsIntervalMillis());
    t.start();
  }

  @Override
  public void run() {
    Tracer.suppress();
    while (!stopping) {
      try {
        cycle(TIMEOUT_MILLIS);
      } catch (Throwable t) {
        AgentLog.warn("export cycle failed", t);
      }
      if (stopping) {
        break;
      }
      long wait = SCHEDULE_DELAY_NANOS;
      long now = System.nanoTime();
      Telemetry.rearmWake();
      if (down) {
        wait = Math.max(0, retryAtNanos - now);
      } else if (Telemetry.spans().size() >= settings.batchSize()
          || Telemetry.logs().size() >= settings.batchSize()) {
        wait = 0;
      }
      wait = Math.min(wait, Math.max(0, nextMetricsNanos - now));
      if (wait > 0) {
        LockSupport.parkNanos(this, wait);
      }
    }
  }

  /** One pass: retry what is pending, then send new batches and, when due, metrics. */
  private void cycle(int timeoutMillis) {
    long now = System.nanoTime();
    if (down && now < retryAtNanos) {
      return;
    }
    if (!sendPending(timeoutMillis)) {
      return;
    }
    // Each batch is sent straight from the writer's buffer; it is copied only to be retried.
    // A slot claimed but not yet filled counts in size() but is not drained: nothing to send yet.
    spanBatch.clear();
    if (Telemetry.spans().size() > 0
        && Telemetry.spans().drainTo(spanBatch, settings.batchSize()) > 0) {
      writer.reset();
      encoder.encodeSpans(writer, spanBatch);
      spanBatch.clear();
      if (!send(tracesUrl, writer.buffer(), writer.size(), timeoutMillis)) {
        pendingSpans = writer.toByteArray();
        return;
      }
    }
    logBatch.clear();
    if (Telemetry.logs().size() > 0
        && Telemetry.logs().drainTo(logBatch, settings.batchSize()) > 0) {
      writer.reset();
      encoder.encodeLogs(writer, logBatch);
      logBatch.clear();
      if (!send(logsUrl, writer.buffer(), writer.size(), timeoutMillis)) {
        pendingLogs = writer.toByteArray();
        return;
      }
    }
    if (now >= nextMetricsNanos) {
      nextMetricsNanos = now + millisToNanos(LiveSettings.get().metricsIntervalMillis());
      byte[] metrics = encodeMetrics();
      // Metrics are cumulative: a lost payload is replaced by the next one, so never held.
      send(metricsUrl, metrics, metrics.length, timeoutMillis);
    }
    writer.reset();
    writer.trim(MAX_RETAINED_BUFFER);
  }

  private boolean sendPending(int timeoutMillis) {
    if (pendingSpans != null) {
      if (!send(tracesUrl, pendingSpans, pendingSpans.length, timeoutMillis)) {
        return false;
      }
      pendingSpans = null;
    }
    if (pendingLogs != null) {
      if (!send(logsUrl, pendingLogs, pendingLogs.length, timeoutMillis)) {
        return false;
      }
      pendingLogs = null;
    }
    return true;
  }

  /** Returns false when the payload must be retried later. */
  private boolean send(String url, byte[] payload, int length, int timeoutMillis) {
    HttpSender.Result r = sender.post(url, payload, length, timeoutMillis);
    if (r == HttpSender.Result.OK) {
      down = false;
      if (outageLogged) {
        outageLogged = false;
        AgentLog.info("collector reachable again at " + settings.endpoint());
      }
      backoff.reset();
      return true;
    }
    failedExports.incrementAndGet();
    if (r == HttpSender.Result.REJECTED) {
      rejectedBatches.incrementAndGet();
      AgentLog.warn("collector rejected a batch, dropped: " + sender.lastError());
      return true;
    }
    long delay = backoff.nextDelayMillis();
    down = true;
    if (!outageLogged) {
      outageLogged = true;
      AgentLog.warn(
          "collector unreachable, retrying with back-off (queues drop when full): "
              + sender.lastError());
    }
    retryAtNanos = System.nanoTime() + millisToNanos(delay);
    return false;
  }

  byte[] encodeMetrics() {
    ProtoWriter w = writer;
    w.reset();
    long now = Clock.nowEpochNanos();
    long start = startEpochNanos;
    encoder.beginMetrics(w);
    // At exit, a JVM that never reported JVM metrics skips them rather than load JMX to do so.
    if (LiveSettings.enabled("jvm-metrics") && (!stopping || jvm.started())) {
      jvm.write(encoder, w, start, now);
    }
    writeRequestMetrics(w, start, now);
    encoder.beginMetric(
        w,
        "vigil.agent.spans.dropped",
        "Spans dropped because the queue was full",
        "{span}",
        OtlpEncoder.SUM);
    encoder.longPoint(w, start, now, Telemetry.spans().dropped());
    encoder.endMetric(w, OtlpEncoder.SUM, true);
    encoder.beginMetric(
        w,
        "vigil.agent.logs.dropped",
        "Log records dropped because the queue was full",
        "{record}",
        OtlpEncoder.SUM);
    encoder.longPoint(w, start, now, Telemetry.logs().dropped());
    encoder.endMetric(w, OtlpEncoder.SUM, true);
    encoder.beginMetric(
        w,
        "vigil.agent.exports.failed",
        "Export attempts that failed",
        "{request}",
        OtlpEncoder.SUM);
    encoder.longPoint(w, start, now, failedExports.get());
    encoder.endMetric(w, OtlpEncoder.SUM, true);
    encoder.endMetrics(w);
    return w.toByteArray();
  }

  private void writeRequestMetrics(ProtoWriter w, long start, long now) {
    SpanKind[] kinds = {SpanKind.SERVER, SpanKind.CLIENT};
    boolean any = false;
    for (SpanKind k : kinds) {
      any |= !RequestMetrics.series(k).isEmpty();
    }
    if (!any) {
      return;
    }
    encoder.beginMetric(
        w, "vigil.requests", "Requests, counted before sampling", "{request}", OtlpEncoder.SUM);
    for (SpanKind k : kinds) {
      for (Map.Entry<RequestMetrics.Key, RequestMetrics.Series> e :
          RequestMetrics.series(k).entrySet()) {
        encoder.longPoint(w, start, now, e.getValue().count.sum(), attrs(k, e.getKey()));
      }
    }
    encoder.endMetric(w, OtlpEncoder.SUM, true);
    encoder.beginMetric(
        w,
        "vigil.request.errors",
        "Requests that ended with status ERROR",
        "{request}",
        OtlpEncoder.SUM);
    for (SpanKind k : kinds) {
      for (Map.Entry<RequestMetrics.Key, RequestMetrics.Series> e :
          RequestMetrics.series(k).entrySet()) {
        encoder.longPoint(w, start, now, e.getValue().errors.sum(), attrs(k, e.getKey()));
      }
    }
    encoder.endMetric(w, OtlpEncoder.SUM, true);
    encoder.beginMetric(
        w, "vigil.request.duration", "Request latency", "ms", OtlpEncoder.HISTOGRAM);
    for (SpanKind k : kinds) {
      for (Map.Entry<RequestMetrics.Key, RequestMetrics.Series> e :
          RequestMetrics.series(k).entrySet()) {
        RequestMetrics.Series s = e.getValue();
        long[] buckets = new long[s.buckets.length()];
        long count = 0;
        for (int i = 0; i < buckets.length; i++) {
          buckets[i] = s.buckets.get(i);
          count += buckets[i];
        }
        encoder.histogramPoint(
            w,
            start,
            now,
            count,
            s.sumNanos.sum() / 1e6,
            buckets,
            RequestMetrics.BOUNDS_MS,
            attrs(k, e.getKey()));
      }
    }
    encoder.endMetric(w, OtlpEncoder.HISTOGRAM, false);
  }

  private static Object[] attrs(SpanKind kind, RequestMetrics.Key key) {
    String k = kind == SpanKind.SERVER ? "server" : "client";
    if (key.peer == null) {
      return new Object[] {"span.kind", k, "endpoint", key.endpoint};
    }
    return new Object[] {"span.kind", k, "endpoint", key.endpoint, "peer", key.peer};
  }

  /**
   * Stops the thread and sends what is still queued, within the shutdown timeout; what does not fit
   * is dropped.
   */
  public void shutdown() {
    long deadline = System.nanoTime() + millisToNanos(settings.shutdownTimeoutMillis());
    stopping = true;
    Thread t = thread;
    if (t != null) {
      LockSupport.unpark(t);
      try {
        t.join(Math.max(1, settings.shutdownTimeoutMillis() / 2));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (t.isAlive()) {
        return;
      }
    }
    Tracer.suppress();
    try {
      down = false;
      nextMetricsNanos = 0;
      for (int i = 0; i < 16; i++) {
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (left <= 0) {
          break;
        }
        cycle((int) Math.max(100, Math.min(left, TIMEOUT_MILLIS)));
        if (down
            || (pendingSpans == null
                && pendingLogs == null
                && Telemetry.spans().size() == 0
                && Telemetry.logs().size() == 0)) {
          break;
        }
      }
    } finally {
      Tracer.unsuppress();
    }
  }

  private static long millisToNanos(long ms) {
    return TimeUnit.MILLISECONDS.toNanos(ms);
  }
}
