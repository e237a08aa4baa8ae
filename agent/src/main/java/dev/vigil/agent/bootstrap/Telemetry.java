package dev.vigil.agent.bootstrap;

import java.util.concurrent.locks.LockSupport;

/**
 * The two bounded queues between instrumented threads and the exporter: ended sampled spans and log
 * records. Producers never block; full queues drop and count. Thread-safe.
 */
public final class Telemetry {
  private static volatile BoundedQueue<Span> spans =
      new BoundedQueue<>(Settings.DEFAULT_QUEUE_SIZE);
  private static volatile BoundedQueue<LogRecordData> logs =
      new BoundedQueue<>(Settings.DEFAULT_QUEUE_SIZE);
  private static volatile Thread exporterThread;
  private static volatile int wakeThreshold = Settings.DEFAULT_BATCH_SIZE;

  /**
   * Whether the exporter was woken since it last looked at the queues: producers wake it once, not
   * on every item, while it is busy.
   */
  private static volatile boolean woken;

  private Telemetry() {}

  /** Called once at start-up, before any span is made. */
  public static void configure(int queueSize, int batchSize) {
    spans = new BoundedQueue<>(queueSize);
    logs = new BoundedQueue<>(queueSize);
    wakeThreshold = Math.max(1, Math.min(batchSize, queueSize / 2));
  }

  public static BoundedQueue<Span> spans() {
    return spans;
  }

  public static BoundedQueue<LogRecordData> logs() {
    return logs;
  }

  static void setExporterThread(Thread t) {
    exporterThread = t;
  }

  static void offerSpan(Span span) {
    BoundedQueue<Span> q = spans;
    if (q.offer(span) && !woken && q.size() >= wakeThreshold) {
      wake();
    }
  }

  static void offerLog(LogRecordData record) {
    BoundedQueue<LogRecordData> q = logs;
    if (q.offer(record) && !woken && q.size() >= wakeThreshold) {
      wake();
    }
  }

  /**
   * Called by the exporter before it reads the queue sizes to decide whether to wait, so that an
   * item offered after that read wakes it.
   */
  static void rearmWake() {
    woken = false;
  }

  private static void wake() {
    woken = true;
    Thread t = exporterThread;
    if (t != null) {
      LockSupport.unpark(t);
    }
  }
}
