package dev.vigil.console.registry;

import static java.util.Objects.requireNonNull;

import dev.vigil.console.audit.Actor;
import dev.vigil.console.audit.AuditLog;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One replica's share of the registry: the {@link RegistryStore} all replicas share through
 * PostgreSQL, this replica's blocking queries ({@link IndexWaiters}), the {@link ChangeListener}
 * that wakes them on every replica's changes, the reaper that expires and removes nodes (safe to
 * run on every replica at once), and the small pool that answers woken queries. Holds no state the
 * other replicas cannot see.
 *
 * <p>Thread-safe. {@link #close()} ends every held query and stops the background work.
 */
public final class RegistryServer implements AutoCloseable {
  /** Threads that read and write the answers of woken blocking queries. */
  static final int RESPONSE_THREADS = 4;

  /** Woken queries waiting for a response thread at most; more are answered with an error. */
  static final int RESPONSE_QUEUE = 100_000;

  private static final Logger log = LoggerFactory.getLogger(RegistryServer.class);

  final RegistryConfig config;
  final RegistryStore store;
  final IndexWaiters waiters;
  final ThreadPoolExecutor responses;
  private final ScheduledExecutorService scheduler;
  private final ChangeListener listener;
  private final Actor reaperActor = Actor.system("registry-reaper");
  private boolean reapFailing; // only touched by the scheduler thread
  private final Counter notifications;
  private final Counter reaped;
  private final Counter reapFailures;

  private RegistryServer(
      Jdbi jdbi,
      DataSource dataSource,
      AuditLog audit,
      RegistryConfig config,
      PrometheusRegistry metrics) {
    this.config = requireNonNull(config, "config");
    this.notifications =
        Counter.builder()
            .name("vigil_console_registry_notifications")
            .help("Registry changes this replica heard of (from any replica).")
            .register(metrics);
    this.reaped =
        Counter.builder()
            .name("vigil_console_registry_reaped_nodes")
            .help("Nodes this replica's reaper marked unhealthy or removed.")
            .register(metrics);
    this.reapFailures =
        Counter.builder()
            .name("vigil_console_registry_reaper_failures")
            .help("Reaper passes that failed (database unavailable).")
            .register(metrics);
    ScheduledThreadPoolExecutor timer =
        new ScheduledThreadPoolExecutor(1, daemon("vigil-registry-timer"));
    timer.setRemoveOnCancelPolicy(true);
    this.scheduler = timer;
    this.waiters = new IndexWaiters(timer, config.maxWatchers());
    // Wakes this replica's own watchers at commit; the other replicas hear the NOTIFY.
    this.store = new RegistryStore(jdbi, audit, waiters::changed);
    this.responses =
        new ThreadPoolExecutor(
            RESPONSE_THREADS,
            RESPONSE_THREADS,
            1,
            TimeUnit.MINUTES,
            new LinkedBlockingQueue<>(RESPONSE_QUEUE),
            daemon("vigil-registry-response"));
    this.listener =
        new ChangeListener(
            dataSource,
            RegistryStore.CHANNEL,
            this::onNotification,
            () ->
                waiters.recheck(
                    key ->
                        key.equals(IndexWaiters.ALL)
                            ? store.globalIndex()
                            : store.serviceIndex(key)));
  }

  /**
   * A registry replica that does nothing in the background until {@link #start()}. Its metrics
   * ({@code vigil_console_registry_*}) go to {@code metrics}.
   */
  public static RegistryServer create(
      Jdbi jdbi,
      DataSource dataSource,
      AuditLog audit,
      RegistryConfig config,
      PrometheusRegistry metrics) {
    RegistryServer server = new RegistryServer(jdbi, dataSource, audit, config, metrics);
    GaugeWithCallback.builder()
        .name("vigil_console_registry_watchers")
        .help("Blocking registry queries held by this replica.")
        .callback(cb -> cb.call(server.waiters.size()))
        .register(metrics);
    GaugeWithCallback.builder()
        .name("vigil_console_registry_listening")
        .help("1 while this replica hears registry changes (LISTEN connection up), else 0.")
        .callback(cb -> cb.call(server.listener.isConnected() ? 1 : 0))
        .register(metrics);
    return server;
  }

  /** Starts listening for changes and reaping; the console schema must be migrated. Once only. */
  public void start() {
    listener.start();
    long intervalMs = config.reapInterval().toMillis();
    scheduler.scheduleWithFixedDelay(this::reap, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
  }

  /** Ends every held blocking query now, answering it with the current state. */
  public void drain() {
    waiters.close();
  }

  /** Whether this replica currently hears other replicas' changes. */
  public boolean isListening() {
    return listener.isConnected();
  }

  /** Blocking queries held by this replica now. */
  public int watchers() {
    return waiters.size();
  }

  private void onNotification(String payload) {
    int colon = payload.indexOf(':');
    if (colon <= 0) {
      log.warn("Ignoring malformed registry notification {}", payload);
      return;
    }
    notifications.inc();
    long index = Long.parseLong(payload.substring(0, colon));
    waiters.changed(payload.substring(colon + 1), index);
  }

  private void reap() {
    try {
      int changed = store.reap(config.removeAfter(), reaperActor);
      reaped.inc(changed);
      if (changed > 0) {
        log.debug("Reaper changed {} nodes", changed);
      }
      if (reapFailing) {
        log.info("Registry reaper works again");
        reapFailing = false;
      }
    } catch (RuntimeException e) {
      reapFailures.inc();
      if (!reapFailing) {
        log.warn("Registry reaper failed ({}); retrying every {}", e, config.reapInterval());
        reapFailing = true;
      }
    }
  }

  @Override
  public void close() {
    listener.close();
    scheduler.shutdownNow();
    waiters.close();
    responses.shutdown();
    try {
      responses.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    AtomicInteger n = new AtomicInteger();
    java.util.concurrent.ThreadFactory base = Executors.defaultThreadFactory();
    return r -> {
      Thread t = base.newThread(r);
      t.setName(name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
