package dev.vigil.console.registry;

import static java.util.Objects.requireNonNull;

import dev.vigil.console.audit.Actor;
import dev.vigil.console.audit.AuditLog;
import dev.vigil.console.registry.RegistryViews.NodeView;
import dev.vigil.console.registry.RegistryViews.ServiceList;
import dev.vigil.console.registry.RegistryViews.ServiceSummary;
import dev.vigil.console.registry.RegistryViews.ServiceView;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jspecify.annotations.Nullable;

/**
 * The registry's state in PostgreSQL (tables {@code console.registry_*}): every read and write of
 * services and nodes, the change index, and the {@code NOTIFY} that tells every replica about a
 * change.
 *
 * <p>Every change runs in one transaction that first locks the index row, takes the next index only
 * if something really changed, records the change, its audit entry and a notification on channel
 * {@value #CHANNEL} (payload {@code <index>:<service>}, delivered at commit). Taking the index row
 * first everywhere makes commit order equal index order and rules out deadlocks; a plain heartbeat
 * takes no index and locks only its node's row.
 *
 * <p>Thread-safe: stateless apart from the {@link Jdbi} it shares.
 */
final class RegistryStore {
  static final String CHANNEL = "vigil_registry";

  /** The index of a service that has never changed: lower than any change's index. */
  static final long NO_CHANGES_INDEX = 1;

  private static final String NODE_COLUMNS =
      "node_id, version, address, metadata::text AS metadata, endpoints::text AS endpoints,"
          + " weight, enabled, healthy, ttl_seconds, last_heartbeat, modify_index";

  private final Jdbi jdbi;
  private final AuditLog audit;
  private final BiConsumer<String, Long> committed;

  /**
   * {@code committed} hears each changed service and its new index on the committing thread right
   * after the commit, so the replica that made a change wakes its own watchers without waiting for
   * its {@code NOTIFY} to come back (the other replicas still learn of it by the notification).
   */
  RegistryStore(Jdbi jdbi, AuditLog audit, BiConsumer<String, Long> committed) {
    this.jdbi = requireNonNull(jdbi, "jdbi");
    this.audit = requireNonNull(audit, "audit");
    this.committed = requireNonNull(committed, "committed");
  }

  /** What a register-or-renew did. {@code index} is the index of the node's last change. */
  record RegisterResult(long index, boolean created, boolean changed) {}

  /** What a node update did; {@code found} is false when there is no such node. */
  record PatchResult(boolean found, boolean changed, long index) {}

  RegisterResult register(NodeRegistration r, Actor actor) {
    // The heartbeat: one autocommitted statement that touches no index and wakes nobody.
    Optional<Long> renewed = jdbi.withHandle(h -> renew(h, r));
    if (renewed.isPresent()) {
      return new RegisterResult(renewed.get(), false, false);
    }
    return jdbi.inTransaction(
        h -> {
          softCommit(h);
          h.createUpdate(
                  "INSERT INTO console.registry_service (name, modify_index)"
                      + " VALUES (:service, :none) ON CONFLICT (name) DO NOTHING")
              .bind("service", r.service())
              .bind("none", NO_CHANGES_INDEX)
              .execute();
          Optional<Boolean> created =
              h.createQuery(
                      "INSERT INTO console.registry_node (service, node_id, version, address,"
                          + " metadata, endpoints, ttl_seconds, weight, healthy, last_heartbeat,"
                          + " modify_index) VALUES (:service, :id, :version, :address,"
                          + " CAST(:metadata AS jsonb), CAST(:endpoints AS jsonb), :ttl, :weight,"
                          + " true, now(), 0)"
                          + " ON CONFLICT (service, node_id) DO UPDATE SET"
                          + " version = excluded.version, address = excluded.address,"
                          + " metadata = excluded.metadata, endpoints = excluded.endpoints,"
                          + " ttl_seconds = excluded.ttl_seconds, healthy = true,"
                          + " last_heartbeat = now()"
                          // A concurrent identical registration may have won: then only renew.
                          + " WHERE NOT (registry_node.healthy"
                          + " AND registry_node.version = excluded.version"
                          + " AND registry_node.address = excluded.address"
                          + " AND registry_node.metadata = excluded.metadata"
                          + " AND registry_node.endpoints = excluded.endpoints"
                          + " AND registry_node.ttl_seconds = excluded.ttl_seconds)"
                          + " RETURNING (xmax = 0) AS created")
                  .bind("service", r.service())
                  .bind("id", r.nodeId())
                  .bind("version", r.version())
                  .bind("address", r.address())
                  .bind("metadata", r.metadataJson())
                  .bind("endpoints", r.endpointsJson())
                  .bind("ttl", r.ttlSeconds())
                  .bind("weight", r.initialWeight())
                  .mapTo(Boolean.class)
                  .findOne();
          if (created.isEmpty()) {
            return new RegisterResult(renew(h, r).orElse(NO_CHANGES_INDEX), false, false);
          }
          Map<String, Object> details = new LinkedHashMap<>();
          details.put("created", created.get());
          details.put("version", r.version());
          details.put("address", r.address());
          details.put("ttlSeconds", r.ttlSeconds());
          audit.record(
              h, actor, "registry.node.register", target(r.service(), r.nodeId()), details);
          long index =
              commitChange(h, List.of(r.service()), List.of(r.service()), List.of(r.nodeId()));
          return new RegisterResult(index, created.get(), true);
        });
  }

