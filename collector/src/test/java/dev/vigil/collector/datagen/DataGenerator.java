package dev.vigil.collector.datagen;

import dev.vigil.collector.CollectorConfig;
import dev.vigil.collector.ingest.Rollups;
import dev.vigil.collector.model.LogRow;
import dev.vigil.collector.model.MetricRow;
import dev.vigil.collector.model.ResourceRow;
import dev.vigil.collector.model.RollupBatch;
import dev.vigil.collector.model.SpanRow;
import dev.vigil.collector.model.TelemetryBatch;
import dev.vigil.collector.otlp.Conversion;
import dev.vigil.collector.otlp.OtlpConverter;
import dev.vigil.collector.otlp.OtlpLimits;
import dev.vigil.collector.store.EncodedRows;
import dev.vigil.collector.store.Partitions;
import dev.vigil.collector.store.Store;
import dev.vigil.collector.store.TelemetryWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * Fills a Vigil database with realistic historical telemetry of a {@link Topology shop}, through
 * the collector's own ingest path: OTLP export requests built by {@link Traffic} are converted by
 * {@link OtlpConverter}, their rollups and dependency edges derived by {@link Rollups}, and the
 * rows written with {@link TelemetryWriter} (COPY), so the stored rows are exactly those a live
 * collector would store. Only the timestamps differ: traffic is spread over the window ending at
 * {@code --end}, with a day-night cycle, in time order.
 *
 * <p>Generator threads build and convert batches; writer threads commit them, each with its own
 * rollup slot as the collector's writer threads do.
 *
 * <pre>
 * DataGenerator --db-url=jdbc:postgresql://127.0.0.1:5432/vigil?user=postgres
 *     [--spans=10000000] [--days=3 | --hours=N] [--end=2026-11-24T12:00:00Z] [--seed=1]
 *     [--batch-spans=5000] [--threads=1] [--writers=2] [--pause-file=/tmp/vigil-quiet]
 * </pre>
 */
public final class DataGenerator {
  static final long MINUTE_NS = 60_000_000_000L;
  static final int DEFAULT_BATCH_SPANS = 5000;

  /** What to generate. Immutable. */
  record Options(
      String dbUrl,
      long spans,
      Duration window,
      Instant end,
      long seed,
      int batchSpans,
      int threads,
      int writers,
      @Nullable Path pauseFile) {
    Options {
      if (spans < 1) {
        throw new IllegalArgumentException("spans: " + spans + " (expected: > 0)");
      }
      if (window.toMinutes() < 1) {
        throw new IllegalArgumentException("window: " + window + " (expected: >= 1 minute)");
      }
      if (window.toDays() >= CollectorConfig.DEFAULT_TRACE_RETENTION_DAYS) {
        throw new IllegalArgumentException(
            "days: "
                + window.toDays()
                + " (expected: < "
                + CollectorConfig.DEFAULT_TRACE_RETENTION_DAYS
                + ", the trace retention)");
      }
      if (threads < 1 || writers < 1 || batchSpans < 100) {
        throw new IllegalArgumentException(
            "threads: "
                + threads
                + ", writers: "
                + writers
                + ", batchSpans: "
                + batchSpans
                + " (expected: threads >= 1, writers >= 1, batchSpans >= 100)");
      }
    }

    static Options parse(String... args) {
      Map<String, String> a = new LinkedHashMap<>();
      for (String arg : args) {
        int eq = arg.indexOf('=');
        if (!arg.startsWith("--") || eq < 0) {
          throw new IllegalArgumentException("argument: " + arg + " (expected: --name=value)");
        }
        a.put(arg.substring(2, eq), arg.substring(eq + 1));
      }
      String url = a.getOrDefault("db-url", System.getenv("VIGIL_DB_URL"));
      if (url == null) {
        throw new IllegalArgumentException(
            "db-url: missing (expected: --db-url=jdbc:postgresql:...)");
      }
      Duration window =
          a.containsKey("hours")
              ? Duration.ofHours(Long.parseLong(a.get("hours")))
              : Duration.ofDays(Long.parseLong(a.getOrDefault("days", "3")));
      String end = a.getOrDefault("end", "now");
      String pause = a.get("pause-file");
      return new Options(
          url,
          Long.parseLong(a.getOrDefault("spans", "10000000")),
          window,
          end.equals("now") ? Instant.now() : Instant.parse(end),
          Long.parseLong(a.getOrDefault("seed", "1")),
          Integer.parseInt(a.getOrDefault("batch-spans", Integer.toString(DEFAULT_BATCH_SPANS))),
          Integer.parseInt(a.getOrDefault("threads", "1")),
          Integer.parseInt(a.getOrDefault("writers", "2")),
          pause == null || pause.isEmpty() ? null : Path.of(pause));
    }
  }

