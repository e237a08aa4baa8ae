package dev.vigil.framework.broker.internal;

import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Named daemon threads and bounded pools for brokers. Internal: not a stable API. */
public final class Threads {
  private Threads() {}

  public static ThreadFactory daemon(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /**
   * A fixed pool of {@code threads} over a queue of {@code capacity}; {@code execute} throws {@link
   * java.util.concurrent.RejectedExecutionException} instead of blocking when it is full.
   */
  public static ThreadPoolExecutor boundedPool(String prefix, int threads, int capacity) {
    return new ThreadPoolExecutor(
        threads,
        threads,
        0,
        TimeUnit.MILLISECONDS,
        new ArrayBlockingQueue<>(capacity),
        daemon(prefix),
        new ThreadPoolExecutor.AbortPolicy());
  }

  public static ScheduledExecutorService timer(String name) {
    return Executors.newSingleThreadScheduledExecutor(daemon(name));
  }

  /**
   * Stops {@code pool}, letting running tasks finish for up to {@code millis}; true if they did.
   */
  public static boolean shutdown(ExecutorService pool, long millis) {
    pool.shutdown();
    try {
      if (pool.awaitTermination(millis, TimeUnit.MILLISECONDS)) {
        return true;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    pool.shutdownNow();
    return false;
  }

  /** How long {@link #drain} waits for interrupted deliveries to record their outcome. */
  static final long INTERRUPTED_GRACE_MILLIS = 1000;

  /**
   * Stops {@code pool}, letting queued and running tasks go on for up to {@code millis}, then
   * interrupts the rest and returns the tasks that never started, for the caller to count as
   * dropped. Returns once the interrupted tasks have ended, or after {@link
   * #INTERRUPTED_GRACE_MILLIS}.
   */
  public static List<Runnable> drain(ExecutorService pool, long millis) {
    pool.shutdown();
    try {
      pool.awaitTermination(millis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    List<Runnable> neverStarted = pool.shutdownNow();
    // Deliveries still running were just interrupted; let them finish their own accounting (a
    // drop counted as closed) so that every delivery is counted once close returns.
    try {
      pool.awaitTermination(INTERRUPTED_GRACE_MILLIS, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return neverStarted;
  }
}
