package dev.vigil.framework.registry.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.framework.registry.Endpoint;
import dev.vigil.framework.registry.Event;
import dev.vigil.framework.registry.Node;
import dev.vigil.framework.registry.Service;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The JSON the console's registry API speaks, turned into framework-lite records and back, and the
 * diff of two states of a service into watch events.
 *
 * <p>Stateless and thread-safe.
 */
final class ConsoleWire {
  static final ObjectMapper MAPPER = new ObjectMapper();
  static final int MAX_TTL_SECONDS = 3600;

  private ConsoleWire() {}

  /** The body of {@code PUT .../nodes/{id}} for one node of {@code service}. */
  static byte[] registration(Service service, Node node, Duration ttl) {
    ObjectNode body = MAPPER.createObjectNode();
    body.put("version", service.version());
    body.put("address", node.address());
    ObjectNode metadata = body.putObject("metadata");
    service.metadata().forEach(metadata::put);
    node.metadata().forEach(metadata::put);
    ArrayNode endpoints = body.putArray("endpoints");
    for (Endpoint endpoint : service.endpoints()) {
      ObjectNode e = endpoints.addObject();
      e.put("name", endpoint.name());
      ObjectNode m = e.putObject("metadata");
      endpoint.metadata().forEach(m::put);
    }
    body.put("ttlSeconds", ttlSeconds(ttl));
    return body.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  /**
   * The console's TTL for a framework TTL: zero (no expiry) becomes the longest the console takes.
   */
  static int ttlSeconds(Duration ttl) {
    if (ttl.isZero() || ttl.isNegative()) {
      return MAX_TTL_SECONDS;
    }
    long seconds = ttl.toSeconds() + (ttl.toNanosPart() > 0 ? 1 : 0);
    return (int) Math.max(1, Math.min(MAX_TTL_SECONDS, seconds));
  }

  /**
   * The versions of a service as {@code GET /api/v1/registry/services/{service}} describes it: only
   * selectable nodes (enabled, and healthy unless the service is protected), each with the
   * console's weight in its {@link Node#WEIGHT} metadata. Versions and nodes are sorted, so equal
   * states compare equal.
   */
  static List<Service> versions(String name, JsonNode body) {
    Map<String, List<Node>> nodes = new TreeMap<>();
    Map<String, List<Endpoint>> endpoints = new TreeMap<>();
    for (JsonNode n : body.path("nodes")) {
      if (!n.path("selectable").asBoolean(false)) {
        continue;
      }
      String version = n.path("version").asText("");
      Map<String, String> metadata = strings(n.path("metadata"));
      metadata.put(Node.WEIGHT, Integer.toString(n.path("weight").asInt(100)));
      nodes
          .computeIfAbsent(version, v -> new ArrayList<>())
          .add(new Node(n.path("id").asText(), n.path("address").asText(), metadata));
      endpoints.computeIfAbsent(version, v -> endpoints(n.path("endpoints")));
    }
    List<Service> versions = new ArrayList<>(nodes.size());
    nodes.forEach(
        (version, list) -> {
          list.sort(Comparator.comparing(Node::id));
          versions.add(new Service(name, version, Map.of(), endpoints.get(version), list));
        });
    return List.copyOf(versions);
  }

  /** The service list of {@code GET /api/v1/registry/services}: one entry per version, no nodes. */
  static List<Service> list(JsonNode body) {
    List<Service> services = new ArrayList<>();
    for (JsonNode s : body.path("services")) {
      for (JsonNode version : s.path("versions")) {
        services.add(
            new Service(
                s.path("service").asText(), version.asText(), Map.of(), List.of(), List.of()));
      }
    }
    return List.copyOf(services);
  }

  /** Per-service indexes of the service list. */
  static Map<String, Long> listIndexes(JsonNode body) {
    Map<String, Long> indexes = new LinkedHashMap<>();
    for (JsonNode s : body.path("services")) {
      indexes.put(s.path("service").asText(), s.path("index").asLong());
    }
    return indexes;
  }

  /**
   * The events that turn {@code before} into {@code after}, versions compared whole: a new version
   * is a CREATE, a changed one an UPDATE with its current nodes, a vanished one a DELETE of its
   * last nodes. {@link Event#applyTo} of these events on {@code before} gives {@code after}.
   */
  static List<Event> diff(List<Service> before, List<Service> after, Instant now) {
    Map<String, Service> old = byVersion(before);
    Map<String, Service> current = byVersion(after);
    List<Event> events = new ArrayList<>();
    for (Map.Entry<String, Service> e : current.entrySet()) {
      Service previous = old.get(e.getKey());
      if (previous == null) {
        events.add(new Event(Event.Type.CREATE, e.getValue(), now));
      } else if (!previous.equals(e.getValue())) {
        events.add(new Event(Event.Type.UPDATE, e.getValue(), now));
      }
    }
    for (Map.Entry<String, Service> e : old.entrySet()) {
      if (!current.containsKey(e.getKey())) {
        events.add(new Event(Event.Type.DELETE, e.getValue(), now));
      }
    }
    return events;
  }

  /** A service's versions in the cache file's form. */
  static ArrayNode toJson(List<Service> versions) {
    ArrayNode array = MAPPER.createArrayNode();
    for (Service s : versions) {
      ObjectNode v = array.addObject();
      v.put("version", s.version());
      ObjectNode metadata = v.putObject("metadata");
      s.metadata().forEach(metadata::put);
      ArrayNode endpoints = v.putArray("endpoints");
      for (Endpoint endpoint : s.endpoints()) {
        ObjectNode e = endpoints.addObject();
        e.put("name", endpoint.name());
        ObjectNode m = e.putObject("metadata");
        endpoint.metadata().forEach(m::put);
      }
      ArrayNode nodes = v.putArray("nodes");
      for (Node node : s.nodes()) {
        ObjectNode n = nodes.addObject();
        n.put("id", node.id());
        n.put("address", node.address());
        ObjectNode m = n.putObject("metadata");
        node.metadata().forEach(m::put);
      }
    }
    return array;
  }

  /** The inverse of {@link #toJson}. */
  static List<Service> fromJson(String name, JsonNode array) {
    List<Service> versions = new ArrayList<>();
    for (JsonNode v : array) {
      List<Node> nodes = new ArrayList<>();
      for (JsonNode n : v.path("nodes")) {
        nodes.add(
            new Node(
                n.path("id").asText(), n.path("address").asText(), strings(n.path("metadata"))));
      }
      versions.add(
          new Service(
              name,
              v.path("version").asText(""),
              strings(v.path("metadata")),
              endpoints(v.path("endpoints")),
              nodes));
    }
    return List.copyOf(versions);
  }

  private static List<Endpoint> endpoints(JsonNode array) {
    List<Endpoint> endpoints = new ArrayList<>();
    for (JsonNode e : array) {
      if (e.hasNonNull("name")) {
        endpoints.add(new Endpoint(e.get("name").asText(), strings(e.path("metadata"))));
      }
    }
    return List.copyOf(endpoints);
  }

  private static Map<String, String> strings(JsonNode object) {
    Map<String, String> map = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      map.put(e.getKey(), e.getValue().asText());
    }
    return map;
  }

  private static Map<String, Service> byVersion(List<Service> versions) {
    Map<String, Service> map = new LinkedHashMap<>();
    for (Service s : versions) {
      map.put(s.version(), s);
    }
    return map;
  }
}
