package dev.vigil.framework.registry;

/** A running registry watch; closing it stops the events. Idempotent. */
public interface Watch extends AutoCloseable {
  @Override
  void close();
}
