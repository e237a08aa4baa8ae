package dev.vigil.framework.server;

import dev.vigil.framework.broker.MessageHandler;

/**
 * Wraps every broker subscriber of a server, seeing the raw message (headers including {@code
 * traceparent}) before it is decoded. Ordering is as for {@link HandlerWrapper}. The returned
 * handler must be thread-safe.
 */
@FunctionalInterface
public interface SubscriberWrapper {
  MessageHandler wrap(MessageHandler next);
}