  /** Deregisters a node; the new index, or empty when there was no such node. */
  Optional<Long> deregister(String service, String nodeId, Actor actor) {
    return jdbi.inTransaction(
        h -> {
          softCommit(h);
          Optional<String> address =
              h.createQuery(
                      "DELETE FROM console.registry_node WHERE service = :service AND node_id = :id"
                          + " RETURNING address")
                  .bind("service", service)
                  .bind("id", nodeId)
                  .mapTo(String.class)
                  .findOne();
          if (address.isEmpty()) {
            return Optional.<Long>empty();
          }
          audit.record(
              h,
              actor,
              "registry.node.deregister",
              target(service, nodeId),
              Map.of("address", address.get()));
          return Optional.of(commitChange(h, List.of(service), List.of(), List.of()));
        });
  }

  /** Sets a node's {@code enabled} flag and/or weight (a null leaves it as it is). */
  PatchResult patchNode(
      String service,
      String nodeId,
      @Nullable Boolean enabled,
      @Nullable Integer weight,
      Actor actor) {
    return jdbi.inTransaction(
        h -> {
          Optional<Boolean> changed =
              h.createQuery(
                      "UPDATE console.registry_node n SET"
                          + " enabled = coalesce(CAST(:enabled AS boolean), old.enabled),"
                          + " weight = coalesce(CAST(:weight AS integer), old.weight)"
                          + " FROM (SELECT enabled, weight FROM console.registry_node"
                          + " WHERE service = :service AND node_id = :id FOR UPDATE) old"
                          + " WHERE n.service = :service AND n.node_id = :id"
                          + " RETURNING (old.enabled <> n.enabled OR old.weight <> n.weight)")
                  .bind("enabled", enabled)
                  .bind("weight", weight)
                  .bind("service", service)
                  .bind("id", nodeId)
                  .mapTo(Boolean.class)
                  .findOne();
          if (changed.isEmpty()) {
            return new PatchResult(false, false, NO_CHANGES_INDEX);
          }
          if (!changed.get()) {
            return new PatchResult(true, false, NO_CHANGES_INDEX);
          }
          Map<String, Object> details = new LinkedHashMap<>();
          details.put("enabled", enabled);
          details.put("weight", weight);
          audit.record(h, actor, "registry.node.update", target(service, nodeId), details);
          long index = commitChange(h, List.of(service), List.of(service), List.of(nodeId));
          return new PatchResult(true, true, index);
        });
  }

