package dev.vigil.agent.bootstrap;

import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A bounded queue for telemetry: {@link #offer} never blocks and counts what it drops when full.
 * Thread-safe.
 */
public final class BoundedQueue<T> {
  private final ArrayBlockingQueue<T> queue;
  private final AtomicLong dropped = new AtomicLong();
  private final int capacity;

  public BoundedQueue(int capacity) {
    if (capacity <= 0) {
      throw new IllegalArgumentException("capacity: " + capacity + " (expected: > 0)");
    }
    this.capacity = capacity;
    this.queue = new ArrayBlockingQueue<>(capacity);
  }

  /** Adds the item, or drops it and counts the drop when the queue is full. */
  public boolean offer(T item) {
    if (queue.offer(item)) {
      return true;
    }
    dropped.incrementAndGet();
    return false;
  }

  public int drainTo(List<? super T> into, int max) {
    return queue.drainTo(into, max);
  }

  public int size() {
    return queue.size();
  }

  public int capacity() {
    return capacity;
  }

  /** Items dropped since creation (cumulative). */
  public long dropped() {
    return dropped.get();
  }
}
