package dev.vigil.console.registry;

import static java.util.Objects.requireNonNull;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds one connection per replica that {@code LISTEN}s on a PostgreSQL channel and hands each
 * notification's payload to a consumer, on its own thread. When the connection fails it reconnects
 * with back-off; after every (re)connect, once {@code LISTEN} is in effect, it runs {@code
 * onConnected} so the caller re-reads whatever it may have missed while away. The connection is
 * checked every {@link #KEEPALIVE} so a silently dead one is noticed. An outage is logged once when
 * it starts and once when it ends.
 *
 * <p>Thread-safe: {@link #close()} may be called from any thread.
 */
final class ChangeListener implements AutoCloseable {
  static final Duration POLL = Duration.ofMillis(500);
  static final Duration KEEPALIVE = Duration.ofSeconds(10);
  static final Duration MIN_BACKOFF = Duration.ofMillis(100);
  static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

  /** The {@code application_name} of listening connections, to find them in pg_stat_activity. */
  static final String APPLICATION_NAME = "vigil-console-listener";

  private static final Logger log = LoggerFactory.getLogger(ChangeListener.class);

  private final DataSource dataSource;
  private final String channel;
  private final Consumer<String> onNotification;
  private final Runnable onConnected;
  private final Thread thread;
  private volatile boolean closed;
  private volatile boolean connected;

  ChangeListener(
      DataSource dataSource,
      String channel,
      Consumer<String> onNotification,
      Runnable onConnected) {
    this.dataSource = requireNonNull(dataSource, "dataSource");
    this.channel = requireNonNull(channel, "channel");
    this.onNotification = requireNonNull(onNotification, "onNotification");
    this.onConnected = requireNonNull(onConnected, "onConnected");
    this.thread = new Thread(this::run, "vigil-listen-" + channel);
    this.thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  /** Whether {@code LISTEN} is in effect now. */
  boolean isConnected() {
    return connected;
  }

  private void run() {
    long backoffMs = MIN_BACKOFF.toMillis();
    boolean outage = false;
    while (!closed) {
      try (Connection c = dataSource.getConnection()) {
        try {
          listen(c);
          if (outage) {
            log.info("Listening on {} again", channel);
            outage = false;
          }
          backoffMs = MIN_BACKOFF.toMillis();
          receive(c);
        } finally {
          connected = false;
          release(c);
        }
      } catch (SQLException | RuntimeException e) {
        connected = false;
        if (closed) {
          break;
        }
        if (!outage) {
          log.warn("Lost LISTEN {} ({}); reconnecting", channel, e.toString());
          outage = true;
        }
        sleep(backoffMs);
        backoffMs = Math.min(MAX_BACKOFF.toMillis(), backoffMs * 2);
      }
    }
  }

  /** Starts listening, then lets the owner catch up on what it may have missed. */
  private void listen(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("SET application_name = '" + APPLICATION_NAME + "'");
      s.execute("LISTEN " + channel);
    }
    if (!c.getAutoCommit()) {
      c.commit();
    }
    connected = true;
    onConnected.run();
  }

  /** Hands over notifications until closed or the connection fails. */
  private void receive(Connection c) throws SQLException {
    PGConnection pg = c.unwrap(PGConnection.class);
    long lastCheck = System.nanoTime();
    while (!closed) {
      PGNotification[] notifications = pg.getNotifications((int) POLL.toMillis());
      if (notifications != null) {
        for (PGNotification n : notifications) {
          deliver(n.getParameter());
        }
      }
      if (System.nanoTime() - lastCheck > KEEPALIVE.toNanos()) {
        try (Statement s = c.createStatement()) {
          s.execute("SELECT 1");
        }
        lastCheck = System.nanoTime();
      }
    }
  }

  /** Leaves a healthy pooled connection as it was found. */
  private static void release(Connection c) {
    try (Statement s = c.createStatement()) {
      s.execute("UNLISTEN *");
      s.execute("RESET application_name");
    } catch (SQLException ignored) {
      // a broken connection is discarded by the pool anyway
    }
  }

  private void deliver(String payload) {
    try {
      onNotification.accept(payload);
    } catch (RuntimeException e) {
      log.warn("Failed to handle notification {} on {}", payload, channel, e);
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Stops listening and waits briefly for the thread to end. Idempotent. */
  @Override
  public void close() {
    closed = true;
    thread.interrupt();
    try {
      thread.join(POLL.toMillis() * 4);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
