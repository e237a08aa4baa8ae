package dev.vigil.framework.client;

import dev.vigil.framework.broker.BrokerMessage;

/** Publishes one encoded message; the interception point for publishes. Thread-safe. */
@FunctionalInterface
public interface PublishFunc {
  void publish(String topic, BrokerMessage message);
}
