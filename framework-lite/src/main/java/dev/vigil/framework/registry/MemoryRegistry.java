package dev.vigil.framework.registry;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An in-process registry: the default for a single JVM and the fake every test uses. Nodes
 * registered with a TTL expire unless renewed; expiry is checked every {@link #SWEEP_INTERVAL} and
 * on every read, so a lookup never returns a node whose TTL has passed. Registering a node again
 * with the same content (a heartbeat) only renews its TTL and produces no event. Watch events are
 * delivered in the order the changes happened, on one daemon thread owned by the registry.
 *
 * <p>Thread-safe: state is guarded by {@code this}; events are queued while it is held so that
 * concurrent changes cannot reach watchers out of order.
 */
public final class MemoryRegistry implements Registry {
  static final Duration SWEEP_INTERVAL = Duration.ofMillis(250);
  private static final Logger log = LoggerFactory.getLogger(MemoryRegistry.class);

  /** service name -> version -> record. */
  private final Map<String, Map<String, Entry>> services = new LinkedHashMap<>();

  private final List<Watcher> watchers = new CopyOnWriteArrayList<>();
  private final ScheduledExecutorService worker;
  private final Clock clock;
  private boolean closed;

  public MemoryRegistry() {
    this(Clock.systemUTC(), SWEEP_INTERVAL);
  }

  MemoryRegistry(Clock clock, Duration sweepInterval) {
    this.clock = Objects.requireNonNull(clock, "clock");
    if (sweepInterval.isNegative() || sweepInterval.isZero()) {
      throw new IllegalArgumentException("sweepInterval: " + sweepInterval + " (expected: > 0)");
    }
    this.worker =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "vigil-memory-registry");
              t.setDaemon(true);
              return t;
            });
    long sweep = sweepInterval.toMillis();
    worker.scheduleWithFixedDelay(this::expire, sweep, sweep, TimeUnit.MILLISECONDS);
  }

  @Override
  public String name() {
    return "memory";
  }

  @Override
  public void register(Service service, Duration ttl) {
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(ttl, "ttl");
    if (ttl.isNegative()) {
      throw new IllegalArgumentException("ttl: " + ttl + " (expected: >= 0)");
    }
    if (service.nodes().isEmpty()) {
      throw new IllegalArgumentException(
          "nodes of " + service.name() + " " + service.version() + ": [] (expected: >= 1 node)");
    }
    synchronized (this) {
      checkOpen();
      Instant now = clock.instant();
      // A heartbeat that arrives after the TTL passed re-creates the node rather than reviving it,
      // so watchers see the same history whether or not the sweep ran in between.
      expireLocked(now);
      Instant expires = ttl.isZero() ? null : now.plus(ttl);
      Map<String, Entry> versions =
          services.computeIfAbsent(service.name(), k -> new LinkedHashMap<>());
      Entry entry = versions.get(service.version());
      boolean created = entry == null;
      boolean changed = created;
      if (created) {
        entry = new Entry(service);
        versions.put(service.version(), entry);
      } else if (!entry.service.metadata().equals(service.metadata())
          || !entry.service.endpoints().equals(service.endpoints())) {
        entry.service = service.withNodes(List.of());
        changed = true;
      }
      for (Node node : service.nodes()) {
        NodeEntry previous = entry.nodes.put(node.id(), new NodeEntry(node, expires));
        if (previous == null || !previous.node.equals(node)) {
          changed = true;
        }
      }
      if (changed) {
        publish(new Event(created ? Event.Type.CREATE : Event.Type.UPDATE, entry.snapshot(), now));
      }
    }
  }

  @Override
  public synchronized void deregister(Service service) {
    Objects.requireNonNull(service, "service");
    Instant now = clock.instant();
    expireLocked(now);
    Map<String, Entry> versions = services.get(service.name());
    Entry entry = versions == null ? null : versions.get(service.version());
    if (entry == null) {
      return;
    }
    List<Node> removed = new ArrayList<>();
    for (Node node : service.nodes()) {
      NodeEntry gone = entry.nodes.remove(node.id());
      if (gone != null) {
        removed.add(gone.node);
      }
    }
    if (!removed.isEmpty()) {
      publish(removal(versions, entry, removed, now));
    }
  }

  @Override
  public synchronized List<Service> getService(String name) {
    expireLocked(clock.instant());
    Map<String, Entry> versions = services.get(name);
    if (versions == null) {
      return List.of();
    }
    List<Service> result = new ArrayList<>(versions.size());
    for (Entry e : versions.values()) {
      result.add(e.snapshot());
    }
    return List.copyOf(result);
  }

  @Override
  public synchronized List<Service> listServices() {
    expireLocked(clock.instant());
    List<Service> result = new ArrayList<>();
    services.values().forEach(v -> v.values().forEach(e -> result.add(e.snapshot())));
    result.sort(Comparator.comparing(Service::name).thenComparing(Service::version));
    return List.copyOf(result);
  }

  @Override
  public synchronized Watch watch(@Nullable String service, Consumer<Event> listener) {
    checkOpen();
    Watcher w = new Watcher(service, Objects.requireNonNull(listener, "listener"));
    watchers.add(w);
    return () -> {
      w.open = false;
      watchers.remove(w);
    };
  }

  @Override
  public void close() {
    synchronized (this) {
      closed = true;
    }
    watchers.forEach(w -> w.open = false);
    watchers.clear();
    worker.shutdownNow();
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("registry is closed");
    }
  }

  /** The periodic sweep; package-private so tests with a fixed clock can run it on demand. */
  synchronized void expire() {
    expireLocked(clock.instant());
  }

  private void expireLocked(Instant now) {
    if (services.isEmpty()) {
      return;
    }
    for (Map<String, Entry> versions : List.copyOf(services.values())) {
      for (Entry entry : List.copyOf(versions.values())) {
        List<Node> expired = new ArrayList<>();
        entry
            .nodes
            .values()
            .removeIf(
                n -> {
                  boolean gone = n.expires != null && !n.expires.isAfter(now);
                  if (gone) {
                    expired.add(n.node);
                  }
                  return gone;
                });
        if (!expired.isEmpty()) {
          log.info(
              "registry: {} node(s) of {} {} expired: {}",
              expired.size(),
              entry.service.name(),
              entry.service.version(),
              expired.stream().map(Node::id).toList());
          publish(removal(versions, entry, expired, now));
        }
      }
    }
  }

  /** Called with the lock held, after nodes were removed from {@code entry}. */
  private Event removal(Map<String, Entry> versions, Entry entry, List<Node> removed, Instant now) {
    if (entry.nodes.isEmpty()) {
      versions.remove(entry.service.version());
      if (versions.isEmpty()) {
        services.remove(entry.service.name());
      }
      return new Event(Event.Type.DELETE, entry.service.withNodes(removed), now);
    }
    return new Event(Event.Type.UPDATE, entry.snapshot(), now);
  }

  /** Called with the lock held: queueing in change order is what keeps delivery in order. */
  private void publish(Event event) {
    for (Watcher w : watchers) {
      if (w.service == null || w.service.equals(event.service().name())) {
        try {
          worker.execute(() -> w.deliver(event));
        } catch (RejectedExecutionException closedAlready) {
          return;
        }
      }
    }
  }

  private static final class Entry {
    Service service;
    final Map<String, NodeEntry> nodes = new LinkedHashMap<>();

    Entry(Service service) {
      this.service = service.withNodes(List.of());
    }

    Service snapshot() {
      List<Node> list = new ArrayList<>(nodes.size());
      nodes.values().forEach(n -> list.add(n.node));
      return service.withNodes(list);
    }
  }

  private record NodeEntry(Node node, @Nullable Instant expires) {}

  /** Compared by identity: two watches with the same listener are still two watches. */
  private static final class Watcher {
    final @Nullable String service;
    final Consumer<Event> listener;
    volatile boolean open = true;

    Watcher(@Nullable String service, Consumer<Event> listener) {
      this.service = service;
      this.listener = listener;
    }

    void deliver(Event event) {
      if (!open) {
        return; // closed after the event was queued
      }
      try {
        listener.accept(event);
      } catch (RuntimeException e) {
        log.warn("registry watcher failed on {} of {}", event.type(), event.service().name(), e);
      }
    }
  }
}
