package dev.vigil.framework.registry;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A registry in front of another one that keeps answering lookups when the backing registry does
 * not. Each looked-up service is cached in memory and kept fresh by a watch on the backing
 * registry, so reads mostly hit memory; a cache entry older than {@link Builder#ttl} is read again
 * from the backing registry. When that read fails, the last known nodes (and the last service list)
 * are served instead, counted in {@link #staleReads()}, and the backing registry is not asked about
 * that service again for {@link Builder#retryInterval}. An outage is logged once when it starts and
 * once when it ends, never per call. A lookup with nothing cached propagates the failure.
 *
 * <p>{@code register}, {@code deregister} and {@code watch} pass through; their failures reach the
 * caller, who retries on its next heartbeat. This class owns the backing registry: {@link #close()}
 * closes it.
 *
 * <p>Thread-safe: each cache entry is guarded by its own lock, never held while calling the backing
 * registry.
 */
public final class CachingRegistry implements Registry {
  public static final Duration DEFAULT_TTL = Duration.ofSeconds(30);
  public static final Duration DEFAULT_RETRY_INTERVAL = Duration.ofSeconds(1);

  private static final Logger log = LoggerFactory.getLogger(CachingRegistry.class);
  private static final String LIST = "";

  private final Registry backing;
  private final Duration ttl;
  private final Duration retryInterval;
  private final Clock clock;
  private final Map<String, Entry> services = new ConcurrentHashMap<>();
  private final Entry list = new Entry(LIST);
  private final AtomicLong staleReads = new AtomicLong();
  private boolean outage; // guarded by this
  private long staleReadsAtOutageStart; // guarded by this
  private volatile boolean closed;

  private CachingRegistry(Builder b) {
    this.backing = b.backing;
    this.ttl = b.ttl;
    this.retryInterval = b.retryInterval;
    this.clock = b.clock;
  }

  /** A cache over {@code backing} with the default TTL and retry interval. */
  public static CachingRegistry wrap(Registry backing) {
    return builder(backing).build();
  }

  public static Builder builder(Registry backing) {
    return new Builder(backing);
  }

  @Override
  public String name() {
    return "cache";
  }

  /** How many lookups were answered from the cache because the backing registry failed. */
  public long staleReads() {
    return staleReads.get();
  }

  @Override
  public void register(Service service, Duration ttl) {
    backing.register(service, ttl);
  }

  @Override
  public void deregister(Service service) {
    backing.deregister(service);
  }

  @Override
  public List<Service> getService(String name) {
    Objects.requireNonNull(name, "name");
    Entry entry = services.computeIfAbsent(name, Entry::new);
    return read(entry, () -> backing.getService(name));
  }

  @Override
  public List<Service> listServices() {
    return read(list, backing::listServices);
  }

  @Override
  public Watch watch(@Nullable String service, Consumer<Event> listener) {
    return backing.watch(service, listener);
  }

  @Override
  public void close() {
    closed = true;
    for (Entry entry : services.values()) {
      Watch w;
      synchronized (entry) {
        w = entry.watch;
        entry.watch = null;
      }
      if (w != null) {
        w.close();
      }
    }
    services.clear();
    backing.close();
  }

  private List<Service> read(Entry entry, Lookup lookup) {
    Instant now = clock.instant();
    long generation;
    synchronized (entry) {
      if (entry.versions != null) {
        if (entry.freshUntil.isAfter(now)) {
          return entry.versions;
        }
        if (entry.nextAttempt.isAfter(now)) {
          staleReads.incrementAndGet();
          return entry.versions;
        }
      }
      generation = entry.generation;
    }
    if (entry != list) {
      // Before the lookup, so no change between the lookup and the watch goes unseen.
      ensureWatch(entry);
    }
    List<Service> fresh;
    try {
      fresh = List.copyOf(lookup.get());
    } catch (RuntimeException e) {
      outageStarted(entry, e);
      List<Service> stale;
      synchronized (entry) {
        entry.nextAttempt = now.plus(retryInterval);
        stale = entry.versions;
        if (stale != null) {
          staleReads.incrementAndGet();
        }
      }
      if (stale == null) {
        throw e;
      }
      return stale;
    }
    outageEnded();
    synchronized (entry) {
      entry.versions = fresh;
      entry.nextAttempt = Instant.MIN;
      // An event that arrived during the lookup may be newer or older than its answer: keep the
      // answer but look again on the next read.
      entry.freshUntil = entry.generation == generation ? now.plus(ttl) : Instant.MIN;
      return fresh;
    }
  }

  private void ensureWatch(Entry entry) {
    synchronized (entry) {
      if (entry.watch != null || closed) {
        return;
      }
    }
    Watch opened;
    try {
      opened = backing.watch(entry.name, e -> apply(entry, e));
    } catch (RuntimeException e) {
      log.debug("registry {}: cannot watch {} yet", backing.name(), entry.name, e);
      return; // retried on the next lookup
    }
    boolean keep;
    synchronized (entry) {
      keep = entry.watch == null && !closed;
      if (keep) {
        entry.watch = opened;
      }
    }
    if (!keep) {
      opened.close();
    }
  }

  private static void apply(Entry entry, Event event) {
    synchronized (entry) {
      entry.generation++;
      if (entry.versions != null) {
        entry.versions = event.applyTo(entry.versions);
      }
    }
  }

  private synchronized void outageStarted(Entry entry, RuntimeException e) {
    if (outage) {
      return;
    }
    outage = true;
    staleReadsAtOutageStart = staleReads.get();
    log.warn(
        "registry {} failed to look up {}; serving the last known nodes until it answers again",
        backing.name(),
        entry == list ? "the service list" : entry.name,
        e);
  }

  private synchronized void outageEnded() {
    if (!outage) {
      return;
    }
    outage = false;
    log.info(
        "registry {} answers again; {} lookup(s) were served from the cache meanwhile",
        backing.name(),
        staleReads.get() - staleReadsAtOutageStart);
  }

  @FunctionalInterface
  private interface Lookup {
    List<Service> get();
  }

  /** One service (or the service list); fields guarded by the entry itself. */
  private static final class Entry {
    final String name;
    @Nullable List<Service> versions;
    Instant freshUntil = Instant.MIN;
    Instant nextAttempt = Instant.MIN;
    long generation;
    @Nullable Watch watch;

    Entry(String name) {
      this.name = name;
    }
  }

  /** Configuration of a {@link CachingRegistry}; validated by {@link #build()}. */
  public static final class Builder {
    private final Registry backing;
    private Duration ttl = DEFAULT_TTL;
    private Duration retryInterval = DEFAULT_RETRY_INTERVAL;
    private Clock clock = Clock.systemUTC();

    private Builder(Registry backing) {
      this.backing = Objects.requireNonNull(backing, "backing");
    }

    /**
     * How long a cached lookup is served without asking the backing registry; watch events keep it
     * current meanwhile. {@link Duration#ZERO} asks on every read and only falls back on failure.
     */
    public Builder ttl(Duration ttl) {
      this.ttl = Objects.requireNonNull(ttl, "ttl");
      return this;
    }

    /**
     * After a failed lookup, how long the stale copy is served before the backing is tried again.
     */
    public Builder retryInterval(Duration retryInterval) {
      this.retryInterval = Objects.requireNonNull(retryInterval, "retryInterval");
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    public CachingRegistry build() {
      if (ttl.isNegative()) {
        throw new IllegalArgumentException("ttl: " + ttl + " (expected: >= 0)");
      }
      if (retryInterval.isNegative()) {
        throw new IllegalArgumentException("retryInterval: " + retryInterval + " (expected: >= 0)");
      }
      if (backing instanceof CachingRegistry) {
        throw new IllegalArgumentException(
            "backing: cache (expected: a registry other than cache)");
      }
      return new CachingRegistry(this);
    }
  }
}
