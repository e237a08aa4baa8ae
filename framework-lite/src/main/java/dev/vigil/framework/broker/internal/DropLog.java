package dev.vigil.framework.broker.internal;

import dev.vigil.framework.metrics.FrameworkMetrics;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts dropped messages of one broker in {@link FrameworkMetrics} and logs them in aggregate: the
 * first drop after a quiet period is logged at once, later ones are summed per topic and reason and
 * logged by {@link #flush()} (called by the broker's timer and on close), so a storm of failures
 * writes a line per report interval, not a line per message.
 *
 * <p>Thread-safe. Internal: not a stable API.
 */
public final class DropLog {
  /** Handler kept failing until the retry limit. */
  public static final String HANDLER_FAILED = "handler_failed";

  /** The handler or the subscriber refused the message permanently (a 4xx error). */
  public static final String REJECTED = "rejected";

  /** The bounded delivery queue was full. */
  public static final String QUEUE_FULL = "queue_full";

  /** Every subscriber node tried was down or answered 5xx until the retry limit. */
  public static final String UNREACHABLE = "unreachable";

  /** Publishing failed because the broker connection was down and its buffer full. */
  public static final String DISCONNECTED = "disconnected";

  /** The subscriber unsubscribed while the message waited for it. */
  public static final String UNSUBSCRIBED = "unsubscribed";

  /** The broker closed while the message waited for delivery. */
  public static final String CLOSED = "closed";

  /** The message is larger than the broker accepts. */
  public static final String TOO_LARGE = "too_large";

  /** The client discarded messages because the subscriber fell too far behind. */
  public static final String SLOW_CONSUMER = "slow_consumer";

  private static final Logger log = LoggerFactory.getLogger(DropLog.class);

  private final String broker;
  private final FrameworkMetrics metrics;
  private final long intervalNanos;
  private Map<String, Long> pending = new TreeMap<>();
  private @Nullable String lastError;
  private long lastReportNanos;

  public DropLog(String broker, FrameworkMetrics metrics, java.time.Duration reportInterval) {
    this.broker = broker;
    this.metrics = metrics;
    this.intervalNanos = reportInterval.toNanos();
    this.lastReportNanos = System.nanoTime() - intervalNanos;
  }

  /** Counts {@code count} messages of {@code topic} as dropped for {@code reason}. */
  public void dropped(String topic, String reason, long count, @Nullable Throwable error) {
    for (long i = 0; i < count; i++) {
      metrics.brokerDropped(broker, topic, reason);
    }
    boolean reportNow;
    synchronized (this) {
      pending.merge(topic + " (" + reason + ")", count, Long::sum);
      if (error != null) {
        lastError = String.valueOf(error);
      }
      reportNow = System.nanoTime() - lastReportNanos >= intervalNanos;
    }
    if (reportNow) {
      flush();
    }
  }

  public void dropped(String topic, String reason, @Nullable Throwable error) {
    dropped(topic, reason, 1, error);
  }

  /** Logs the drops counted since the last report, if any. */
  public void flush() {
    Map<String, Long> report;
    String error;
    synchronized (this) {
      if (pending.isEmpty()) {
        return;
      }
      report = pending;
      error = lastError;
      pending = new TreeMap<>();
      lastError = null;
      lastReportNanos = System.nanoTime();
    }
    long total = report.values().stream().mapToLong(Long::longValue).sum();
    if (error == null) {
      log.warn("{} broker dropped {} message(s): {}", broker, total, report);
    } else {
      log.warn("{} broker dropped {} message(s): {}; last error: {}", broker, total, report, error);
    }
  }
}
