package dev.vigil.framework.selector;

import dev.vigil.framework.registry.Endpoint;
import dev.vigil.framework.registry.Node;
import dev.vigil.framework.registry.Service;
import java.util.Objects;

/**
 * The node filters of {@link SelectOptions}: by service version, by label and by endpoint. Filters
 * are immutable and thread-safe; {@link NodeFilter#describe()} names them in "no node" errors.
 */
public final class Filters {
  private Filters() {}

  /** Nodes of exactly this service version. */
  public static NodeFilter version(String version) {
    return new Version(Objects.requireNonNull(version, "version"));
  }

  /**
   * Nodes whose metadata has {@code key=value}; a node without {@code key} is judged by its
   * service's metadata, so a label set once for a whole service version applies to its nodes.
   */
  public static NodeFilter label(String key, String value) {
    return new Label(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
  }

  /**
   * Nodes of a service version that declares the endpoint {@code name}, e.g. {@code Orders.Place}.
   */
  public static NodeFilter endpoint(String name) {
    return new EndpointFilter(Objects.requireNonNull(name, "name"));
  }

  private record Version(String version) implements NodeFilter {
    @Override
    public String describe() {
      return "version=" + version;
    }

    @Override
    public boolean test(Service service, Node node) {
      return version.equals(service.version());
    }
  }

  private record Label(String key, String value) implements NodeFilter {
    @Override
    public String describe() {
      return "label " + key + "=" + value;
    }

    @Override
    public boolean test(Service service, Node node) {
      String actual = node.metadata(key);
      if (actual == null) {
        actual = service.metadata().get(key);
      }
      return value.equals(actual);
    }
  }

  private record EndpointFilter(String name) implements NodeFilter {
    @Override
    public String describe() {
      return "endpoint " + name;
    }

    @Override
    public boolean test(Service service, Node node) {
      for (Endpoint e : service.endpoints()) {
        if (e.name().equals(name)) {
          return true;
        }
      }
      return false;
    }
  }
}
