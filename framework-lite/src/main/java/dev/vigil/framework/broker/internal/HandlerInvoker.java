package dev.vigil.framework.broker.internal;

import dev.vigil.framework.broker.BrokerMessage;
import dev.vigil.framework.broker.MessageHandler;
import dev.vigil.framework.errors.FrameworkException;
import dev.vigil.framework.metrics.FrameworkMetrics;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Runs a subscriber's handler in the subscriber's process: a handler that throws is retried up to
 * {@code maxAttempts} times with an exponential back-off starting at {@code backoff} (capped at
 * {@link #MAX_BACKOFF}), then the message is counted as dropped ({@link DropLog#HANDLER_FAILED}). A
 * handler that throws a {@link FrameworkException} with a 4xx code (other than 408 and 429) refuses
 * the message for good: it is not retried and is counted as {@link DropLog#REJECTED}. Counts
 * delivered, retried and dropped messages.
 *
 * <p>Immutable and thread-safe; the back-off sleeps on the calling thread. Internal: not a stable
 * API.
 */
public final class HandlerInvoker {
  public static final Duration MAX_BACKOFF = Duration.ofSeconds(1);

  /** How a delivery ended. */
  public enum Outcome {
    DELIVERED,
    REJECTED,
    FAILED,
    /** The subscription went away (or the thread was interrupted) before the handler succeeded. */
    ABANDONED
  }

  private final String broker;
  private final FrameworkMetrics metrics;
  private final DropLog drops;
  private final int maxAttempts;
  private final Duration backoff;

  public HandlerInvoker(
      String broker, FrameworkMetrics metrics, DropLog drops, int maxAttempts, Duration backoff) {
    this.broker = broker;
    this.metrics = metrics;
    this.drops = drops;
    this.maxAttempts = maxAttempts;
    this.backoff = backoff;
  }

  /**
   * Delivers {@code message} to {@code handler}, retrying while {@code active} stays true, and
   * counts the outcome.
   */
  public Outcome deliver(
      MessageHandler handler, String topic, BrokerMessage message, BooleanSupplier active) {
    for (int attempt = 1; ; attempt++) {
      if (!active.getAsBoolean()) {
        drops.dropped(topic, DropLog.UNSUBSCRIBED, null);
        return Outcome.ABANDONED;
      }
      try {
        handler.handle(topic, message);
        metrics.brokerDelivered(broker, topic);
        return Outcome.DELIVERED;
      } catch (Exception e) {
        if (e instanceof InterruptedException || Thread.currentThread().isInterrupted()) {
          // the broker is closing: retrying would only block its shutdown
          Thread.currentThread().interrupt();
          drops.dropped(topic, DropLog.CLOSED, e);
          return Outcome.ABANDONED;
        }
        if (isRejection(e)) {
          drops.dropped(topic, DropLog.REJECTED, e);
          return Outcome.REJECTED;
        }
        if (attempt >= maxAttempts) {
          drops.dropped(topic, DropLog.HANDLER_FAILED, e);
          return Outcome.FAILED;
        }
      }
      metrics.brokerRetry(broker, topic);
      if (!sleep(backoff(backoff, attempt))) {
        drops.dropped(topic, DropLog.CLOSED, null);
        return Outcome.ABANDONED;
      }
    }
  }

  /** True when {@code e} refuses the message for good, so retrying cannot help. */
  public static boolean isRejection(Throwable e) {
    if (e instanceof FrameworkException fe) {
      int code = fe.code();
      return code >= 400
          && code < 500
          && code != FrameworkException.TIMEOUT
          && code != FrameworkException.TOO_MANY_REQUESTS;
    }
    return false;
  }

  /** The pause before retry number {@code attempt} (1-based): doubling, capped. */
  public static Duration backoff(Duration initial, int attempt) {
    long nanos = initial.toNanos() << Math.min(attempt - 1, 20);
    return nanos <= 0 || nanos > MAX_BACKOFF.toNanos() ? MAX_BACKOFF : Duration.ofNanos(nanos);
  }

  /** Sleeps; false when interrupted (the interrupt flag is restored). */
  public static boolean sleep(Duration pause) {
    try {
      Thread.sleep(pause.toMillis(), (int) (pause.toNanos() % 1_000_000));
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
