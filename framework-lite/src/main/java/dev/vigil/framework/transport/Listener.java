package dev.vigil.framework.transport;

import java.time.Duration;

/** A transport listening for requests. Thread-safe. */
public interface Listener extends AutoCloseable {

  /** The {@code host:port} actually bound (a requested port 0 is resolved). */
  String address();

  /**
   * Stops accepting new requests, waits up to {@code drain} for requests in flight to complete,
   * then releases the port. Idempotent.
   */
  void close(Duration drain);

  @Override
  default void close() {
    close(Duration.ZERO);
  }
}
