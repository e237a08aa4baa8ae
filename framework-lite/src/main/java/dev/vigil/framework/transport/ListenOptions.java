package dev.vigil.framework.transport;

import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * How a transport listens.
 *
 * @param address {@code host:port} to bind; port 0 picks a free port
 * @param maxRequestBytes bodies above this are refused with 413 before the handler runs
 * @param getRoutes plain {@code GET} routes served beside the RPC endpoints by transports that
 *     speak HTTP (for example {@code /health} and {@code /metrics}); ignored by others
 */
public record ListenOptions(
    String address, long maxRequestBytes, Map<String, Supplier<TransportResponse>> getRoutes) {
  public static final String DEFAULT_ADDRESS = "127.0.0.1:0";
  public static final long DEFAULT_MAX_REQUEST_BYTES = 4L * 1024 * 1024;

  public ListenOptions {
    Objects.requireNonNull(address, "address");
    if (maxRequestBytes <= 0) {
      throw new IllegalArgumentException(
          "maxRequestBytes: " + maxRequestBytes + " (expected: > 0)");
    }
    getRoutes = Map.copyOf(getRoutes);
  }

  public static ListenOptions defaults() {
    return new ListenOptions(DEFAULT_ADDRESS, DEFAULT_MAX_REQUEST_BYTES, Map.of());
  }
}
