package dev.vigil.collector;

import static java.util.Objects.requireNonNull;

import dev.vigil.collector.ingest.CollectorMetrics;
import dev.vigil.collector.ingest.GroupCommitWriter;
import dev.vigil.collector.ingest.Rollups;
import dev.vigil.collector.model.Signal;
import dev.vigil.collector.otlp.OtlpConverter;
import dev.vigil.collector.otlp.OtlpHttpEndpoint;
import dev.vigil.collector.store.Partitions;
import dev.vigil.collector.store.Store;
import dev.vigil.collector.store.TelemetryWriter;
import io.javalin.Javalin;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The collector process: an OTLP/HTTP server ({@code /v1/traces}, {@code /v1/logs}, {@code
 * /v1/metrics}, plus {@code /health}, {@code /ready} and {@code /metrics}) in front of the group
 * commit writer and the PostgreSQL store, and the maintenance job that creates day partitions ahead
 * of time and drops those past retention.
 *
 * <p>Start and stop from code ({@link #create(CollectorConfig)}, {@link #start()}, {@link
 * #close()}) or from {@link #main(String[])} with configuration from the environment. If the
 * database is down at start the server still starts, answers 503 and {@code /ready} false, and
 * begins ingesting once the database is reachable and migrated.
 *
 * <p>Thread-safe; start and close once.
 */
public final class CollectorServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CollectorServer.class);

  /** How often dropped requests and items are summed up in the log. */
  static final long DROP_LOG_INTERVAL_SECONDS = 60;

  /** How often new span start-time index ranges are summarized. */
  static final int BRIN_INTERVAL_SECONDS = 60;

  /**
   * How much longer than the commit timeout stopping waits for requests in flight: a request is
   * answered within the commit timeout while the database answers (within 1.25 times it when the
   * database stops answering, through the socket timeout), then needs only to write its answer.
   */
  static final Duration STOP_MARGIN = Duration.ofSeconds(5);

  private final CollectorConfig config;
  private final Store store;
  private final Partitions partitions = new Partitions();
  private final CollectorMetrics metrics = new CollectorMetrics();
  private @Nullable GroupCommitWriter writer;
  private @Nullable Javalin app;
  private @Nullable ScheduledExecutorService maintenance;

  private CollectorServer(CollectorConfig config) {
    this.config = requireNonNull(config, "config");
    this.store =
        Store.builder(config.dbUrl()).poolSize(config.poolSize() + config.writerThreads()).open();
  }

  public static CollectorServer create(CollectorConfig config) {
    return new CollectorServer(config);
  }

  /**
   * Migrates the database (if reachable), starts the writer, the maintenance job and the server.
   */
  public synchronized CollectorServer start() {
    if (app != null) {
      throw new IllegalStateException("already started");
    }
    try {
      store.migrate();
    } catch (RuntimeException e) {
      log.warn("database not ready at start ({}); will keep trying", e.toString());
    }
    GroupCommitWriter groupCommit =
        new GroupCommitWriter(
            store,
            new TelemetryWriter(store.jdbi(), partitions),
            new Rollups(
                Rollups.DEFAULT_CAPACITY,
                Rollups.DEFAULT_ADDRESS_EDGE_DELAY_NANOS,
                System::nanoTime),
            metrics,
            config.maxQueueItems(),
            config.maxQueueBytes(),
            config.maxBatchItems(),
            config.writerThreads(),
            config.commitTimeout(),
            config.probeInterval().toMillis());
    this.writer = groupCommit;
    OtlpConverter converter =
        new OtlpConverter(
            config.limits(),
            CollectorServer::nowNanos,
            config.traceRetentionDays(),
            config.logRetentionDays(),
            config.metricRetentionDays());

    ScheduledExecutorService scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "vigil-collector-maintenance");
              t.setDaemon(true);
              return t;
            });
    scheduler.scheduleWithFixedDelay(
        this::maintain, 0, config.maintenanceInterval().toSeconds(), TimeUnit.SECONDS);
    scheduler.scheduleWithFixedDelay(
        this::summarize, BRIN_INTERVAL_SECONDS, BRIN_INTERVAL_SECONDS, TimeUnit.SECONDS);
    scheduler.scheduleAtFixedRate(
        () -> metrics.logDrops(log),
        DROP_LOG_INTERVAL_SECONDS,
        DROP_LOG_INTERVAL_SECONDS,
        TimeUnit.SECONDS);
    this.maintenance = scheduler;

    Javalin javalin =
        Javalin.create(
            c -> {
              c.showJavalinBanner = false;
              c.startupWatcherEnabled = false;
              // Stopping stops accepting, then lets requests in flight get their answer (most wait
              // for a commit) instead of cutting them.
              long stopMillis = config.commitTimeout().plus(STOP_MARGIN).toMillis();
              c.jetty.modifyServer(server -> server.setStopTimeout(stopMillis));
            });
    for (Signal signal : Signal.values()) {
      javalin.post(
          signal.path(),
          new OtlpHttpEndpoint(
              signal,
              converter,
              groupCommit,
              metrics,
              config.tokens(),
              config.maxBodyBytes(),
              config.retryAfterSeconds()));
    }
    javalin.get("/health", ctx -> ctx.result("ok"));
    javalin.get(
        "/ready",
        ctx -> {
          boolean ready = store.isMigrated() && groupCommit.isHealthy() && store.isReachable();
          ctx.status(ready ? 200 : 503).result(ready ? "ready" : "not ready");
        });
    javalin.get(
        "/metrics", ctx -> ctx.contentType(CollectorMetrics.CONTENT_TYPE).result(metrics.scrape()));
    javalin.start(config.host(), config.port());
    this.app = javalin;
    log.info("collector listening on {}:{} ({})", config.host(), port(), config);
    return this;
  }

  /** Creates partitions ahead and drops expired ones; runs on start and every interval. */
  void maintain() {
    try {
      if (!store.isMigrated()) {
        return;
      }
      Instant now = Instant.now();
      partitions.ensureAhead(store.jdbi(), now, config.partitionsAheadDays());
      int dropped =
          partitions.dropExpired(
                  store.jdbi(), Partitions.TRACE_TABLES, now, config.traceRetentionDays())
              + partitions.dropExpired(
                  store.jdbi(), Partitions.LOG_TABLES, now, config.logRetentionDays())
              + partitions.dropExpired(
                  store.jdbi(), Partitions.METRIC_TABLES, now, config.metricRetentionDays());
      if (dropped > 0) {
        log.info("retention dropped {} day partitions", dropped);
      }
    } catch (RuntimeException e) {
      log.warn("partition maintenance failed, will retry: {}", e.toString());
    }
  }

  /** Catches up on span start-time index ranges autovacuum has not summarized yet. */
  void summarize() {
    try {
      if (store.isMigrated()) {
        partitions.summarizeStartTimes(store.jdbi());
      }
    } catch (RuntimeException e) {
      log.debug("span index summarization failed, will retry: {}", e.toString());
    }
  }

  /** The port the OTLP/HTTP server listens on (the chosen one when configured with 0). */
  public int port() {
    Javalin javalin = app;
    if (javalin == null) {
      throw new IllegalStateException("not started");
    }
    return javalin.port();
  }

  public CollectorConfig config() {
    return config;
  }

  /** The store, for the read-side repositories in the same process. */
  public Store store() {
    return store;
  }

  public CollectorMetrics metrics() {
    return metrics;
  }

  /**
   * Stops accepting requests, answers those in flight once their data is committed (or their commit
   * timeout passes), writes what is still queued and releases the database. Idempotent.
   */
  @Override
  public synchronized void close() {
    if (app != null) {
      app.stop();
      app = null;
    }
    if (maintenance != null) {
      maintenance.shutdownNow();
      maintenance = null;
    }
    if (writer != null) {
      writer.close();
      writer = null;
    }
    store.close();
  }

  static long nowNanos() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }

  /** Runs a collector configured from {@code VIGIL_*} environment variables until killed. */
  public static void main(String[] args) {
    CollectorServer server =
        create(CollectorConfig.fromEnvironment(System.getenv()).build()).start();
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "vigil-collector-shutdown"));
  }
}
