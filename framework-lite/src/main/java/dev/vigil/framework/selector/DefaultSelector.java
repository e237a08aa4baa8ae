package dev.vigil.framework.selector;

import dev.vigil.framework.errors.FrameworkException;
import dev.vigil.framework.registry.Event;
import dev.vigil.framework.registry.Node;
import dev.vigil.framework.registry.Registry;
import dev.vigil.framework.registry.Service;
import dev.vigil.framework.registry.Watch;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The selector of framework-lite (name {@code default}). It owns, per service, a cache of the
 * registry's nodes and the failure marks of those nodes.
 *
 * <p>The first select of a service opens a registry watch and looks the service up once; watch
 * events then update the cache, so selecting never asks the registry per call. The service is
 * looked up again only while its cache is empty or its watch could not be opened. When such a
 * lookup fails, the cached nodes stay in use.
 *
 * <p>A node marked failed is skipped for a back-off that doubles with each consecutive failure,
 * from {@link Builder#backoffBase} up to {@link Builder#backoffMax}. When the back-off ends the
 * node is admitted again for a single probe call: a success readmits it fully, another failure
 * backs it off for longer, and with no report at all it gets its next probe one back-off later. If
 * every matching node is backed off, the one whose back-off ends first is returned anyway, since
 * trying a node beats refusing the call.
 *
 * <p>This selector does not own the registry and does not close it. Thread-safe: the cache of a
 * service is guarded by its own lock, never held while calling the registry.
 */
public final class DefaultSelector implements Selector {
  public static final Duration DEFAULT_BACKOFF_BASE = Duration.ofSeconds(1);
  public static final Duration DEFAULT_BACKOFF_MAX = Duration.ofSeconds(30);

  private static final Logger log = LoggerFactory.getLogger(DefaultSelector.class);
  private static final String ERROR_ID = "selector";

  private final Registry registry;
  private final Strategy strategy;
  private final Duration backoffBase;
  private final Duration backoffMax;
  private final Clock clock;
  private final Map<String, Cache> caches = new ConcurrentHashMap<>();

  /** service -> node id -> failure. */
  private final Map<String, Map<String, Failure>> failures = new ConcurrentHashMap<>();

  private volatile boolean closed;

  private DefaultSelector(Builder b) {
    this.registry = b.registry;
    this.strategy = b.strategy;
    this.backoffBase = b.backoffBase;
    this.backoffMax = b.backoffMax;
    this.clock = b.clock;
  }

  public static Builder builder(Registry registry) {
    return new Builder(registry);
  }

  @Override
  public String name() {
    return "default";
  }

  @Override
  public Node select(String service, SelectOptions options) {
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(options, "options");
    if (closed) {
      throw new IllegalStateException("selector is closed");
    }
    Cache cache = caches.computeIfAbsent(service, Cache::new);
    View view = view(cache);
    if (view.versions.isEmpty()) {
      throw unknown(service, view.error);
    }

    List<Node> matching = new ArrayList<>();
    int known = 0;
    for (Service version : view.versions) {
      for (Node node : version.nodes()) {
        known++;
        if (passes(options.filters(), version, node)) {
          matching.add(node);
        }
      }
    }
    if (matching.isEmpty()) {
      throw noMatch(service, options.filters(), known);
    }

    Strategy chosen = options.strategy() != null ? options.strategy() : strategy;
    Map<String, Failure> marks = failures.get(service);
    if (marks == null || marks.isEmpty()) {
      return chosen.pick(service, matching);
    }
    Instant now = clock.instant();
    List<Node> admitted = new ArrayList<>(matching.size());
    Node soonest = matching.get(0);
    Instant soonestEnd = Instant.MAX;
    for (Node node : matching) {
      Failure f = marks.get(node.id());
      if (f == null || !f.until.isAfter(now)) {
        admitted.add(node);
      } else if (f.until.isBefore(soonestEnd)) {
        soonest = node;
        soonestEnd = f.until;
      }
    }
    if (admitted.isEmpty()) {
      log.debug(
          "every matching node of {} is backed off; trying {} whose back-off ends first",
          service,
          soonest.id());
      return soonest;
    }
    while (true) {
      Node node = chosen.pick(service, admitted);
      Failure f = marks.get(node.id());
      if (f == null) {
        return node;
      }
      // A failed node whose back-off ended gets one probe call per back-off window until a mark
      // reports how it went; the window also re-admits it should the caller never report.
      Failure probing = new Failure(f.consecutive, now.plus(backoff(f.consecutive)));
      if (marks.replace(node.id(), f, probing) || admitted.size() == 1) {
        log.debug("probing node {} of {} after {} failure(s)", node.id(), service, f.consecutive);
        return node;
      }
      admitted.remove(node); // another call took the probe
    }
  }

  @Override
  public void mark(String service, Node node, @Nullable Throwable error) {
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(node, "node");
    if (error == null) {
      Map<String, Failure> marks = failures.get(service);
      if (marks != null && marks.remove(node.id()) != null) {
        log.debug("node {} of {} answered again; readmitted", node.id(), service);
      }
      return;
    }
    Instant now = clock.instant();
    Failure f =
        failures
            .computeIfAbsent(service, s -> new ConcurrentHashMap<>())
            .compute(
                node.id(),
                (id, previous) -> {
                  int consecutive = previous == null ? 1 : previous.consecutive + 1;
                  return new Failure(consecutive, now.plus(backoff(consecutive)));
                });
    log.debug(
        "node {} of {} failed {} time(s) in a row ({}); skipped until {}",
        node.id(),
        service,
        f.consecutive,
        error.toString(),
        f.until);
  }

  @Override
  public void reset(String service) {
    Cache cache = caches.remove(service);
    if (cache != null) {
      cache.close();
    }
    failures.remove(service);
  }

  @Override
  public void close() {
    closed = true;
    for (Cache cache : caches.values()) {
      cache.close();
    }
    caches.clear();
    failures.clear();
  }

  /** Back-off after {@code consecutive} failures: base, 2 x base, 4 x base ... up to max. */
  Duration backoff(int consecutive) {
    Duration d = backoffBase;
    for (int i = 1; i < consecutive && d.compareTo(backoffMax) < 0; i++) {
      d = d.multipliedBy(2);
    }
    return d.compareTo(backoffMax) > 0 ? backoffMax : d;
  }

  private static boolean passes(List<NodeFilter> filters, Service service, Node node) {
    for (NodeFilter f : filters) {
      if (!f.test(service, node)) {
        return false;
      }
    }
    return true;
  }

  private FrameworkException unknown(String service, @Nullable RuntimeException registryError) {
    if (registryError != null) {
      return new FrameworkException(
          ERROR_ID,
          FrameworkException.UNAVAILABLE,
          "no node of service \""
              + service
              + "\": registry "
              + registry.name()
              + " failed and none is cached ("
              + describe(registryError)
              + ")",
          registryError);
    }
    return FrameworkException.unavailable(
        ERROR_ID,
        "no node of service \""
            + service
            + "\": the service is unknown to registry "
            + registry.name());
  }

  private static String describe(RuntimeException e) {
    if (e instanceof FrameworkException) {
      return ((FrameworkException) e).detail();
    }
    return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
  }

  private static FrameworkException noMatch(String service, List<NodeFilter> filters, int known) {
    String applied = filters.stream().map(NodeFilter::describe).collect(Collectors.joining(", "));
    return FrameworkException.unavailable(
        ERROR_ID,
        "no node of service \""
            + service
            + "\" matches "
            + (applied.isEmpty() ? "(no filters)" : applied)
            + " ("
            + known
            + (known == 1 ? " node" : " nodes")
            + " known)");
  }

  /** The cached versions of a service, looking the service up when the cache cannot be trusted. */
  private View view(Cache cache) {
    synchronized (cache) {
      if (cache.current()) {
        return new View(cache.versions, null);
      }
    }
    synchronized (cache.loading) {
      synchronized (cache) {
        if (cache.current()) {
          return new View(cache.versions, null); // another thread just loaded it
        }
        // Events that arrive while the lookup runs are applied on top of its answer.
        cache.buffered = new ArrayList<>();
      }
      if (!cache.watched()) {
        openWatch(cache);
      }
      List<Service> found;
      try {
        found = registry.getService(cache.service);
      } catch (RuntimeException e) {
        synchronized (cache) {
          cache.flushBuffered();
          if (!cache.failing) {
            cache.failing = true;
            log.warn(
                "registry {} failed to look up {}; keeping {} cached version(s)",
                registry.name(),
                cache.service,
                cache.versions.size(),
                e);
          }
          return new View(cache.versions, e);
        }
      }
      synchronized (cache) {
        List<Service> versions = List.copyOf(found);
        for (Event event : cache.buffered) {
          versions = event.applyTo(versions);
        }
        cache.buffered = null;
        cache.replace(versions, failures);
        cache.loaded = true;
        if (cache.failing) {
          cache.failing = false;
          log.info("registry {} answers lookups of {} again", registry.name(), cache.service);
        }
        return new View(cache.versions, null);
      }
    }
  }

  private void openWatch(Cache cache) {
    Watch watch;
    try {
      watch = registry.watch(cache.service, event -> cache.apply(event, failures));
    } catch (RuntimeException e) {
      log.debug("registry {}: cannot watch {} yet", registry.name(), cache.service, e);
      return; // looked up again on the next select
    }
    boolean keep;
    synchronized (cache) {
      keep = !cache.closed;
      if (keep) {
        cache.watch = watch;
      }
    }
    if (!keep) {
      watch.close(); // reset or closed while the watch was opening
    }
  }

  private record View(List<Service> versions, @Nullable RuntimeException error) {}

  private record Failure(int consecutive, Instant until) {}

  /** The nodes of one service; fields guarded by the cache itself. */
  private static final class Cache {
    final String service;

    /** Serializes lookups of this service; taken before the cache's own lock. */
    final Object loading = new Object();

    List<Service> versions = List.of();
    boolean loaded;
    boolean failing;
    boolean closed;
    @Nullable Watch watch;
    @Nullable List<Event> buffered;

    Cache(String service) {
      this.service = service;
    }

    boolean watched() {
      synchronized (this) {
        return watch != null;
      }
    }

    /** True when events keep the cache current and it has nodes to offer. */
    boolean current() {
      return loaded && watch != null && !versions.isEmpty();
    }

    synchronized void apply(Event event, Map<String, Map<String, Failure>> failures) {
      if (closed) {
        return;
      }
      if (buffered != null) {
        buffered.add(event);
      } else {
        replace(event.applyTo(versions), failures);
      }
    }

    void flushBuffered() {
      if (buffered != null) {
        List<Service> v = versions;
        for (Event event : buffered) {
          v = event.applyTo(v);
        }
        versions = v;
        buffered = null;
      }
    }

    /** Swaps in new versions and forgets failure marks of nodes that left the registry. */
    void replace(List<Service> newVersions, Map<String, Map<String, Failure>> failures) {
      versions = newVersions;
      Map<String, Failure> marks = failures.get(service);
      if (marks != null && !marks.isEmpty()) {
        Set<String> ids = new HashSet<>();
        newVersions.forEach(s -> s.nodes().forEach(n -> ids.add(n.id())));
        marks.keySet().retainAll(ids);
      }
    }

    void close() {
      Watch w;
      synchronized (this) {
        closed = true;
        w = watch;
        watch = null;
      }
      if (w != null) {
        w.close();
      }
    }
  }

  /** Configuration of a {@link DefaultSelector}; validated by {@link #build()}. */
  public static final class Builder {
    private final Registry registry;
    private Strategy strategy = Strategies.roundRobin();
    private Duration backoffBase = DEFAULT_BACKOFF_BASE;
    private Duration backoffMax = DEFAULT_BACKOFF_MAX;
    private Clock clock = Clock.systemUTC();

    private Builder(Registry registry) {
      this.registry = Objects.requireNonNull(registry, "registry");
    }

    /** Used when a call's options name no strategy; round-robin by default. */
    public Builder strategy(Strategy strategy) {
      this.strategy = Objects.requireNonNull(strategy, "strategy");
      return this;
    }

    /** How long a node is skipped after its first consecutive failure; 1 s by default. */
    public Builder backoffBase(Duration backoffBase) {
      this.backoffBase = Objects.requireNonNull(backoffBase, "backoffBase");
      return this;
    }

    /** The longest a failing node is skipped; 30 s by default. */
    public Builder backoffMax(Duration backoffMax) {
      this.backoffMax = Objects.requireNonNull(backoffMax, "backoffMax");
      return this;
    }

    /** Time source of back-offs; for tests. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    public DefaultSelector build() {
      if (backoffBase.isNegative() || backoffBase.isZero()) {
        throw new IllegalArgumentException("backoffBase: " + backoffBase + " (expected: > 0)");
      }
      if (backoffMax.compareTo(backoffBase) < 0) {
        throw new IllegalArgumentException(
            "backoffMax: " + backoffMax + " (expected: >= backoffBase " + backoffBase + ")");
      }
      return new DefaultSelector(this);
    }
  }
}
