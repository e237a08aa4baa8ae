package dev.vigil.console.registry;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonRawValue;
import java.util.List;

/**
 * The registry's JSON shapes (documented in {@code docs/api.md}). Stored JSON columns are written
 * through as they are. Immutable.
 */
final class RegistryViews {
  private RegistryViews() {}

  /**
   * One node. {@code selectable} is what a client should pick from: enabled, and healthy unless the
   * service's protection threshold is active, in which case every enabled node is selectable.
   */
  @JsonPropertyOrder({
    "id",
    "version",
    "address",
    "metadata",
    "endpoints",
    "weight",
    "enabled",
    "healthy",
    "selectable",
    "ttlSeconds",
    "lastHeartbeatUnixNano",
    "modifyIndex"
  })
  record NodeView(
      String id,
      String version,
      String address,
      @JsonRawValue String metadata,
      @JsonRawValue String endpoints,
      int weight,
      boolean enabled,
      boolean healthy,
      boolean selectable,
      int ttlSeconds,
      long lastHeartbeatUnixNano,
      long modifyIndex) {
    NodeView withSelectable(boolean value) {
      return new NodeView(
          id,
          version,
          address,
          metadata,
          endpoints,
          weight,
          enabled,
          healthy,
          value,
          ttlSeconds,
          lastHeartbeatUnixNano,
          modifyIndex);
    }
  }

  /**
   * One service with its nodes as of {@code index}. {@code protected} is true when fewer than
   * {@code protectThreshold} of its enabled nodes are healthy.
   */
  @JsonPropertyOrder({"service", "index", "protectThreshold", "protected", "nodes"})
  record ServiceView(
      String service,
      long index,
      double protectThreshold,
      @JsonProperty("protected") boolean protectionActive,
      List<NodeView> nodes) {

    /** Applies the protection threshold to nodes read from the database. */
    static ServiceView of(String service, long index, double threshold, List<NodeView> nodes) {
      long enabled = nodes.stream().filter(NodeView::enabled).count();
      long healthy = nodes.stream().filter(n -> n.enabled() && n.healthy()).count();
      boolean active = enabled > 0 && threshold > 0 && healthy < threshold * enabled;
      List<NodeView> flagged =
          nodes.stream()
              .map(n -> n.withSelectable(n.enabled() && (n.healthy() || active)))
              .toList();
      return new ServiceView(service, index, threshold, active, flagged);
    }
  }

  /** One line of the service list. */
  @JsonPropertyOrder({
    "service",
    "index",
    "versions",
    "nodes",
    "healthy",
    "enabled",
    "protectThreshold"
  })
  record ServiceSummary(
      String service,
      long index,
      List<String> versions,
      int nodes,
      int healthy,
      int enabled,
      double protectThreshold) {}

  /** The service list as of {@code index}. */
  record ServiceList(long index, List<ServiceSummary> services) {}
}