  /** Sets a service's protection threshold, creating the service if needed. */
  void patchService(String service, double protectThreshold, Actor actor) {
    // Created in its own transaction, so that below the row is only updated, and only under the
    // index lock, like every other update of a service row: no lock cycle is possible.
    jdbi.useHandle(
        h ->
            h.createUpdate(
                    "INSERT INTO console.registry_service (name, modify_index)"
                        + " VALUES (:service, :none) ON CONFLICT (name) DO NOTHING")
                .bind("service", service)
                .bind("none", NO_CHANGES_INDEX)
                .execute());
    jdbi.useTransaction(
        h -> {
          h.createQuery("SELECT value FROM console.registry_index FOR UPDATE")
              .mapTo(Long.class)
              .one();
          int changed =
              h.createUpdate(
                      "UPDATE console.registry_service SET protect_threshold = :threshold"
                          + " WHERE name = :service AND protect_threshold <> :threshold")
                  .bind("service", service)
                  .bind("threshold", protectThreshold)
                  .execute();
          if (changed == 0) {
            return;
          }
          audit.record(
              h,
              actor,
              "registry.service.update",
              "registry/" + service,
              Map.of("protectThreshold", protectThreshold));
          commitChange(h, List.of(service), List.of(), List.of());
        });
  }

  /**
   * Marks healthy nodes whose TTL lapsed unhealthy, and removes nodes whose TTL lapsed more than
   * {@code removeAfter} ago, with one index for the whole pass. Safe on every replica at once: a
   * transaction-scoped advisory lock lets one pass run at a time (the others skip), and a pass that
   * finds nothing to do takes no index. Returns the number of nodes changed.
   */
  int reap(Duration removeAfter, Actor actor) {
    double removeSeconds = removeAfter.toMillis() / 1000.0;
    boolean due =
        jdbi.withHandle(
            h ->
                h.createQuery(
                        "SELECT EXISTS (SELECT 1 FROM console.registry_node WHERE"
                            + " (healthy AND last_heartbeat < now() - make_interval(secs =>"
                            + " ttl_seconds)) OR last_heartbeat < now() - make_interval(secs =>"
                            + " ttl_seconds + :remove))")
                    .bind("remove", removeSeconds)
                    .mapTo(Boolean.class)
                    .one());
    if (!due) {
      return 0;
    }
    return jdbi.inTransaction(
        h -> {
          boolean mine =
              h.createQuery("SELECT pg_try_advisory_xact_lock(hashtext('vigil_registry_reaper'))")
                  .mapTo(Boolean.class)
                  .one();
          if (!mine) {
            return 0;
          }
          softCommit(h);
          Map<String, List<String>> expired = new TreeMap<>();
          Map<String, List<String>> removed = new TreeMap<>();
          h.createQuery(
                  "UPDATE console.registry_node SET healthy = false"
                      + " WHERE healthy AND last_heartbeat < now() - make_interval(secs =>"
                      + " ttl_seconds) RETURNING service, node_id")
              .map((rs, c) -> Map.entry(rs.getString(1), rs.getString(2)))
              .forEach(
                  e ->
                      expired
                          .computeIfAbsent(e.getKey(), k -> new ArrayList<>())
                          .add(e.getValue()));
          h.createQuery(
                  "DELETE FROM console.registry_node WHERE last_heartbeat < now()"
                      + " - make_interval(secs => ttl_seconds + :remove) RETURNING service, node_id")
              .bind("remove", removeSeconds)
              .map((rs, c) -> Map.entry(rs.getString(1), rs.getString(2)))
              .forEach(
                  e ->
                      removed
                          .computeIfAbsent(e.getKey(), k -> new ArrayList<>())
                          .add(e.getValue()));
          if (expired.isEmpty() && removed.isEmpty()) {
            return 0;
          }
          List<String> services = new ArrayList<>(expired.keySet());
          removed.keySet().stream().filter(s -> !expired.containsKey(s)).forEach(services::add);
          List<String> nodeServices = new ArrayList<>();
          List<String> nodeIds = new ArrayList<>();
          int count = 0;
          for (Map.Entry<String, List<String>> e : expired.entrySet()) {
            for (String id : e.getValue()) {
              nodeServices.add(e.getKey());
              nodeIds.add(id);
            }
            audit.record(
                h,
                actor,
                "registry.node.expire",
                "registry/" + e.getKey(),
                Map.of("nodes", e.getValue()));
            count += e.getValue().size();
          }
          for (Map.Entry<String, List<String>> e : removed.entrySet()) {
            audit.record(
                h,
                actor,
                "registry.node.remove",
                "registry/" + e.getKey(),
                Map.of("nodes", e.getValue()));
            count += e.getValue().size();
          }
          commitChange(h, services, nodeServices, nodeIds);
          return count;
        });
  }

