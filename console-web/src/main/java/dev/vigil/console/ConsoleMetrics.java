package dev.vigil.console;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.function.DoubleConsumer;

/**
 * The console server's Prometheus metrics: {@code vigil_console_requests_total} by route, method
 * and status, and {@code vigil_console_request_duration_seconds} by route. Each server has its own
 * registry so several in one JVM never clash.
 *
 * <p>Thread-safe.
 */
final class ConsoleMetrics {
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final Counter requests =
      Counter.builder()
          .name("vigil_console_requests")
          .help("HTTP requests answered by the console server.")
          .labelNames("route", "method", "status")
          .register(registry);
  private final Histogram duration =
      Histogram.builder()
          .name("vigil_console_request_duration")
          .unit(Unit.SECONDS)
          .help("Time to answer an HTTP request of the console server.")
          .classicUpperBounds(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
          .labelNames("route")
          .register(registry);

  /**
   * Records requests of one route, method and status, with the labelled series looked up once
   * rather than on every request.
   */
  DoubleConsumer requests(String route, String method, int status) {
    CounterDataPoint count = requests.labelValues(route, method, Integer.toString(status));
    DistributionDataPoint time = duration.labelValues(route);
    return seconds -> {
      count.inc();
      time.observe(seconds);
    };
  }

  void request(String route, String method, int status, double seconds) {
    requests.labelValues(route, method, Integer.toString(status)).inc();
    duration.labelValues(route).observe(seconds);
  }

  PrometheusRegistry registry() {
    return registry;
  }
}
