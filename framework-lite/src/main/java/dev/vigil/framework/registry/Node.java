package dev.vigil.framework.registry;

import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One running instance of a service: a unique id, the {@code host:port} address its transport
 * listens on, and free-form metadata (for example {@code weight}, {@code zone}, labels).
 *
 * @param id unique within the service, for example {@code orders-4f2a}
 * @param address {@code host:port} the transport listens on
 * @param metadata labels; well-known keys are {@link #WEIGHT}
 */
public record Node(String id, String address, Map<String, String> metadata) {
  /** Metadata key read by the weighted selector strategy; a positive integer, default 100. */
  public static final String WEIGHT = "weight";

  public Node {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(address, "address");
    if (id.isBlank()) {
      throw new IllegalArgumentException("node id: \"\" (expected: a non-blank id)");
    }
    metadata = Map.copyOf(metadata);
  }

  public Node(String id, String address) {
    this(id, address, Map.of());
  }

  public @Nullable String metadata(String key) {
    return metadata.get(key);
  }
}
