package dev.vigil.framework.broker;

import org.jspecify.annotations.Nullable;

/** A live subscription; {@link #unsubscribe()} is idempotent. */
public interface Subscription extends AutoCloseable {
  String topic();

  /** The queue group, or null when every subscriber gets every message. */
  @Nullable String queue();

  void unsubscribe();

  @Override
  default void close() {
    unsubscribe();
  }
}
