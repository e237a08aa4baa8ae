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
import dev.vigil.collector.store.StoreException;
import dev.vigil.collector.store.TelemetryWriter;
import java.time.Duration;
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
 * committed. A 200 from the endpoint therefore means the data is in PostgreSQL, and every failure
 * means it is not and never will be, with one exception counted apart (below).
 *
 * <p>Time: a request waits at most half the commit timeout in the queue; if no writer has taken it
 * by then it is withdrawn (atomically against the writers, which skip withdrawn requests) and fails
 * with {@link IngestException.Reason#TIMEOUT}. Once taken it waits for the outcome of its write,
 * which is bounded: a quarter of the commit timeout as deadline and {@code statement_timeout}, and
 * a socket timeout behind them (see {@link TelemetryWriter}). A slow or hung database thus yields a
 * rollback and a known failure, never a late commit of data already answered with an error.
 *
 * <p>Failures, by what the database said ({@link StoreException.Kind}): connection-class failures
 * fail the group with {@link IngestException.Reason#UNAVAILABLE}; if the database is then
 * unreachable, every writer thread fails what is queued, new batches are refused the same way, and
 * one thread probes until the database answers again, after which all resume by themselves.
 * Timeouts and other transient refusals fail the group with {@link IngestException.Reason#TIMEOUT}.
 * A group the database rejects for its content is split in halves and retried, so that only the
 * request whose data is bad fails ({@link IngestException.Reason#REJECTED}). If the connection
 * fails while COMMIT is in flight the outcome is unknown: the group fails with {@link
 * IngestException.Reason#OUTCOME_UNKNOWN} and is counted in {@code
 * vigil_collector_commit_unknown_total}; only then can a client's retry store a duplicate.
 *
 * <p>The queue is bounded by items and by request bytes; {@link #submit} never blocks and refuses
 * with {@link IngestException.Reason#SATURATED} when full.
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
  private final long queueWaitMillis;
  private final long writeBudgetNanos;
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
      Duration commitTimeout,
      long probeIntervalMillis) {
    this.store = requireNonNull(store, "store");
    this.writer = requireNonNull(writer, "writer");
    this.rollups = requireNonNull(rollups, "rollups");
    this.metrics = requireNonNull(metrics, "metrics");
    this.maxQueueItems = maxQueueItems;
    this.maxQueueBytes = maxQueueBytes;
    this.maxBatchItems = maxBatchItems;
    this.queueWaitMillis = Math.max(1, commitTimeout.toMillis() / 2);
    this.writeBudgetNanos = Math.max(1_000_000, commitTimeout.toNanos() / 4);
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
   * The outcome of {@code ticket}: completes normally once its rows are committed, exceptionally
   * with an {@link IngestException} once they are known not to be (or, for {@link
   * IngestException.Reason#OUTCOME_UNKNOWN}, may be). A ticket still queued after half the commit
   * timeout is withdrawn and fails with {@link IngestException.Reason#TIMEOUT}; one a writer has
   * taken is never given up on, as its write is bounded in time.
   */
  public CompletableFuture<Void> outcome(Ticket ticket) {
    CompletableFuture<Void> committed = ticket.committed;
    if (committed.isDone()) {
      return committed;
    }
    return committed
        .copy()
        .orTimeout(queueWaitMillis, TimeUnit.MILLISECONDS)
        .exceptionallyCompose(
            e -> {
              withdraw(ticket);
              return committed;
            });
  }

  /**
   * Withdraws {@code ticket} if it is still queued, failing it with {@link
   * IngestException.Reason#TIMEOUT}: its rows will never be written. Does nothing once a writer has
   * taken it.
   */
  void withdraw(Ticket ticket) {
    if (ticket.state.compareAndSet(QUEUED, ABANDONED)) {
      release(Math.max(1, ticket.batch.itemCount()), ticket.bytes);
      ticket.committed.completeExceptionally(
          new IngestException(
              IngestException.Reason.TIMEOUT,
              "not written: waited " + queueWaitMillis + " ms in the write queue"));
    }
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
          writeGroup(group, slot, System.nanoTime() + writeBudgetNanos);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      } catch (RuntimeException e) {
        log.error("collector writer loop failed; continuing", e);
        answerUnanswered(group);
      }
    }
  }

  /**
   * Writes {@code group} in one transaction by {@code deadline} and completes its tickets with the
   * outcome. A group refused for its content is split in halves and each half retried (by the same
   * deadline), so that only the requests whose data is bad fail.
   */
  private void writeGroup(List<Ticket> group, int slot, long deadline) {
    StoreException.Kind kind;
    Exception failure;
    try {
      write(group, slot, deadline);
      complete(group, null);
      return;
    } catch (RuntimeException e) {
      kind = StoreException.kindOf(e);
      failure = e;
    }
    switch (kind) {
      case UNAVAILABLE -> {
        complete(
            group,
            new IngestException(
                IngestException.Reason.UNAVAILABLE,
                "database unavailable, nothing stored: " + rootMessage(failure)));
        checkReachable(failure);
      }
      case COMMIT_UNKNOWN -> {
        metrics.commitUnknown();
        log.warn(
            "connection lost while committing {} requests; they may or may not be stored: {}",
            group.size(),
            failure.toString());
        complete(
            group,
            new IngestException(
                IngestException.Reason.OUTCOME_UNKNOWN,
                "the connection to the database failed during commit; the data may be stored"));
        checkReachable(failure);
      }
      case RETRYABLE ->
          complete(
              group,
              new IngestException(
                  IngestException.Reason.TIMEOUT,
                  "not stored, database too slow or busy: " + rootMessage(failure)));
      case REJECTED, FAILED -> {
        if (group.size() > 1) {
          int half = group.size() / 2;
          writeGroup(group.subList(0, half), slot, deadline);
          writeGroup(group.subList(half, group.size()), slot, deadline);
        } else {
          log.error(
              "database refused a request of {} items", group.get(0).batch.itemCount(), failure);
          complete(
              group,
              new IngestException(
                  kind == StoreException.Kind.REJECTED
                      ? IngestException.Reason.REJECTED
                      : IngestException.Reason.FAILED,
                  "database refused the data: " + rootMessage(failure)));
        }
      }
    }
  }

  /**
   * After a connection-class failure: if the database cannot be reached now, stops taking batches
   * until a probe finds it again. The failed group is answered first, as this may take a while.
   */
  private void checkReachable(Exception failure) {
    if (healthy && !store.isReachable()) {
      healthy = false;
      log.warn(
          "database unavailable, failing {} queued requests until it is back: {}",
          queue.size(),
          failure.toString());
    }
  }

  private void write(List<Ticket> group, int slot, long deadline) {
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
      writer.write(batch, encoded, aggregates, slot, deadline);
      ok = true;
    } finally {
      metrics.commit((System.nanoTime() - start) / 1e9, ok);
    }
  }

  /**
   * Safety net for a failure outside the write's own handling: a taken request is never withdrawn,
   * so each one still waiting gets an answer here. Where the failure struck is unknown, so is the
   * outcome.
   */
  private void answerUnanswered(List<Ticket> group) {
    IngestException unknown =
        new IngestException(
            IngestException.Reason.OUTCOME_UNKNOWN,
            "collector writer failed; the data may be stored");
    boolean any = false;
    for (Ticket t : group) {
      if (!t.committed.isDone()) {
        any = true;
        complete(List.of(t), unknown);
      }
    }
    if (any) {
      metrics.commitUnknown();
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
        writer.write(
            TelemetryBatch.EMPTY, List.of(), expired, slot, System.nanoTime() + writeBudgetNanos);
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
