package dev.vigil.agent.bootstrap;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A bounded queue for telemetry: {@link #offer} never blocks and counts what it drops when full.
 * Many threads may offer at once without a lock (each claims a slot with one compare-and-set); one
 * thread at a time drains it. Thread-safe under that rule.
 */
public final class BoundedQueue<T> {
  private final AtomicReferenceArray<T> slots;
  private final int mask;
  private final int capacity;
  private final AtomicLong tail = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();

  /** Next slot to drain; written only by the draining thread, after it cleared the slots. */
  private volatile long head;

  public BoundedQueue(int capacity) {
    if (capacity <= 0) {
      throw new IllegalArgumentException("capacity: " + capacity + " (expected: > 0)");
    }
    this.capacity = capacity;
    int length = Integer.highestOneBit(Math.max(1, capacity - 1)) << 1;
    this.slots = new AtomicReferenceArray<>(Math.max(length, capacity));
    this.mask = slots.length() - 1;
  }

  /** Adds the item, or drops it and counts the drop when the queue is full. */
  public boolean offer(T item) {
    long t;
    do {
      t = tail.get();
      if (t - head >= capacity) {
        dropped.incrementAndGet();
        return false;
      }
    } while (!tail.compareAndSet(t, t + 1));
    slots.set((int) t & mask, item);
    return true;
  }

  /**
   * Moves up to {@code max} items into {@code into}, oldest first. An item whose slot was claimed
   * but not yet filled stops the drain; it is taken next time.
   */
  public int drainTo(List<? super T> into, int max) {
    long h = head;
    int n = 0;
    while (n < max) {
      int i = (int) h & mask;
      T item = slots.get(i);
      if (item == null) {
        break;
      }
      slots.lazySet(i, null);
      into.add(item);
      h++;
      n++;
    }
    head = h;
    return n;
  }

  public int size() {
    long size = tail.get() - head;
    return (int) Math.max(0, Math.min(size, capacity));
  }

  public int capacity() {
    return capacity;
  }

  /** Items dropped since creation (cumulative). */
  public long dropped() {
    return dropped.get();
  }
}
