package dev.vigil.framework.server;

/**
 * Application code receiving decoded broker messages of one topic. The message headers are
 * available from {@link dev.vigil.framework.CallContext#current()}. Throwing asks the broker to
 * redeliver. Must be thread-safe.
 */
@FunctionalInterface
public interface TypedSubscriber<T> {
  void receive(T message) throws Exception;
}
