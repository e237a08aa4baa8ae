package dev.vigil.framework.broker;

import org.jspecify.annotations.Nullable;

/**
 * Publish/subscribe between services. Subscribers sharing a {@code queue} group split the messages
 * of a topic (each message goes to one member); subscribers without a group each get every message.
 * Implementations: {@code MemoryBroker} (in process, the test fake), {@code HttpBroker}
 * (subscribers register topic endpoints in the registry, publishers deliver to them over HTTP) and
 * {@code NatsBroker}. Every implementation counts published, delivered, retried and dropped
 * messages in the shared metrics. Thread-safe.
 */
public interface Broker extends AutoCloseable {

  /** The plugin name used in configuration, for example {@code nats}. */
  String name();

  /** Connects to the backing system; idempotent. Publishing before connecting connects. */
  void connect();

  /**
   * Publishes {@code message} to {@code topic}. Never blocks on subscribers for longer than the
   * broker's delivery timeout.
   */
  void publish(String topic, BrokerMessage message);

  /** Subscribes {@code handler} to {@code topic}, in queue group {@code queue} when not null. */
  Subscription subscribe(String topic, @Nullable String queue, MessageHandler handler);

  /** Unsubscribes everything and disconnects. */
  @Override
  void close();
}