  private record ServiceRow(double threshold, long index, @Nullable NodeView node) {}

  /**
   * One service with all its nodes, read consistently (one statement, one snapshot); no nodes when
   * it is unknown.
   */
  ServiceView readService(String service) {
    return jdbi.withHandle(
        h -> {
          List<ServiceRow> rows =
              h.createQuery(
                      "SELECT s.protect_threshold, s.modify_index AS service_index, n.node_id,"
                          + " n.version, n.address, n.metadata::text AS metadata,"
                          + " n.endpoints::text AS endpoints, n.weight, n.enabled, n.healthy,"
                          + " n.ttl_seconds, n.last_heartbeat, n.modify_index"
                          + " FROM console.registry_service s"
                          + " LEFT JOIN console.registry_node n ON n.service = s.name"
                          + " WHERE s.name = :service ORDER BY n.node_id")
                  .bind("service", service)
                  .map(
                      (rs, c) -> {
                        String id = rs.getString("node_id");
                        NodeView node =
                            id == null
                                ? null
                                : new NodeView(
                                    id,
                                    rs.getString("version"),
                                    rs.getString("address"),
                                    rs.getString("metadata"),
                                    rs.getString("endpoints"),
                                    rs.getInt("weight"),
                                    rs.getBoolean("enabled"),
                                    rs.getBoolean("healthy"),
                                    false,
                                    rs.getInt("ttl_seconds"),
                                    nanos(rs.getTimestamp("last_heartbeat")),
                                    rs.getLong("modify_index"));
                        return new ServiceRow(rs.getDouble(1), rs.getLong(2), node);
                      })
                  .list();
          if (rows.isEmpty()) {
            return ServiceView.of(service, NO_CHANGES_INDEX, 0, List.of());
          }
          List<NodeView> nodes = new ArrayList<>(rows.size());
          for (ServiceRow row : rows) {
            if (row.node() != null) {
              nodes.add(row.node());
            }
          }
          ServiceRow first = rows.get(0);
          return ServiceView.of(service, first.index(), first.threshold(), nodes);
        });
  }

  /**
   * Every service with nodes (or with a protection threshold set), with the global index, read
   * consistently (one statement, one snapshot).
   */
  ServiceList listServices() {
    return jdbi.withHandle(
        h -> {
          long[] index = {0};
          List<ServiceSummary> services =
              h.createQuery(
                      "SELECT (SELECT value FROM console.registry_index) AS global_index,"
                          + " s.name, s.modify_index, s.protect_threshold,"
                          + " count(n.node_id) AS nodes,"
                          + " count(n.node_id) FILTER (WHERE n.healthy) AS healthy,"
                          + " count(n.node_id) FILTER (WHERE n.enabled) AS enabled,"
                          + " coalesce(array_agg(DISTINCT n.version)"
                          + " FILTER (WHERE n.node_id IS NOT NULL), '{}') AS versions"
                          + " FROM (SELECT 1) AS always"
                          + " LEFT JOIN (console.registry_service s"
                          + " LEFT JOIN console.registry_node n ON n.service = s.name) ON true"
                          + " GROUP BY s.name"
                          + " HAVING s.name IS NULL OR count(n.node_id) > 0"
                          + " OR max(s.protect_threshold) > 0"
                          + " ORDER BY s.name")
                  .map(
                      (rs, c) -> {
                        index[0] = rs.getLong("global_index");
                        String name = rs.getString("name");
                        return name == null
                            ? null
                            : new ServiceSummary(
                                name,
                                rs.getLong("modify_index"),
                                Arrays.asList((String[]) rs.getArray("versions").getArray()),
                                rs.getInt("nodes"),
                                rs.getInt("healthy"),
                                rs.getInt("enabled"),
                                rs.getDouble("protect_threshold"));
                      })
                  .list();
          return new ServiceList(
              index[0], services.stream().filter(java.util.Objects::nonNull).toList());
        });
  }

