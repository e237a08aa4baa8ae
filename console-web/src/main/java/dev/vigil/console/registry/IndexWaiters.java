package dev.vigil.console.registry;

import dev.vigil.console.api.ApiException;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToLongFunction;

/**
 * The blocking queries a replica holds: each waits for the index of one key (a service name, or
 * {@link #ALL} for the service list) to move past the index it has seen. A waiter is a future, not
 * a thread: it completes with {@code true} when {@link #changed} reports a larger index, or with
 * {@code false} when its wait ends. At most {@code maxWaiters} are held; more are refused with 503.
 *
 * <p>Thread-safe: {@link #changed} runs on the change listener's thread while requests add waiters;
 * a waiter is completed by whichever of change, timeout or close removes it first.
 */
final class IndexWaiters implements AutoCloseable {
  /** The key of waiters on the service list, woken by a change to any service. */
  static final String ALL = "";

  private final Map<String, Set<Waiter>> byKey = new ConcurrentHashMap<>();
  private final AtomicInteger size = new AtomicInteger();
  private final ScheduledExecutorService timer;
  private final int maxWaiters;

  IndexWaiters(ScheduledExecutorService timer, int maxWaiters) {
    this.timer = timer;
    this.maxWaiters = maxWaiters;
  }

  private final class Waiter {
    final String key;
    final long index;
    final CompletableFuture<Boolean> future = new CompletableFuture<>();
    volatile ScheduledFuture<?> timeout;

    Waiter(String key, long index) {
      this.key = key;
      this.index = index;
    }

    /** Completes this waiter unless something else already did; true if this call did. */
    boolean finish(boolean moved) {
      Set<Waiter> set = byKey.get(key);
      if (set == null || !set.remove(this)) {
        return false;
      }
      size.decrementAndGet();
      ScheduledFuture<?> t = timeout;
      if (t != null) {
        t.cancel(false);
      }
      future.complete(moved);
      return true;
    }
  }

  /**
   * A future completing with true once {@code key}'s index moves past {@code index}, or false after
   * {@code wait}. The caller re-reads the index after this call, and calls {@link #changed} itself
   * if it already moved, so no change between its read and this registration is missed.
   */
  CompletableFuture<Boolean> await(String key, long index, Duration wait) {
    if (size.incrementAndGet() > maxWaiters) {
      size.decrementAndGet();
      throw new ApiException(503, "too many blocking queries on this console (" + maxWaiters + ")");
    }
    Waiter waiter = new Waiter(key, index);
    byKey.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet()).add(waiter);
    waiter.timeout =
        timer.schedule(() -> waiter.finish(false), wait.toNanos(), TimeUnit.NANOSECONDS);
    return waiter.future;
  }

  /**
   * Wakes the waiters of {@code service} and of the list that have seen less than {@code index}.
   */
  void changed(String service, long index) {
    wake(service, index);
    wake(ALL, index);
  }

  /**
   * Re-reads the current index of every key with waiters and wakes those behind it: run after the
   * change listener (re)connects, since notifications sent while it was away are lost.
   */
  void recheck(ToLongFunction<String> currentIndex) {
    for (String key : byKey.keySet()) {
      Set<Waiter> set = byKey.get(key);
      if (set != null && !set.isEmpty()) {
        wake(key, currentIndex.applyAsLong(key));
      }
    }
  }

  /** How many blocking queries are held now. */
  int size() {
    return size.get();
  }

  private void wake(String key, long index) {
    Set<Waiter> set = byKey.get(key);
    if (set == null) {
      return;
    }
    for (Iterator<Waiter> it = set.iterator(); it.hasNext(); ) {
      Waiter waiter = it.next();
      if (waiter.index < index) {
        waiter.finish(true);
      }
    }
  }

  /** Ends every wait now, as if its time were up. */
  @Override
  public void close() {
    for (Set<Waiter> set : byKey.values()) {
      for (Waiter waiter : set.toArray(Waiter[]::new)) {
        waiter.finish(false);
      }
    }
  }
}
