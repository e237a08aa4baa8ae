package dev.vigil.framework.registry;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A named, versioned service as the registry knows it: its metadata, the endpoints it serves and
 * the nodes running it. {@link Registry#getService} returns one {@code Service} per version.
 */
public record Service(
    String name,
    String version,
    Map<String, String> metadata,
    List<Endpoint> endpoints,
    List<Node> nodes) {

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

  public Service {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(version, "version");
    requireValidName(name);
    metadata = Map.copyOf(metadata);
    endpoints = List.copyOf(endpoints);
    nodes = List.copyOf(nodes);
  }

  /** A service record describing one node, as a server registers itself. */
  public static Service of(String name, String version, Node node) {
    return new Service(name, version, Map.of(), List.of(), List.of(node));
  }

  public Service withNodes(List<Node> newNodes) {
    return new Service(name, version, metadata, endpoints, newNodes);
  }

  /**
   * Service names are letters, digits, '.', '_' and '-', starting with a letter or digit, at most
   * 128 characters, so they are safe in URLs, metric labels and NATS subjects.
   */
  public static String requireValidName(String name) {
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "service name: \""
              + name
              + "\" (expected: 1-128 of [A-Za-z0-9._-], starting with a letter or digit)");
    }
    return name;
  }
}