  /** What was written. */
  record Summary(
      long spans,
      long traces,
      long logs,
      long metricPoints,
      long rejected,
      Instant from,
      Instant to,
      Duration elapsed) {
    double spansPerSecond() {
      return spans / Math.max(0.001, elapsed.toNanos() / 1e9);
    }
  }

  /** One converted batch on its way to a writer. */
  private record Work(TelemetryBatch batch, EncodedRows rows, RollupBatch rollups) {}

  private static final Work DONE =
      new Work(TelemetryBatch.EMPTY, EncodedRows.EMPTY, new RollupBatch());

  private final Options options;
  private final Traffic traffic;
  private final OtlpConverter converter;
  private final Rollups rollups;
  private final AtomicLong spans = new AtomicLong();
  private final AtomicLong traces = new AtomicLong();
  private final AtomicLong logs = new AtomicLong();
  private final AtomicLong metricPoints = new AtomicLong();
  private final AtomicLong rejected = new AtomicLong();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();

  DataGenerator(Options options) {
    this.options = options;
    this.traffic = new Traffic(new Topology(options.seed()));
    this.converter =
        new OtlpConverter(
            OtlpLimits.DEFAULT,
            () -> System.currentTimeMillis() * 1_000_000L,
            CollectorConfig.DEFAULT_TRACE_RETENTION_DAYS,
            CollectorConfig.DEFAULT_LOG_RETENTION_DAYS,
            CollectorConfig.DEFAULT_METRIC_RETENTION_DAYS);
    // Whole traces travel in one batch, so no edge has to wait for a span still in flight.
    this.rollups = new Rollups(Rollups.DEFAULT_CAPACITY, 0, System::nanoTime);
  }

  public static void main(String[] args) throws Exception {
    Options options = Options.parse(args);
    try (Store store = Store.builder(options.dbUrl()).poolSize(options.writers() + 2).open()) {
      store.migrate();
      Summary s = new DataGenerator(options).run(store, true);
      System.out.printf(
          "DONE spans=%d traces=%d logs=%d metricPoints=%d rejected=%d from=%s to=%s"
              + " elapsed=%ds rate=%.0f spans/s%n",
          s.spans(),
          s.traces(),
          s.logs(),
          s.metricPoints(),
          s.rejected(),
          s.from(),
          s.to(),
          s.elapsed().toSeconds(),
          s.spansPerSecond());
      Long bytes =
          store
              .jdbi()
              .withHandle(
                  h ->
                      h.createQuery("SELECT pg_database_size(current_database())")
                          .mapTo(Long.class)
                          .one());
      System.out.printf("database size: %.2f GB%n", bytes / 1e9);
    }
  }

  /** Generates and writes everything; returns once all is committed. */
  Summary run(Store store, boolean progress) throws InterruptedException {
    long started = System.nanoTime();
    long endNs = Math.floorDiv(options.end().toEpochMilli(), 60_000L) * MINUTE_NS;
    int minutes = (int) options.window().toMinutes();
    long startNs = endNs - minutes * MINUTE_NS;
    TelemetryWriter writer = new TelemetryWriter(store.jdbi(), new Partitions());
    BlockingQueue<Work> queue = new ArrayBlockingQueue<>(2 * options.writers());
    List<Thread> writers = new ArrayList<>();
    for (int w = 0; w < options.writers(); w++) {
      int slot = w;
      writers.add(start("vigil-datagen-writer-" + w, () -> write(writer, queue, slot)));
    }
    double[] budget = minuteBudgets(startNs, minutes);
    List<Thread> generators = new ArrayList<>();
    for (int t = 0; t < options.threads(); t++) {
      int thread = t;
      generators.add(
          start("vigil-datagen-" + t, () -> generate(queue, startNs, minutes, budget, thread)));
    }
    Thread reporter = progress ? start("vigil-datagen-progress", () -> report(started)) : null;
    for (Thread g : generators) {
      g.join();
    }
    for (int w = 0; w < writers.size(); w++) {
      queue.put(DONE);
    }
    for (Thread w : writers) {
      w.join();
    }
    if (reporter != null) {
      reporter.interrupt();
    }
    Throwable f = failure.get();
    if (f != null) {
      throw new IllegalStateException("generation failed: " + f, f);
    }
    return new Summary(
        spans.get(),
        traces.get(),
        logs.get(),
        metricPoints.get(),
        rejected.get(),
        Instant.ofEpochSecond(0, startNs),
        Instant.ofEpochSecond(0, endNs),
        Duration.ofNanos(System.nanoTime() - started));
  }

