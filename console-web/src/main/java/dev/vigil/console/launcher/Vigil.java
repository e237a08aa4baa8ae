package dev.vigil.console.launcher;

import dev.vigil.collector.CollectorConfig;
import dev.vigil.collector.CollectorServer;
import dev.vigil.collector.store.Store;
import dev.vigil.console.ConsoleConfig;
import dev.vigil.console.ConsoleServer;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The entry point of {@code vigil.jar}: {@code server} runs the collector and the console in one
 * JVM, {@code collector} and {@code console} run one each so they can be scaled apart. Flyway
 * migrations run at start (serialised across replicas by the database); a SIGTERM stops the servers
 * gracefully: the console finishes requests in flight and the collector commits what it
 * acknowledged.
 *
 * <p>Thread-safe: {@link #start(LaunchOptions)} returns an independent {@link Running}.
 */
public final class Vigil {
  public static final int EXIT_OK = 0;
  public static final int EXIT_FAILED = 1;
  public static final int EXIT_USAGE = 2;

  /** How often the console-only process retries migrations while the database is unreachable. */
  static final long MIGRATION_RETRY_SECONDS = 2;

  private static final Logger log = LoggerFactory.getLogger(Vigil.class);

  private Vigil() {}

  public static void main(String[] args) {
    int code = launch(List.of(args), System.getenv(), System.out, System.err);
    if (code != EXIT_OK) {
      System.exit(code);
    }
  }

  /**
   * Parses the command line and starts the servers, leaving them running on non-daemon threads with
   * a shutdown hook that stops them. Returns the exit code for a usage error or a failed start,
   * {@link #EXIT_OK} once started or after printing help.
   */
  static int launch(List<String> args, Map<String, String> env, PrintStream out, PrintStream err) {
    if (LaunchOptions.wantsHelp(args)) {
      (args.isEmpty() ? err : out).print(LaunchOptions.usage());
      return args.isEmpty() ? EXIT_USAGE : EXIT_OK;
    }
    LaunchOptions options;
    try {
      options = LaunchOptions.parse(args, env);
    } catch (UsageException e) {
      err.println("vigil: " + e.getMessage());
      err.println();
      err.print(LaunchOptions.usage());
      return EXIT_USAGE;
    }
    Running running;
    try {
      running = start(options);
    } catch (RuntimeException e) {
      log.error("vigil {} failed to start", options.mode().name().toLowerCase(), e);
      err.println("vigil: failed to start: " + e.getMessage());
      return EXIT_FAILED;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(running::close, "vigil-shutdown"));
    return EXIT_OK;
  }

  /** Starts what {@code options} ask for; the caller closes the result. */
  public static Running start(LaunchOptions options) {
    log.info("starting {}", options);
    Running running = new Running();
    try {
      Store store;
      if (options.mode().runsCollector()) {
        running.collector =
            CollectorServer.create(
                    // Settings the launcher has no flags for (retention, writer threads) come
                    // from the collector's own VIGIL_* variables.
                    CollectorConfig.fromEnvironment(System.getenv())
                        .dbUrl(options.dbUrl())
                        .host(options.host())
                        .port(options.otlpPort())
                        .tokens(options.tokens())
                        .build())
                .start();
        store = running.collector.store();
      } else {
        store = Store.builder(options.dbUrl()).open();
        running.ownStore = store;
        running.migrator = migrateUntilDone(store);
      }
      if (options.mode().runsConsole()) {
        ConsoleServer.Builder console =
            ConsoleServer.builder(store)
                .config(
                    ConsoleConfig.builder()
                        .host(options.host())
                        .port(options.httpPort())
                        .tokens(options.tokens())
                        .adminPassword(blankToNull(System.getenv("VIGIL_ADMIN_PASSWORD")))
                        .adminPasswordFile(
                            java.nio.file.Path.of(
                                System.getenv()
                                    .getOrDefault(
                                        "VIGIL_ADMIN_PASSWORD_FILE",
                                        ConsoleConfig.DEFAULT_ADMIN_PASSWORD_FILE.toString())))
                        .build());
        if (running.collector != null) {
          console.metrics(running.collector.metrics().registry());
        }
        running.console = console.start();
      }
      return running;
    } catch (RuntimeException e) {
      running.close();
      throw e;
    }
  }

  /**
   * Applies migrations now or, while the database is unreachable, every few seconds until they
   * succeed; {@code /ready} says not ready meanwhile.
   */
  private static ScheduledExecutorService migrateUntilDone(Store store) {
    ScheduledExecutorService executor =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "vigil-migrate");
              t.setDaemon(true);
              return t;
            });
    Runnable attempt =
        new Runnable() {
          @Override
          public void run() {
            try {
              store.migrate();
              log.info("database migrated");
            } catch (RuntimeException e) {
              log.warn(
                  "database not ready ({}); retrying in {}s",
                  e.toString(),
                  MIGRATION_RETRY_SECONDS);
              executor.schedule(this, MIGRATION_RETRY_SECONDS, TimeUnit.SECONDS);
            }
          }
        };
    executor.execute(attempt);
    return executor;
  }

  /**
   * The servers one launch started. {@link #close()} stops the console first (finishing requests in
   * flight), then the collector (committing what it acknowledged), then the store. Thread-safe.
   */
  public static final class Running implements AutoCloseable {
    private @Nullable CollectorServer collector;
    private @Nullable ConsoleServer console;
    private @Nullable Store ownStore;
    private @Nullable ScheduledExecutorService migrator;
    private boolean closed;

    private Running() {}

    /** The console's port; throws if this launch runs no console. */
    public int httpPort() {
      if (console == null) {
        throw new IllegalStateException("no console in this process");
      }
      return console.port();
    }

    /** The collector's OTLP/HTTP port; throws if this launch runs no collector. */
    public int otlpPort() {
      if (collector == null) {
        throw new IllegalStateException("no collector in this process");
      }
      return collector.port();
    }

    @Override
    public synchronized void close() {
      if (closed) {
        return;
      }
      closed = true;
      log.info("stopping");
      if (console != null) {
        console.close();
      }
      if (collector != null) {
        collector.close();
      }
      if (migrator != null) {
        migrator.shutdownNow();
      }
      if (ownStore != null) {
        ownStore.close();
      }
      log.info("stopped");
    }
  }

  private static @org.jspecify.annotations.Nullable String blankToNull(
      @org.jspecify.annotations.Nullable String value) {
    return value == null || value.isBlank() ? null : value;
  }
}
