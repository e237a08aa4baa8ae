package dev.vigil.framework.client;

/**
 * Wraps every call attempt of a client, for example to add a span and inject {@code traceparent}
 * with {@link ClientRequest#withMetadata}. The first wrapper configured is the outermost; wrappers
 * from {@link dev.vigil.framework.hooks.Hooks} are outside all configured ones.
 */
@FunctionalInterface
public interface CallWrapper {
  CallFunc wrap(CallFunc next);
}
