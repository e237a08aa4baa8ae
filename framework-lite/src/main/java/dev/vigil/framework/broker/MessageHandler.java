package dev.vigil.framework.broker;

/**
 * Receives messages of a subscription. Throwing asks the broker to redeliver; after the broker's
 * retry limit the message is counted as dropped.
 */
@FunctionalInterface
public interface MessageHandler {
  void handle(String topic, BrokerMessage message) throws Exception;
}
