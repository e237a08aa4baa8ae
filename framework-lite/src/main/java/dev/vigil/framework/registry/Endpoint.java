package dev.vigil.framework.registry;

import java.util.Map;
import java.util.Objects;

/**
 * An endpoint a service serves, named {@code Service.Method} (for example {@code Orders.Place}), or
 * a broker topic a service subscribes to (metadata {@code subscriber=true, topic=...}).
 */
public record Endpoint(String name, Map<String, String> metadata) {
  public Endpoint {
    Objects.requireNonNull(name, "name");
    metadata = Map.copyOf(metadata);
  }

  public Endpoint(String name) {
    this(name, Map.of());
  }
}
