package dev.vigil.collector.ingest;

import static java.util.Objects.requireNonNull;

import dev.vigil.collector.model.LogRow;
import dev.vigil.collector.model.MetricRow;
import dev.vigil.collector.model.ResourceRow;
import dev.vigil.collector.model.RollupBatch;
import dev.vigil.collector.model.SpanRow;
import dev.vigil.collector.model.TelemetryBatch;
import dev.vigil.collector.store.EncodedRows;
import dev.vigil.collector.store.Store;
import dev.vigil.collector.store.TelemetryWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit: coalesces the batches of concurrent export requests into one transaction per writer
 * cycle, and completes each request's future only once the transaction carrying its rows has
 * committed. A 200 from the endpoint therefore means the data is in PostgreSQL.
 *
 * <p>The queue is bounded by items and by request bytes; {@link #submit} never blocks and refuses
 * with {@link IngestException.Reason#SATURATED} when full. When the database is unreachable the
 * writer fails the batch it holds and everything queued with {@link
 * IngestException.Reason#UNAVAILABLE} (the transaction rolled back, so nothing of it is stored),
 * refuses new batches the same way, and probes the database until it answers again; ingest then
 * resumes by itself. A batch the database rejects for its content is retried request by request so
 * that one bad request cannot fail the others grouped with it.
 *
 * <p>Thread-safe. Owns its writer threads; {@link #close()} stops them after draining the queue.
 */
public final class GroupCommitWriter implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(GroupCommitWriter.class);

  private static final int QUEUED = 0;
  private static final int TAKEN = 1;
  private static final int ABANDONED = 2;
  private static final RollupBatch EMPTY_ROLLUPS = new RollupBatch();

  /** One submitted batch and the future its request waits on. */
  public static final class Ticket {
    final TelemetryBatch batch;
    final long bytes;
    final CompletableFuture<Void> committed = new CompletableFuture<>();
    final AtomicInteger state = new AtomicInteger(QUEUED);
    EncodedRows rows = EncodedRows.EMPTY;
    RollupBatch rollups = EMPTY_ROLLUPS;

    Ticket(TelemetryBatch batch, long bytes) {
      this.batch = batch;
      this.bytes = bytes;
    }

    /** Completes normally once committed, exceptionally with an {@link IngestException}. */
    public CompletableFuture<Void> committed() {
      return committed;
    }
  }

  private final Store store;
  private final TelemetryWriter writer;
  private final Rollups rollups;
  private final CollectorMetrics metrics;
  private final int maxQueueItems;
  private final long maxQueueBytes;
  private final int maxBatchItems;
  private final long probeIntervalMillis;
  private final LinkedBlockingQueue<Ticket> queue = new LinkedBlockingQueue<>();
  private final AtomicLong queuedItems = new AtomicLong();
  private final AtomicLong queuedBytes = new AtomicLong();
  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean healthy;
  private volatile boolean running = true;
  private final Object probeLock = new Object();

  public GroupCommitWriter(
      Store store,
      TelemetryWriter writer,
      Rollups rollups,
      CollectorMetrics metrics,
      int maxQueueItems,
      long maxQueueBytes,
      int maxBatchItems,
      int writerThreads,
      long probeIntervalMillis) {
    this.store = requireNonNull(store, "store");
    this.writer = requireNonNull(writer, "writer");
    this.rollups = requireNonNull(rollups, "rollups");
    this.metrics = requireNonNull(metrics, "metrics");
    this.maxQueueItems = maxQueueItems;
    this.maxQueueBytes = maxQueueBytes;
    this.maxBatchItems = maxBatchItems;
    this.probeIntervalMillis = probeIntervalMillis;
    this.healthy = store.isMigrated();
    metrics.queueDepth(queuedItems::get, queuedBytes::get);
    for (int i = 0; i < writerThreads; i++) {
      int slot = i;
      Thread thread = new Thread(() -> run(slot), "vigil-collector-writer-" + i);
      thread.setDaemon(true);
      threads.add(thread);
      thread.start();
    }
  }

  /** Whether the last write or probe found the database usable. */
  public boolean isHealthy() {
    return healthy;
  }

  /** Items currently queued. */
  public long queuedItems() {
    return queuedItems.get();
  }

  /**
   * Queues {@code batch} for the next group commit; never blocks. The ticket's future fails at once
   * when the queue is full or the database is known to be unavailable. The rows are encoded for
   * COPY and the rollups derived here, on the caller's thread, so that the writer holding the
   * transaction only streams bytes: requests are decoded and encoded in parallel on every core
   * while the database works.
   *
   * @param bytes the size charged against the byte bound (the request body size)
   */
  public Ticket submit(TelemetryBatch batch, long bytes) {
    Ticket ticket = new Ticket(batch, bytes);
    if (!running) {
      ticket.committed.completeExceptionally(
          new IngestException(IngestException.Reason.STOPPED, "collector is stopping"));
      return ticket;
    }
    if (!healthy) {
      ticket.committed.completeExceptionally(
          new IngestException(IngestException.Reason.UNAVAILABLE, "database unavailable"));
      return ticket;
    }
    int items = Math.max(1, batch.itemCount());
    long newItems = queuedItems.addAndGet(items);
    long newBytes = queuedBytes.addAndGet(bytes);
    if ((newItems > maxQueueItems || newBytes > maxQueueBytes) && newItems > items) {
      release(items, bytes);
      ticket.committed.completeExceptionally(
          new IngestException(
              IngestException.Reason.SATURATED,
              "write queue full (" + maxQueueItems + " items, " + maxQueueBytes + " bytes)"));
      return ticket;
    }
    ticket.rows = EncodedRows.of(batch);
    ticket.rollups = batch.spans().isEmpty() ? EMPTY_ROLLUPS : rollups.aggregate(batch.spans());
    queue.add(ticket);
    return ticket;
  }

  /**
   * Withdraws a ticket whose request gave up waiting. Returns true if it was still queued, so its
   * rows will never be written; false if a write already holds it (it may still commit).
   */
  public boolean abandon(Ticket ticket) {
    if (ticket.state.compareAndSet(QUEUED, ABANDONED)) {
      release(Math.max(1, ticket.batch.itemCount()), ticket.bytes);
      return true;
    }
    return false;
  }

  private void release(int items, long bytes) {
    queuedItems.addAndGet(-items);
    queuedBytes.addAndGet(-bytes);
  }

  private void run(int slot) {
    List<Ticket> group = new ArrayList<>();
    while (running || !queue.isEmpty()) {
      try {
        if (!healthy) {
          failQueued(IngestException.Reason.UNAVAILABLE, "database unavailable");
          if (!running) {
            break;
          }
          probe();
          continue;
        }
        Ticket first = queue.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          flushExpiredRollups(slot);
          continue;
        }
        group.clear();
        int items = 0;
        for (Ticket t = first; t != null; t = items < maxBatchItems ? queue.poll() : null) {
          if (t.state.compareAndSet(QUEUED, TAKEN)) {
            group.add(t);
            items += t.batch.itemCount();
          }
        }
        if (!group.isEmpty()) {
          writeGroup(group, slot);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      } catch (RuntimeException e) {
        log.error("collector writer loop failed; continuing", e);
      }
    }
  }

  private void writeGroup(List<Ticket> group, int slot) {
    try {
      write(group, slot);
      complete(group, null);
    } catch (RuntimeException e) {
      if (!store.isReachable()) {
        healthy = false;
        log.warn(
            "database unavailable, failing {} queued requests until it is back: {}",
            group.size() + queue.size(),
            e.toString());
        complete(
            group, new IngestException(IngestException.Reason.UNAVAILABLE, "database unavailable"));
      } else if (group.size() > 1) {
        for (Ticket t : group) {
          writeGroup(List.of(t), slot);
        }
      } else {
        log.error("database refused a batch of {} items", group.get(0).batch.itemCount(), e);
        complete(
            group,
            new IngestException(
                IngestException.Reason.FAILED, "database refused the batch: " + rootMessage(e)));
      }
    }
  }

  private void write(List<Ticket> group, int slot) {
    TelemetryBatch batch = merge(group);
    RollupBatch aggregates;
    List<EncodedRows> encoded = new ArrayList<>(group.size());
    if (group.size() == 1) {
      aggregates = group.get(0).rollups;
    } else {
      aggregates = new RollupBatch();
      for (Ticket t : group) {
        aggregates.addAll(t.rollups);
      }
    }
    for (Ticket t : group) {
      encoded.add(t.rows);
    }
    long start = System.nanoTime();
    boolean ok = false;
    try {
      writer.write(batch, encoded, aggregates, slot);
      ok = true;
    } finally {
      metrics.commit((System.nanoTime() - start) / 1e9, ok);
    }
  }

  private void complete(List<Ticket> group, @Nullable IngestException failure) {
    for (Ticket t : group) {
      release(Math.max(1, t.batch.itemCount()), t.bytes);
      if (failure == null) {
        t.committed.complete(null);
      } else {
        t.committed.completeExceptionally(failure);
      }
    }
  }

  private void flushExpiredRollups(int slot) {
    RollupBatch expired = rollups.expired();
    if (!expired.isEmpty()) {
      try {
        writer.write(TelemetryBatch.EMPTY, List.of(), expired, slot);
      } catch (RuntimeException e) {
        log.warn("could not write {} dependency edges: {}", expired.edges().size(), e.toString());
      }
    }
  }

  private void failQueued(IngestException.Reason reason, String message) {
    IngestException failure = new IngestException(reason, message);
    for (Ticket t = queue.poll(); t != null; t = queue.poll()) {
      if (t.state.compareAndSet(QUEUED, TAKEN)) {
        complete(List.of(t), failure);
      }
    }
  }

  private void probe() throws InterruptedException {
    synchronized (probeLock) {
      if (healthy) {
        return;
      }
      Thread.sleep(probeIntervalMillis);
      if (!store.isReachable()) {
        return;
      }
      try {
        if (!store.isMigrated()) {
          store.migrate();
        }
        healthy = true;
        log.info("database available again, accepting telemetry");
      } catch (RuntimeException e) {
        log.warn("database reachable but migrations failed: {}", e.toString());
      }
    }
  }

  private static TelemetryBatch merge(List<Ticket> group) {
    if (group.size() == 1) {
      return group.get(0).batch;
    }
    Map<Long, ResourceRow> resources = new LinkedHashMap<>();
    List<SpanRow> spans = new ArrayList<>();
    List<LogRow> logs = new ArrayList<>();
    List<MetricRow> metricRows = new ArrayList<>();
    for (Ticket t : group) {
      for (ResourceRow r : t.batch.resources()) {
        resources.putIfAbsent(r.resourceId(), r);
      }
      spans.addAll(t.batch.spans());
      logs.addAll(t.batch.logs());
      metricRows.addAll(t.batch.metrics());
    }
    return new TelemetryBatch(List.copyOf(resources.values()), spans, logs, metricRows);
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return String.valueOf(root.getMessage());
  }

  /** Stops accepting, writes what is queued (if the database allows), and stops the threads. */
  @Override
  public void close() {
    running = false;
    for (Thread thread : threads) {
      try {
        thread.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    failQueued(IngestException.Reason.STOPPED, "collector stopped");
  }
}
