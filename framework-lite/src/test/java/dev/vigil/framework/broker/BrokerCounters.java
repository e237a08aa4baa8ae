package dev.vigil.framework.broker;

import dev.vigil.framework.metrics.FrameworkMetrics;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;

/** Reads broker counters of a {@link FrameworkMetrics} the way a scrape would see them. */
public final class BrokerCounters {
  private final FrameworkMetrics metrics;
  private final String broker;

  public BrokerCounters(FrameworkMetrics metrics, String broker) {
    this.metrics = metrics;
    this.broker = broker;
  }

  public long published(String topic) {
    return sum("vigil_broker_messages_published", topic, null);
  }

  public long delivered(String topic) {
    return sum("vigil_broker_messages_delivered", topic, null);
  }

  public long retries(String topic) {
    return sum("vigil_broker_delivery_retries", topic, null);
  }

  public long dropped(String topic) {
    return metrics.brokerDroppedCount(broker, topic);
  }

  public long dropped(String topic, String reason) {
    return sum("vigil_broker_messages_dropped", topic, reason);
  }

  private long sum(String name, String topic, String reason) {
    return metrics.registry().scrape().stream()
        .filter(s -> s.getMetadata().getPrometheusName().equals(name))
        .flatMap(s -> s.getDataPoints().stream())
        .filter(
            p ->
                broker.equals(p.getLabels().get("broker"))
                    && topic.equals(p.getLabels().get("topic"))
                    && (reason == null || reason.equals(p.getLabels().get("reason"))))
        .mapToLong(p -> (long) ((CounterDataPointSnapshot) p).getValue())
        .sum();
  }
}
