package dev.vigil.framework.client;

/**
 * Wraps every publish of a client, seeing the encoded message and its headers (and able to replace
 * them, for example to inject {@code traceparent}). Ordering is as for {@link CallWrapper}.
 */
@FunctionalInterface
public interface PublishWrapper {
  PublishFunc wrap(PublishFunc next);
}