  /** Spans to start in each minute: a day-night cycle peaking at 14:00 UTC, summing to spans. */
  private double[] minuteBudgets(long startNs, int minutes) {
    double[] weight = new double[minutes];
    double sum = 0;
    for (int m = 0; m < minutes; m++) {
      double hour = ((startNs / MINUTE_NS + m) % 1440) / 60.0;
      weight[m] = 1 + 0.6 * Math.cos((hour - 14) / 24 * 2 * Math.PI);
      sum += weight[m];
    }
    for (int m = 0; m < minutes; m++) {
      weight[m] = weight[m] / sum * options.spans();
    }
    return weight;
  }

  /** Generates the minutes of this thread: chunks of ten minutes dealt round-robin. */
  private void generate(
      BlockingQueue<Work> queue, long startNs, int minutes, double[] budget, int thread) {
    SplittableRandom random = new SplittableRandom(options.seed() * 7919 + thread);
    Traffic.Batch batch = new Traffic.Batch();
    double owed = 0;
    try {
      for (int m = 0; m < minutes && failure.get() == null; m++) {
        if ((m / 10) % options.threads() != thread) {
          continue;
        }
        long minuteNs = startNs + m * MINUTE_NS;
        owed += budget[m];
        int before = batch.spanCount;
        while (owed > batch.spanCount - before) {
          traffic.trace(random, minuteNs + random.nextLong(MINUTE_NS), batch);
        }
        owed -= batch.spanCount - before;
        traffic.minuteOfMetrics(random, minuteNs, batch);
        if (batch.spanCount >= options.batchSpans()) {
          pauseWhileQuiet();
          queue.put(convert(batch));
          batch = new Traffic.Batch();
        }
      }
      if (batch.spanCount + batch.metricCount > 0) {
        queue.put(convert(batch));
      }
    } catch (Throwable e) {
      failure.compareAndSet(null, e);
    }
  }

  private Work convert(Traffic.Batch b) {
    Conversion t = converter.convertTraces(traffic.traces(b));
    Conversion l = converter.convertLogs(traffic.logs(b));
    Conversion m = converter.convertMetrics(traffic.metrics(b));
    rejected.addAndGet(t.rejected() + l.rejected() + m.rejected());
    Map<Long, ResourceRow> resources = new LinkedHashMap<>();
    for (Conversion c : List.of(t, l, m)) {
      for (ResourceRow r : c.batch().resources()) {
        resources.putIfAbsent(r.resourceId(), r);
      }
    }
    // In id order, so two writers adding the same new resources lock them in the same order.
    List<ResourceRow> sorted = new ArrayList<>(resources.values());
    sorted.sort(java.util.Comparator.comparingLong(ResourceRow::resourceId));
    List<SpanRow> spanRows = t.batch().spans();
    List<LogRow> logRows = l.batch().logs();
    List<MetricRow> metricRows = m.batch().metrics();
    TelemetryBatch batch = new TelemetryBatch(List.copyOf(sorted), spanRows, logRows, metricRows);
    traces.addAndGet(b.traceCount);
    return new Work(batch, EncodedRows.of(batch), rollups.aggregate(spanRows));
  }

  private void write(TelemetryWriter writer, BlockingQueue<Work> queue, int slot) {
    try {
      while (true) {
        Work w = queue.take();
        if (w == DONE) {
          return;
        }
        if (failure.get() != null) {
          continue; // drain so generators never block on a full queue
        }
        writer.write(w.batch(), List.of(w.rows()), w.rollups(), slot, TelemetryWriter.NO_DEADLINE);
        spans.addAndGet(w.batch().spans().size());
        logs.addAndGet(w.batch().logs().size());
        metricPoints.addAndGet(w.batch().metrics().size());
      }
    } catch (Throwable e) {
      failure.compareAndSet(null, e);
      drain(queue);
    }
  }

  private static void drain(BlockingQueue<Work> queue) {
    try {
      while (queue.take() != DONE) {
        // keep taking until this writer's end marker
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void pauseWhileQuiet() throws InterruptedException {
    Path pause = options.pauseFile();
    boolean told = false;
    while (pause != null && Files.exists(pause)) {
      if (!told) {
        System.out.println("paused while " + pause + " exists");
        told = true;
      }
      Thread.sleep(5000);
    }
    if (told) {
      System.out.println("resumed");
    }
  }

  private void report(long started) {
    try {
      while (true) {
        Thread.sleep(10_000);
        double s = (System.nanoTime() - started) / 1e9;
        System.out.printf(
            "%6.0fs spans=%d (%.1f%%) traces=%d logs=%d metricPoints=%d rate=%.0f spans/s%n",
            s,
            spans.get(),
            100.0 * spans.get() / options.spans(),
            traces.get(),
            logs.get(),
            metricPoints.get(),
            spans.get() / s);
      }
    } catch (InterruptedException e) {
      // finished
    }
  }

  private static Thread start(String name, Runnable body) {
    Thread t = new Thread(body, name);
    t.setDaemon(true);
    t.start();
    return t;
  }
}
