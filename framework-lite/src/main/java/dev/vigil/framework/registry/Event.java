package dev.vigil.framework.registry;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A change seen by a registry watch. For {@link Type#DELETE} the service carries the nodes that
 * were removed; for {@link Type#CREATE} and {@link Type#UPDATE} it carries the current nodes of
 * that service version.
 */
public record Event(Type type, Service service, Instant timestamp) {
  public enum Type {
    CREATE,
    UPDATE,
    DELETE
  }

  public Event {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(timestamp, "timestamp");
  }

  /**
   * The versions of this event's service after the change, given {@code versions} as they were
   * before (as {@link Registry#getService} returns them). CREATE and UPDATE replace the version's
   * nodes; DELETE removes the listed nodes and drops a version left without nodes. Applying an
   * event twice gives the same result, so a cache may apply events that its last lookup already
   * saw.
   */
  public List<Service> applyTo(List<Service> versions) {
    List<Service> result = new ArrayList<>(versions.size() + 1);
    boolean found = false;
    for (Service current : versions) {
      if (!current.version().equals(service.version())) {
        result.add(current);
        continue;
      }
      found = true;
      Service updated = type == Type.DELETE ? withoutRemovedNodes(current) : service;
      if (!updated.nodes().isEmpty()) {
        result.add(updated);
      }
    }
    if (!found && type != Type.DELETE && !service.nodes().isEmpty()) {
      result.add(service);
    }
    return List.copyOf(result);
  }

  private Service withoutRemovedNodes(Service current) {
    Set<String> removed = new HashSet<>();
    service.nodes().forEach(n -> removed.add(n.id()));
    List<Node> left = new ArrayList<>(current.nodes().size());
    for (Node node : current.nodes()) {
      if (!removed.contains(node.id())) {
        left.add(node);
      }
    }
    return current.withNodes(left);
  }
}
