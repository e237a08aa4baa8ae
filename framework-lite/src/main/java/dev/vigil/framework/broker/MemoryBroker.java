package dev.vigil.framework.broker;

import dev.vigil.framework.broker.internal.BrokerConfig;
import dev.vigil.framework.broker.internal.DropLog;
import dev.vigil.framework.broker.internal.HandlerInvoker;
import dev.vigil.framework.broker.internal.Threads;
import dev.vigil.framework.metrics.FrameworkMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * An in-process broker (plugin name {@code memory}): publishers and subscribers of the same
 * instance exchange messages without I/O. The default for a single JVM and the test fake for {@link
 * Broker}.
 *
 * <p>{@link #publish} only selects the subscribers and queues one delivery per subscriber (every
 * subscriber without a queue group, and one member of each group, picked round-robin) on a bounded
 * queue served by {@link Builder#workers} threads; when the queue is full the delivery is counted
 * as dropped ({@code queue_full}) and publish returns at once. Handlers run on the worker threads,
 * so messages may be handled out of order. A handler that throws is retried (see {@link
 * HandlerInvoker}). A topic with no subscriber drops the message without a count, as in Go Micro.
 *
 * <p>Counts, per topic: published (once per publish), delivered, retried and dropped (once per
 * subscriber delivery).
 *
 * <p>Thread-safe: the subscriber table is guarded by {@code this}.
 */
public final class MemoryBroker implements Broker {
  public static final String NAME = "memory";
  public static final int DEFAULT_QUEUE_CAPACITY = 1024;
  public static final int DEFAULT_WORKERS = 2;
  public static final int DEFAULT_MAX_ATTEMPTS = 3;
  public static final Duration DEFAULT_RETRY_BACKOFF = Duration.ofMillis(20);
  public static final Duration DEFAULT_DROP_REPORT_INTERVAL = Duration.ofSeconds(10);
  static final long CLOSE_GRACE_MILLIS = 1000;

  private final FrameworkMetrics metrics;
  private final DropLog drops;
  private final HandlerInvoker invoker;
  private final ThreadPoolExecutor workers;
  private final ScheduledExecutorService timer;

  /** topic -> subscribers in subscription order. */
  private final Map<String, List<MemorySubscription>> subscribers = new HashMap<>();

  /** topic + '\0' + queue -> index of the next member to pick. */
  private final Map<String, Integer> cursors = new HashMap<>();

  private boolean closed;

  private MemoryBroker(Builder b) {
    this.metrics = b.metrics;
    this.drops = new DropLog(NAME, metrics, b.dropReportInterval);
    this.invoker = new HandlerInvoker(NAME, metrics, drops, b.maxAttempts, b.retryBackoff);
    this.workers = Threads.boundedPool("vigil-memory-broker", b.workers, b.queueCapacity);
    this.timer = Threads.timer("vigil-memory-broker-timer");
    long report = b.dropReportInterval.toMillis();
    timer.scheduleWithFixedDelay(drops::flush, report, report, TimeUnit.MILLISECONDS);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A broker with every default. */
  public static MemoryBroker create() {
    return builder().build();
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public void connect() {}

  @Override
  public void publish(String topic, BrokerMessage message) {
    Topics.requireValidTopic(topic);
    Objects.requireNonNull(message, "message");
    List<MemorySubscription> targets = select(topic);
    metrics.brokerPublished(NAME, topic);
    for (MemorySubscription target : targets) {
      try {
        workers.execute(new Delivery(target, topic, message));
      } catch (RejectedExecutionException e) {
        drops.dropped(topic, workers.isShutdown() ? DropLog.CLOSED : DropLog.QUEUE_FULL, null);
      }
    }
  }

  private synchronized List<MemorySubscription> select(String topic) {
    if (closed) {
      throw new IllegalStateException("memory broker is closed");
    }
    List<MemorySubscription> all = subscribers.getOrDefault(topic, List.of());
    List<MemorySubscription> targets = new ArrayList<>(all.size());
    Map<String, List<MemorySubscription>> groups = new LinkedHashMap<>();
    for (MemorySubscription s : all) {
      if (s.queue == null) {
        targets.add(s);
      } else {
        groups.computeIfAbsent(s.queue, q -> new ArrayList<>()).add(s);
      }
    }
    groups.forEach(
        (queue, members) -> {
          String key = topic + '\0' + queue;
          int next = cursors.getOrDefault(key, 0);
          targets.add(members.get(Math.floorMod(next, members.size())));
          cursors.put(key, next + 1);
        });
    return targets;
  }

  @Override
  public synchronized Subscription subscribe(
      String topic, @Nullable String queue, MessageHandler handler) {
    Topics.requireValidTopic(topic);
    if (queue != null) {
      Topics.requireValidQueue(queue);
    }
    Objects.requireNonNull(handler, "handler");
    if (closed) {
      throw new IllegalStateException("memory broker is closed");
    }
    MemorySubscription s = new MemorySubscription(topic, queue, handler);
    subscribers.computeIfAbsent(topic, t -> new ArrayList<>()).add(s);
    return s;
  }

  private synchronized void remove(MemorySubscription s) {
    List<MemorySubscription> list = subscribers.get(s.topic);
    if (list != null && list.remove(s) && list.isEmpty()) {
      subscribers.remove(s.topic);
    }
  }

  /**
   * Stops accepting messages, lets deliveries in progress finish for up to a second and counts the
   * deliveries still queued as dropped ({@code closed}).
   */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    for (Runnable abandoned : Threads.drain(workers, CLOSE_GRACE_MILLIS)) {
      drops.dropped(((Delivery) abandoned).topic, DropLog.CLOSED, null);
    }
    synchronized (this) {
      subscribers.values().forEach(list -> list.forEach(s -> s.active = false));
      subscribers.clear();
    }
    timer.shutdownNow();
    drops.flush();
  }

  private final class Delivery implements Runnable {
    final MemorySubscription target;
    final String topic;
    final BrokerMessage message;

    Delivery(MemorySubscription target, String topic, BrokerMessage message) {
      this.target = target;
      this.topic = topic;
      this.message = message;
    }

    @Override
    public void run() {
      invoker.deliver(target.handler, topic, message, () -> target.active);
    }
  }

  private final class MemorySubscription implements Subscription {
    final String topic;
    final @Nullable String queue;
    final MessageHandler handler;
    volatile boolean active = true;

    MemorySubscription(String topic, @Nullable String queue, MessageHandler handler) {
      this.topic = topic;
      this.queue = queue;
      this.handler = handler;
    }

    @Override
    public String topic() {
      return topic;
    }

    @Override
    public @Nullable String queue() {
      return queue;
    }

    @Override
    public void unsubscribe() {
      active = false;
      remove(this);
    }
  }

  /** Configuration of a {@link MemoryBroker}; validated by {@link #build()}. Not thread-safe. */
  public static final class Builder {
    private FrameworkMetrics metrics = new FrameworkMetrics();
    private int queueCapacity = DEFAULT_QUEUE_CAPACITY;
    private int workers = DEFAULT_WORKERS;
    private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
    private Duration retryBackoff = DEFAULT_RETRY_BACKOFF;
    private Duration dropReportInterval = DEFAULT_DROP_REPORT_INTERVAL;

    private Builder() {}

    /** Where to count messages; default: a new {@link FrameworkMetrics}. */
    public Builder metrics(FrameworkMetrics metrics) {
      this.metrics = Objects.requireNonNull(metrics, "metrics");
      return this;
    }

    /** Deliveries waiting for a worker; beyond this they are dropped. Default 1024. */
    public Builder queueCapacity(int queueCapacity) {
      this.queueCapacity = queueCapacity;
      return this;
    }

    /** Threads running handlers. Default 2. */
    public Builder workers(int workers) {
      this.workers = workers;
      return this;
    }

    /** Handler calls per delivery, the first included. Default 3. */
    public Builder maxAttempts(int maxAttempts) {
      this.maxAttempts = maxAttempts;
      return this;
    }

    /** Pause before the first retry; doubles for each further one. Default 20 ms. */
    public Builder retryBackoff(Duration retryBackoff) {
      this.retryBackoff = Objects.requireNonNull(retryBackoff, "retryBackoff");
      return this;
    }

    /** How often dropped messages are summarised in the log. Default 10 s. */
    public Builder dropReportInterval(Duration dropReportInterval) {
      this.dropReportInterval = Objects.requireNonNull(dropReportInterval, "dropReportInterval");
      return this;
    }

    public MemoryBroker build() {
      BrokerConfig.requirePositive("queueCapacity", queueCapacity);
      BrokerConfig.requirePositive("workers", workers);
      BrokerConfig.requirePositive("maxAttempts", maxAttempts);
      BrokerConfig.requireNonNegative("retryBackoff", retryBackoff);
      BrokerConfig.requirePositive("dropReportInterval", dropReportInterval);
      return new MemoryBroker(this);
    }
  }
}
