package dev.vigil.framework.config.console;

/** A running watch on a key or prefix; closing it stops its events. Idempotent. */
public interface ConfigSubscription extends AutoCloseable {
  @Override
  void close();
}
