package dev.vigil.framework.transport;

import java.time.Duration;

/**
 * Request/response between services. Implementations: {@code HttpTransport} (HTTP/1.1, Jetty via
 * Javalin on the server side and a pooled keep-alive client) and {@code MemoryTransport} (in
 * process, the test fake). Thread-safe.
 */
public interface Transport extends AutoCloseable {

  /** The plugin name used in configuration, for example {@code http}. */
  String name();

  /** Starts serving {@code handler} as described by {@code options}. */
  Listener listen(ListenOptions options, TransportHandler handler);

  /**
   * Sends {@code request} to the node at {@code address} and waits at most {@code timeout} for the
   * response. A response with an error status is returned, not thrown.
   *
   * @throws dev.vigil.framework.errors.TransportException when no response could be had; its {@code
   *     requestSent()} tells whether retrying could execute the request twice
   */
  TransportResponse call(String address, TransportRequest request, Duration timeout);

  /** Releases client connections and stops every listener it started. */
  @Override
  void close();
}
