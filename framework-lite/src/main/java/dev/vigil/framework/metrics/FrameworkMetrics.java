package dev.vigil.framework.metrics;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.IntFunction;

/**
 * The metrics vocabulary of one framework-lite service, on its own Prometheus registry so that
 * several services in one JVM (tests, the demo) never share or clash. Server and client calls are
 * counted per endpoint with a latency histogram; brokers count every message they publish, deliver,
 * retry and drop, so no message is lost without a count.
 *
 * <p>Thread-safe.
 */
public final class FrameworkMetrics {
  /** Latency buckets in seconds, from 0.5 ms to 10 s. */
  static final double[] LATENCY_BUCKETS = {
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10
  };

  public static final String TEXT_CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;

  private final PrometheusRegistry registry;
  private final Counter serverRequests;
  private final Histogram serverLatency;
  private final Gauge serverInFlight;
  private final Counter clientRequests;
  private final Histogram clientLatency;
  private final Counter brokerPublished;
  private final Counter brokerDelivered;
  private final Counter brokerRetries;
  private final Counter brokerDropped;

  // Data points are looked up once per label set, not per call: labelValues builds a label list
  // and the code's string on every use. The metrics here never remove data points, so a cached
  // one stays the registered one.
  private final ConcurrentHashMap<String, Points> serverPoints = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, ConcurrentHashMap<String, Points>> clientPoints =
      new ConcurrentHashMap<>();

  public FrameworkMetrics() {
    this(new PrometheusRegistry());
  }

  public FrameworkMetrics(PrometheusRegistry registry) {
    this.registry = registry;
    serverRequests =
        Counter.builder()
            .name("vigil_server_requests_total")
            .help("Requests handled by this service, by endpoint and response code.")
            .labelNames("endpoint", "code")
            .register(registry);
    serverLatency =
        Histogram.builder()
            .name("vigil_server_request_duration_seconds")
            .help("Time to handle a request, by endpoint.")
            .unit(Unit.SECONDS)
            .labelNames("endpoint")
            .classicOnly()
            .classicUpperBounds(LATENCY_BUCKETS)
            .register(registry);
    serverInFlight =
        Gauge.builder()
            .name("vigil_server_requests_in_flight")
            .help("Requests being handled right now.")
            .register(registry);
    clientRequests =
        Counter.builder()
            .name("vigil_client_requests_total")
            .help("Calls made by this service, by callee service, endpoint and result code.")
            .labelNames("service", "endpoint", "code")
            .register(registry);
    clientLatency =
        Histogram.builder()
            .name("vigil_client_request_duration_seconds")
            .help("Time for a call including retries, by callee service and endpoint.")
            .unit(Unit.SECONDS)
            .labelNames("service", "endpoint")
            .classicOnly()
            .classicUpperBounds(LATENCY_BUCKETS)
            .register(registry);
    brokerPublished =
        Counter.builder()
            .name("vigil_broker_messages_published_total")
            .help("Messages accepted for publishing, by broker and topic.")
            .labelNames("broker", "topic")
            .register(registry);
    brokerDelivered =
        Counter.builder()
            .name("vigil_broker_messages_delivered_total")
            .help("Messages handled successfully by a subscriber, by broker and topic.")
            .labelNames("broker", "topic")
            .register(registry);
    brokerRetries =
        Counter.builder()
            .name("vigil_broker_delivery_retries_total")
            .help("Redelivery attempts after a failed delivery, by broker and topic.")
            .labelNames("broker", "topic")
            .register(registry);
    brokerDropped =
        Counter.builder()
            .name("vigil_broker_messages_dropped_total")
            .help("Messages given up after retries or refused, by broker, topic and reason.")
            .labelNames("broker", "topic", "reason")
            .register(registry);
  }

  public PrometheusRegistry registry() {
    return registry;
  }

  public void serverRequest(String endpoint, int code, long durationNanos) {
    Points points = serverPoints.get(endpoint);
    if (points == null) {
      points =
          serverPoints.computeIfAbsent(
              endpoint,
              e ->
                  new Points(
                      serverLatency.labelValues(e),
                      c -> serverRequests.labelValues(e, Integer.toString(c))));
    }
    points.requests(code).inc();
    points.latency.observe(durationNanos / 1e9);
  }

  public void serverInFlight(long delta) {
    serverInFlight.inc(delta);
  }

  public void clientRequest(String service, String endpoint, int code, long durationNanos) {
    ConcurrentHashMap<String, Points> byEndpoint = clientPoints.get(service);
    if (byEndpoint == null) {
      byEndpoint = clientPoints.computeIfAbsent(service, s -> new ConcurrentHashMap<>());
    }
    Points points = byEndpoint.get(endpoint);
    if (points == null) {
      points =
          byEndpoint.computeIfAbsent(
              endpoint,
              e ->
                  new Points(
                      clientLatency.labelValues(service, e),
                      c -> clientRequests.labelValues(service, e, Integer.toString(c))));
    }
    points.requests(code).inc();
    points.latency.observe(durationNanos / 1e9);
  }

  public void brokerPublished(String broker, String topic) {
    brokerPublished.labelValues(broker, topic).inc();
  }

  public void brokerDelivered(String broker, String topic) {
    brokerDelivered.labelValues(broker, topic).inc();
  }

  public void brokerRetry(String broker, String topic) {
    brokerRetries.labelValues(broker, topic).inc();
  }

  public void brokerDropped(String broker, String topic, String reason) {
    brokerDropped.labelValues(broker, topic, reason).inc();
  }

  /** Current value of a broker's dropped counter, summed over reasons; for tests and logs. */
  public long brokerDroppedCount(String broker, String topic) {
    return registry.scrape().stream()
        .filter(s -> s.getMetadata().getPrometheusName().equals("vigil_broker_messages_dropped"))
        .flatMap(s -> s.getDataPoints().stream())
        .filter(
            p ->
                broker.equals(p.getLabels().get("broker"))
                    && topic.equals(p.getLabels().get("topic")))
        .mapToLong(
            p ->
                (long)
                    ((io.prometheus.metrics.model.snapshots.CounterSnapshot
                                .CounterDataPointSnapshot)
                            p)
                        .getValue())
        .sum();
  }

  /** The latency data point and the request counters by response code of one endpoint. */
  private static final class Points {
    private static final int MAX_CACHED_CODE = 600;

    final DistributionDataPoint latency;
    final IntFunction<CounterDataPoint> counterFor;
    final AtomicReferenceArray<CounterDataPoint> byCode =
        new AtomicReferenceArray<>(MAX_CACHED_CODE);

    Points(DistributionDataPoint latency, IntFunction<CounterDataPoint> counterFor) {
      this.latency = latency;
      this.counterFor = counterFor;
    }

    CounterDataPoint requests(int code) {
      if (code < 0 || code >= MAX_CACHED_CODE) {
        return counterFor.apply(code);
      }
      CounterDataPoint point = byCode.get(code);
      if (point == null) {
        point = counterFor.apply(code);
        byCode.set(code, point);
      }
      return point;
    }
  }

  /** The Prometheus text exposition of every metric, as served on {@code /metrics}. */
  public byte[] scrape() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
    try {
      new PrometheusTextFormatWriter(false).write(out, registry.scrape());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