  /** The index of {@code service}'s last change, {@value #NO_CHANGES_INDEX} if it never changed. */
  long serviceIndex(String service) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT coalesce((SELECT modify_index FROM console.registry_service"
                        + " WHERE name = :service), :none)")
                .bind("service", service)
                .bind("none", NO_CHANGES_INDEX)
                .mapTo(Long.class)
                .one());
  }

  /** The index of the last change to any service. */
  long globalIndex() {
    return jdbi.withHandle(RegistryStore::globalIndex);
  }

  private static long globalIndex(Handle h) {
    return h.createQuery("SELECT value FROM console.registry_index").mapTo(Long.class).one();
  }

  /** Renews a node whose registration is unchanged and healthy; its index, or empty. */
  private static Optional<Long> renew(Handle h, NodeRegistration r) {
    return h.createQuery(
            "UPDATE console.registry_node SET last_heartbeat = now()"
                + " FROM (SELECT set_config('synchronous_commit', 'off', true)) AS soft"
                + " WHERE service = :service AND node_id = :id AND healthy"
                + " AND version = :version AND address = :address"
                + " AND metadata = CAST(:metadata AS jsonb)"
                + " AND endpoints = CAST(:endpoints AS jsonb) AND ttl_seconds = :ttl"
                + " RETURNING modify_index")
        .bind("service", r.service())
        .bind("id", r.nodeId())
        .bind("version", r.version())
        .bind("address", r.address())
        .bind("metadata", r.metadataJson())
        .bind("endpoints", r.endpointsJson())
        .bind("ttl", r.ttlSeconds())
        .mapTo(Long.class)
        .findOne();
  }

  /**
   * Takes the next index for a change already written in this transaction, in one statement: the
   * index row stays locked until commit (so indexes commit in order), the changed {@code services}
   * and nodes get it as their modify index, and one notification per service is queued for commit.
   * Taken last, so the lock is held for this statement and the commit only. After the commit,
   * {@link #committed} hears of each service.
   */
  private long commitChange(
      Handle h, List<String> services, List<String> nodeServices, List<String> nodeIds) {
    long index =
        h.createQuery(
                "WITH idx AS (UPDATE console.registry_index SET value = value + 1 RETURNING value),"
                    + " nodes AS (UPDATE console.registry_node n SET modify_index = idx.value"
                    + " FROM idx, unnest(CAST(:nodeServices AS text[]), CAST(:nodeIds AS text[]))"
                    + " AS k(service, node_id)"
                    + " WHERE n.service = k.service AND n.node_id = k.node_id RETURNING 1),"
                    + " services AS (UPDATE console.registry_service s SET modify_index = idx.value"
                    + " FROM idx WHERE s.name = ANY(CAST(:services AS text[])) RETURNING 1)"
                    + " SELECT idx.value, pg_notify(:channel, idx.value || ':' || name)"
                    + " FROM idx, unnest(CAST(:services AS text[])) AS name")
            .bind("nodeServices", nodeServices.toArray(String[]::new))
            .bind("nodeIds", nodeIds.toArray(String[]::new))
            .bind("services", services.toArray(String[]::new))
            .bind("channel", CHANNEL)
            .mapTo(Long.class)
            .list()
            .get(0);
    h.afterCommit(
        () -> {
          for (String service : services) {
            committed.accept(service, index);
          }
        });
    return index;
  }

  /**
   * Lets this transaction's commit return before its WAL is flushed. Used for node registrations,
   * deregistrations and expiry: soft state that every node re-asserts on its next heartbeat, so a
   * crash can lose at most the last moment of them (and of their audit entries), while commits
   * under the index lock no longer wait for the disk. Operator changes stay fully durable.
   */
  private static void softCommit(Handle h) {
    h.execute("SET LOCAL synchronous_commit = off");
  }

  private static String target(String service, String nodeId) {
    return "registry/" + service + "/" + nodeId;
  }

  private static long nanos(Timestamp timestamp) {
    var instant = timestamp.toInstant();
    return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
  }
}
