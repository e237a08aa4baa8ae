package dev.vigil.collector.bench;

import dev.vigil.collector.model.SpanRow;
import dev.vigil.collector.otlp.OtlpConverter;
import dev.vigil.collector.otlp.OtlpLimits;
import dev.vigil.collector.store.Store;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Ingest benchmark: spans per second committed by the Vigil collector, by raw PostgreSQL COPY of
 * the same rows, and by Zipkin server with its MySQL store, measured side by side on one machine.
 *
 * <p>Each round runs every system once, in an order rotated per round, against a fresh database: 8
 * senders (configurable) post batches of 100 spans ({@link Workload}) for a warm-up and then a
 * measured window; spans committed are rows counted in the database at the window's start and end,
 * acknowledged spans are 2xx answers. The Vigil collector and Zipkin each run in their own JVM
 * started here; raw COPY streams from this process over one connection. Medians over the rounds are
 * printed as a Markdown table.
 *
 * <p>Arguments ({@code --name=value}): {@code rounds} (3), {@code seconds} measured (20), {@code
 * warmup} seconds (10), {@code senders} (8), {@code systems} (vigil,copy,zipkin), {@code
 * zipkin-jar}, {@code pg} (admin JDBC URL), {@code mysql-host}, {@code mysql-port}, {@code work}
 * (directory for logs), {@code copy-rows} (rows per raw COPY transaction, 10000), {@code
 * collector-jvm} (extra JVM options for the collector, space-separated).
 */
public final class IngestBenchmark {
  private static final HexFormat HEX = HexFormat.of();

  record Result(
      String system,
      int round,
      double committedPerSecond,
      double ackedPerSecond,
      double p50Millis,
      double p99Millis,
      double bytesPerSpan,
      long committedTotal,
      long ackedTotal,
      double cpuCoresOfServer,
      double cpuMicrosPerSpan,
      String load,
      String note) {}

  private final Map<String, String> options;
  private final int seconds;
  private final int warmup;
  private final int senders;
  private final String pgAdmin;
  private final Path work;
  private final PrintStream out = System.out;
  private final Random random = new Random();

  IngestBenchmark(Map<String, String> options) throws IOException {
    this.options = options;
    this.seconds = Integer.parseInt(options.getOrDefault("seconds", "20"));
    this.warmup = Integer.parseInt(options.getOrDefault("warmup", "10"));
    this.senders = Integer.parseInt(options.getOrDefault("senders", "8"));
    this.pgAdmin =
        options.getOrDefault("pg", "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres");
    this.work = Path.of(options.getOrDefault("work", "collector/target/bench"));
    Files.createDirectories(work);
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> options = new LinkedHashMap<>();
    for (String arg : args) {
      if (!arg.startsWith("--") || !arg.contains("=")) {
        System.err.println("usage: IngestBenchmark [--name=value]... (got " + arg + ")");
        System.exit(2);
      }
      options.put(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
    }
    new IngestBenchmark(options).run();
    System.exit(0);
  }

  void run() throws Exception {
    int rounds = Integer.parseInt(options.getOrDefault("rounds", "3"));
    List<String> systems = List.of(options.getOrDefault("systems", "vigil,copy,zipkin").split(","));
    out.printf(
        "ingest benchmark: %d rounds of %s, %d s warm-up + %d s measured, %d senders x %d spans,"
            + " %d cores, load %s%n",
        rounds,
        systems,
        warmup,
        seconds,
        senders,
        Workload.SPANS,
        Runtime.getRuntime().availableProcessors(),
        load());
    List<Result> results = new ArrayList<>();
    for (int round = 1; round <= rounds; round++) {
      for (int i = 0; i < systems.size(); i++) {
        String system = systems.get((i + round - 1) % systems.size());
        Result r =
            switch (system) {
              case "vigil" -> vigil(round, "vigil", System.getProperty("java.class.path"));
              case "before" -> vigil(round, "before", beforeClasspath());
              case "vigil2" -> vigil(round, "vigil2", System.getProperty("java.class.path"));
              case "copy" -> rawCopy(round, false);
              case "copy-binary" -> rawCopy(round, true);
              case "zipkin" -> zipkin(round);
              default -> throw new IllegalArgumentException("system: " + system);
            };
        out.println(line(r));
        results.add(r);
      }
    }
    String table = table(systems, results);
    out.println();
    out.println(table);
    Files.writeString(work.resolve("results.md"), table);
  }

  // ---------------------------------------------------------------------------------------------
  // Vigil collector

  /**
   * The classpath with {@code --before-classes} (an earlier build of the collector's main classes)
   * in place of the current ones, to measure a change side by side.
   */
  private String beforeClasspath() {
    String before = options.get("before-classes");
    if (before == null) {
      throw new IllegalArgumentException("before-classes: missing (expected: a classes directory)");
    }
    List<String> cp = new ArrayList<>(List.of(before));
    // The test classes stay: they hold the logging configuration both systems must share (without
    // it the earlier build would log at DEBUG and pay for it); no main class is among them.
    for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
      if (!entry.endsWith("collector/target/classes")) {
        cp.add(entry);
      }
    }
    return String.join(java.io.File.pathSeparator, cp);
  }

  private Result vigil(int round, String label, String classpath) throws Exception {
    String db = "vigil_bench_" + Long.toHexString(random.nextLong() & Long.MAX_VALUE);
    admin("CREATE DATABASE " + db);
    String url = withDatabase(pgAdmin, db);
    int port = freePort();
    List<String> command = new ArrayList<>(List.of(javaBin(), "-Xms1g", "-Xmx1g"));
    String extra = options.getOrDefault("collector-jvm", "");
    if (!extra.isBlank()) {
      command.addAll(List.of(extra.trim().split("\\s+")));
    }
    command.addAll(List.of("-cp", classpath, "dev.vigil.collector.CollectorServer"));
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().put("VIGIL_DB_URL", url);
    pb.environment().put("VIGIL_OTLP_PORT", Integer.toString(port));
    String writers = options.get(label + "-writers");
    if (writers != null) {
      pb.environment().put("VIGIL_WRITER_THREADS", writers);
    }
    pb.redirectErrorStream(true)
        .redirectOutput(work.resolve(label + "-" + round + ".log").toFile());
    Process process = pb.start();
    try (Connection c = DriverManager.getConnection(url)) {
      waitHttp(port, "/ready", 200, Duration.ofSeconds(90));
      Workload workload = new Workload(random.nextLong(), nowNanos());
      Senders load =
          new Senders(
              senders,
              "127.0.0.1",
              port,
              "/v1/traces",
              "application/x-protobuf",
              workload,
              false,
              200,
              random.nextInt(1 << 20) * 1_000_000L);
      load.start();
      Thread.sleep(warmup * 1000L);
      String loadBefore = load();
      long rows0 = count(c, "SELECT count(*) FROM spans");
      long acked0 = load.ackedSpans.sum();
      long cpu0 = cpuNanos(process);
      long pg0 = postgresCpuNanos(c);
      long t0 = System.nanoTime();
      load.measuring = true;
      Thread.sleep(seconds * 1000L);
      load.measuring = false;
      long rows1 = count(c, "SELECT count(*) FROM spans");
      long acked1 = load.ackedSpans.sum();
      double elapsed = (System.nanoTime() - t0) / 1e9;
      long cpu1 = cpuNanos(process);
      long pg1 = postgresCpuNanos(c);
      String loadAfter = load();
      load.stop(30_000);
      long rows = count(c, "SELECT count(*) FROM spans");
      long acked = load.ackedSpans.sum();
      double bytes =
          (double)
                  count(
                      c,
                      "SELECT (SELECT coalesce(sum(pg_total_relation_size(inhrelid)), 0)"
                          + " FROM pg_inherits WHERE inhparent = 'spans'::regclass)"
                          + " + pg_total_relation_size('resources')")
              / rows;
      String note =
          "statuses "
              + load.statusSummary()
              + (rows < acked ? "; MISSING " + (acked - rows) + " acknowledged spans" : "");
      return new Result(
          label,
          round,
          (rows1 - rows0) / elapsed,
          (acked1 - acked0) / elapsed,
          load.percentileMillis(0.50),
          load.percentileMillis(0.99),
          bytes,
          rows,
          acked,
          (cpu1 - cpu0) / 1e9 / elapsed,
          (cpu1 - cpu0 + pg1 - pg0) / 1e3 / Math.max(1, rows1 - rows0),
          loadBefore + " / " + loadAfter,
          note);
    } finally {
      stop(process);
      dropDatabase(db);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Raw PostgreSQL COPY: the same rows into the same (Flyway-migrated) spans table, one stream.

  private Result rawCopy(int round, boolean binary) throws Exception {
    String db = "vigil_bench_copy_" + Long.toHexString(random.nextLong() & Long.MAX_VALUE);
    admin("CREATE DATABASE " + db);
    String url = withDatabase(pgAdmin, db);
    int rowsPerCopy = Integer.parseInt(options.getOrDefault("copy-rows", "10000"));
    try (Store store = Store.builder(url).poolSize(2).open()) {
      store.migrate();
    }
    long now = nowNanos();
    Workload workload = new Workload(random.nextLong(), now);
    List<SpanRow> template =
        new OtlpConverter(OtlpLimits.DEFAULT, IngestBenchmark::nowNanos, 7, 7, 30)
            .convertTraces(ExportTraceServiceRequest.parseFrom(workload.protobufTemplate()))
            .batch()
            .spans();
    Map<String, Integer> traceIndex = new HashMap<>();
    int[] traceOf = new int[template.size()];
    for (int i = 0; i < template.size(); i++) {
      traceOf[i] =
          traceIndex.computeIfAbsent(
              HEX.formatHex(template.get(i).traceId()), k -> traceIndex.size());
    }
    try (Connection c = DriverManager.getConnection(url);
        Connection counter = DriverManager.getConnection(url)) {
      try (Statement s = c.createStatement()) {
        s.execute(
            "SELECT vigil_ensure_partition('spans', DATE '"
                + dev.vigil.collector.store.Partitions.dayOf(now)
                + "')");
      }
      c.setAutoCommit(false);
      var copyApi = c.unwrap(PGConnection.class).getCopyAPI();
      long request = random.nextInt(1 << 20) * 1_000_000L;
      long start = System.nanoTime();
      long warmEnd = start + warmup * 1_000_000_000L;
      long end = warmEnd + seconds * 1_000_000_000L;
      long committedInWindow = 0;
      long rows = 0;
      List<Long> latencies = new ArrayList<>();
      String loadBefore = null;
      long t0 = 0;
      long t1 = 0;
      StringBuilder text = new StringBuilder(rowsPerCopy * 400);
      long pg0 = 0;
      while (true) {
        long txStart = System.nanoTime();
        if (txStart >= end) {
          t1 = txStart;
          break;
        }
        if (loadBefore == null && txStart >= warmEnd) {
          loadBefore = load();
          pg0 = postgresCpuNanos(counter);
          t0 = txStart;
        }
        CopyIn copy =
            copyApi.copyIn(
                "COPY spans (start_ns, duration_ns, resource_id, kind, status_code, trace_id,"
                    + " span_id, parent_span_id, service, name, status_message, scope,"
                    + " attributes, events, links) FROM STDIN"
                    + (binary ? " (FORMAT binary)" : ""));
        int n = 0;
        if (binary) {
          copy.writeToCopy(BINARY_HEADER, 0, BINARY_HEADER.length);
        }
        while (n < rowsPerCopy) {
          long r = request++;
          byte[] bytes;
          if (binary) {
            java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream(64 * 1024);
            java.io.DataOutputStream d = new java.io.DataOutputStream(b);
            for (int i = 0; i < template.size(); i++) {
              binaryRow(d, template.get(i), Workload.traceLow(r, traceOf[i]));
            }
            bytes = b.toByteArray();
          } else {
            text.setLength(0);
            for (int i = 0; i < template.size(); i++) {
              appendRow(text, template.get(i), Workload.traceLow(r, traceOf[i]));
            }
            bytes = text.toString().getBytes(StandardCharsets.UTF_8);
          }
          copy.writeToCopy(bytes, 0, bytes.length);
          n += template.size();
        }
        if (binary) {
          copy.writeToCopy(new byte[] {-1, -1}, 0, 2);
        }
        copy.endCopy();
        c.commit();
        long txEnd = System.nanoTime();
        rows += n;
        if (loadBefore != null) {
          committedInWindow += n;
          latencies.add(txEnd - txStart);
        }
      }
      String loadAfter = load();
      long pg1 = postgresCpuNanos(counter);
      double elapsed = (t1 - t0) / 1e9;
      long counted = count(counter, "SELECT count(*) FROM spans");
      double bytes =
          (double)
                  count(
                      counter,
                      "SELECT coalesce(sum(pg_total_relation_size(inhrelid)), 0)"
                          + " FROM pg_inherits WHERE inhparent = 'spans'::regclass")
              / counted;
      long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
      return new Result(
          binary ? "copy-binary" : "copy",
          round,
          committedInWindow / elapsed,
          committedInWindow / elapsed,
          sorted.length == 0 ? Double.NaN : sorted[sorted.length / 2] / 1e6,
          sorted.length == 0
              ? Double.NaN
              : sorted[(int) Math.min(sorted.length - 1, Math.ceil(0.99 * sorted.length) - 1)]
                  / 1e6,
          bytes,
          counted,
          rows,
          Double.NaN,
          (pg1 - pg0) / 1e3 / Math.max(1, committedInWindow),
          loadBefore + " / " + loadAfter,
          rowsPerCopy
              + " rows per COPY transaction; latency is per transaction"
              + (counted != rows ? "; COUNT MISMATCH " + counted : ""));
    } finally {
      dropDatabase(db);
    }
  }

  private static final byte[] BINARY_HEADER = {
    'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xff, '\r', '\n', 0, 0, 0, 0, 0, 0, 0, 0, 0
  };

  private static void binaryRow(java.io.DataOutputStream d, SpanRow s, long traceLow)
      throws IOException {
    byte[] traceId = s.traceId().clone();
    for (int b = 0; b < 8; b++) {
      traceId[8 + b] = (byte) (traceLow >>> (56 - 8 * b));
    }
    d.writeShort(15);
    for (long v : new long[] {s.startNs(), s.durationNs(), s.resourceId()}) {
      d.writeInt(8);
      d.writeLong(v);
    }
    d.writeInt(2);
    d.writeShort(s.kind());
    d.writeInt(2);
    d.writeShort(s.statusCode());
    for (byte[] v : new byte[][] {traceId, s.spanId(), s.parentSpanId()}) {
      binaryBytes(d, v, false);
    }
    for (String v : new String[] {s.service(), s.name(), s.statusMessage(), s.scope()}) {
      binaryBytes(d, v == null ? null : v.getBytes(StandardCharsets.UTF_8), false);
    }
    for (String v : new String[] {s.attributesJson(), s.eventsJson(), s.linksJson()}) {
      binaryBytes(d, v == null ? null : v.getBytes(StandardCharsets.UTF_8), true);
    }
  }

  private static void binaryBytes(java.io.DataOutputStream d, byte[] v, boolean jsonb)
      throws IOException {
    if (v == null) {
      d.writeInt(-1);
      return;
    }
    d.writeInt(v.length + (jsonb ? 1 : 0));
    if (jsonb) {
      d.writeByte(1);
    }
    d.write(v);
  }

  private static void appendRow(StringBuilder sb, SpanRow s, long traceLow) {
    byte[] traceId = s.traceId().clone();
    for (int b = 0; b < 8; b++) {
      traceId[8 + b] = (byte) (traceLow >>> (56 - 8 * b));
    }
    sb.append(s.startNs()).append('\t');
    sb.append(s.durationNs()).append('\t');
    sb.append(s.resourceId()).append('\t');
    sb.append(s.kind()).append('\t');
    sb.append(s.statusCode()).append('\t');
    sb.append("\\\\x").append(HEX.formatHex(traceId)).append('\t');
    sb.append("\\\\x").append(HEX.formatHex(s.spanId())).append('\t');
    if (s.parentSpanId() == null) {
      sb.append("\\N");
    } else {
      sb.append("\\\\x").append(HEX.formatHex(s.parentSpanId()));
    }
    sb.append('\t');
    text(sb, s.service()).append('\t');
    text(sb, s.name()).append('\t');
    text(sb, s.statusMessage()).append('\t');
    text(sb, s.scope()).append('\t');
    text(sb, s.attributesJson()).append('\t');
    text(sb, s.eventsJson()).append('\t');
    text(sb, s.linksJson()).append('\n');
  }

  private static StringBuilder text(StringBuilder sb, String value) {
    if (value == null) {
      return sb.append("\\N");
    }
    for (int i = 0; i < value.length(); i++) {
      char ch = value.charAt(i);
      switch (ch) {
        case '\\' -> sb.append("\\\\");
        case '\t' -> sb.append("\\t");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        default -> sb.append(ch);
      }
    }
    return sb;
  }

  // ---------------------------------------------------------------------------------------------
  // Zipkin server with its MySQL store on the local MariaDB.

  private Result zipkin(int round) throws Exception {
    Path jar =
        Path.of(
            options.getOrDefault("zipkin-jar", work.resolve("zipkin-server-exec.jar").toString()));
    if (!Files.exists(jar)) {
      throw new IllegalStateException("zipkin-jar: " + jar + " (expected: the exec jar)");
    }
    String db = "zipkin_bench";
    mysql("DROP DATABASE IF EXISTS " + db + "; CREATE DATABASE " + db, null);
    mysql(null, db, zipkinSchema(jar));
    int port = freePort();
    ProcessBuilder pb = new ProcessBuilder(javaBin(), "-Xms2g", "-Xmx2g", "-jar", jar.toString());
    Map<String, String> env = pb.environment();
    env.put("STORAGE_TYPE", "mysql");
    env.put("MYSQL_HOST", options.getOrDefault("mysql-host", "127.0.0.1"));
    env.put("MYSQL_TCP_PORT", options.getOrDefault("mysql-port", "3306"));
    env.put("MYSQL_USER", options.getOrDefault("mysql-user", "root"));
    env.put("MYSQL_PASS", options.getOrDefault("mysql-pass", ""));
    env.put("MYSQL_DB", db);
    env.put("QUERY_PORT", Integer.toString(port));
    pb.redirectErrorStream(true).redirectOutput(work.resolve("zipkin-" + round + ".log").toFile());
    Process process = pb.start();
    try {
      waitHttp(port, "/health", 200, Duration.ofSeconds(120));
      Workload workload = new Workload(random.nextLong(), nowNanos());
      Senders load =
          new Senders(
              senders,
              "127.0.0.1",
              port,
              "/api/v2/spans",
              "application/json",
              workload,
              true,
              202,
              random.nextInt(1 << 20) * 1_000_000L);
      load.start();
      Thread.sleep(warmup * 1000L);
      String loadBefore = load();
      long rows0 = zipkinRows(db);
      long acked0 = load.ackedSpans.sum();
      long cpu0 = cpuNanos(process);
      long my0 = mysqldCpuNanos();
      long t0 = System.nanoTime();
      load.measuring = true;
      Thread.sleep(seconds * 1000L);
      load.measuring = false;
      long rows1 = zipkinRows(db);
      long acked1 = load.ackedSpans.sum();
      double elapsed = (System.nanoTime() - t0) / 1e9;
      long cpu1 = cpuNanos(process);
      long my1 = mysqldCpuNanos();
      String loadAfter = load();
      load.stop(30_000);
      long acked = load.ackedSpans.sum();
      long rowsAtStop = zipkinRows(db);
      Thread.sleep(10_000);
      long rowsLater = zipkinRows(db);
      stop(process);
      long rows = zipkinRows(db);
      mysql("ANALYZE TABLE zipkin_spans, zipkin_annotations", db);
      long bytes =
          Long.parseLong(
              mysql(
                      "SELECT sum(data_length + index_length) FROM information_schema.tables"
                          + " WHERE table_schema = '"
                          + db
                          + "' AND table_name IN ('zipkin_spans', 'zipkin_annotations')",
                      db)
                  .trim());
      String note =
          String.format(
              Locale.ROOT,
              "statuses %s; backlog at stop %d acknowledged spans not in MySQL (%d rows at stop,"
                  + " %d 10 s later, %d after the server stopped)",
              load.statusSummary(),
              acked - rowsAtStop,
              rowsAtStop,
              rowsLater,
              rows);
      return new Result(
          "zipkin",
          round,
          (rows1 - rows0) / elapsed,
          (acked1 - acked0) / elapsed,
          load.percentileMillis(0.50),
          load.percentileMillis(0.99),
          rows == 0 ? Double.NaN : (double) bytes / rows,
          rows,
          acked,
          (cpu1 - cpu0) / 1e9 / elapsed,
          (cpu1 - cpu0 + my1 - my0) / 1e3 / Math.max(1, rows1 - rows0),
          loadBefore + " / " + loadAfter,
          note);
    } finally {
      stop(process);
      mysql("DROP DATABASE IF EXISTS " + db, null);
    }
  }

  private long zipkinRows(String db) throws IOException, InterruptedException {
    return Long.parseLong(mysql("SELECT count(*) FROM zipkin_spans", db).trim());
  }

  /** Zipkin's MySQL schema, read from the storage jar nested in the server's exec jar. */
  private static String zipkinSchema(Path execJar) throws IOException {
    try (ZipFile outer = new ZipFile(execJar.toFile())) {
      ZipEntry storage =
          outer.stream()
              .filter(e -> e.getName().matches("BOOT-INF/lib/zipkin-storage-mysql-v1-.*\\.jar"))
              .findFirst()
              .orElseThrow(() -> new IOException("no zipkin-storage-mysql-v1 in " + execJar));
      try (ZipInputStream inner = new ZipInputStream(outer.getInputStream(storage))) {
        for (ZipEntry e = inner.getNextEntry(); e != null; e = inner.getNextEntry()) {
          if (e.getName().equals("mysql.sql")) {
            return new String(inner.readAllBytes(), StandardCharsets.UTF_8);
          }
        }
      }
    }
    throw new IOException("no mysql.sql in zipkin-storage-mysql-v1");
  }

  private String mysql(String sql, String db) throws IOException, InterruptedException {
    return mysql(sql, db, null);
  }

  private String mysql(String sql, String db, String stdin)
      throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(
            List.of(
                "mysql",
                "-h",
                options.getOrDefault("mysql-host", "127.0.0.1"),
                "-P",
                options.getOrDefault("mysql-port", "3306"),
                "-u",
                options.getOrDefault("mysql-user", "root"),
                "-N",
                "-B"));
    String pass = options.getOrDefault("mysql-pass", "");
    if (!pass.isEmpty()) {
      command.add("-p" + pass);
    }
    if (sql != null) {
      command.addAll(List.of("-e", sql));
    }
    if (db != null) {
      command.add(db);
    }
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    try (OutputStream in = p.getOutputStream()) {
      if (stdin != null) {
        in.write(stdin.getBytes(StandardCharsets.UTF_8));
      }
    }
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IOException("mysql failed: " + output);
    }
    String last = "";
    for (String l : output.split("\n")) {
      if (!l.isBlank()) {
        last = l;
      }
    }
    return last;
  }

  // ---------------------------------------------------------------------------------------------
  // Reporting and helpers

  private static String line(Result r) {
    return String.format(
        Locale.ROOT,
        "round %d %-6s committed %,9.0f spans/s  acked %,9.0f spans/s  p50 %7.1f ms  p99 %7.1f ms"
            + "  %5.0f B/span  server CPU %.2f cores  CPU %.1f us/span committed  rows %,d"
            + " acked %,d  load %s  %s",
        r.round(),
        r.system(),
        r.committedPerSecond(),
        r.ackedPerSecond(),
        r.p50Millis(),
        r.p99Millis(),
        r.bytesPerSpan(),
        r.cpuCoresOfServer(),
        r.cpuMicrosPerSpan(),
        r.committedTotal(),
        r.ackedTotal(),
        r.load(),
        r.note());
  }

  private static String table(List<String> systems, List<Result> results) {
    Map<String, Double> committed = new LinkedHashMap<>();
    StringBuilder sb = new StringBuilder();
    sb.append(
        "| system | spans/s committed | spans/s acknowledged | p50 ms | p99 ms | bytes/span |"
            + " server JVM CPU (cores) | CPU µs per committed span | rounds |\n");
    sb.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (String system : systems) {
      List<Result> rs = results.stream().filter(r -> r.system().equals(system)).toList();
      double c = median(rs.stream().mapToDouble(Result::committedPerSecond).toArray());
      committed.put(system, c);
      sb.append(
          String.format(
              Locale.ROOT,
              "| %s | %,.0f | %,.0f | %.1f | %.1f | %.0f | %.2f | %.1f | %d |%n",
              system,
              c,
              median(rs.stream().mapToDouble(Result::ackedPerSecond).toArray()),
              median(rs.stream().mapToDouble(Result::p50Millis).toArray()),
              median(rs.stream().mapToDouble(Result::p99Millis).toArray()),
              median(rs.stream().mapToDouble(Result::bytesPerSpan).toArray()),
              median(rs.stream().mapToDouble(Result::cpuCoresOfServer).toArray()),
              median(rs.stream().mapToDouble(Result::cpuMicrosPerSpan).toArray()),
              rs.size()));
    }
    if (committed.containsKey("vigil")) {
      for (String other : List.of("copy", "copy-binary", "zipkin", "before")) {
        if (committed.containsKey(other)) {
          sb.append(
              String.format(
                  Locale.ROOT,
                  "%nvigil / %s committed: %.2f",
                  other,
                  committed.get("vigil") / committed.get(other)));
        }
      }
      // Ratios per round too: the systems of one round ran back to back under the same load.
      for (String other : List.of("copy", "copy-binary", "zipkin", "before")) {
        List<String> perRound = new ArrayList<>();
        for (Result v : results) {
          if (!v.system().equals("vigil")) {
            continue;
          }
          results.stream()
              .filter(o -> o.system().equals(other) && o.round() == v.round())
              .findFirst()
              .ifPresent(
                  o ->
                      perRound.add(
                          String.format(
                              Locale.ROOT,
                              "%.2f",
                              v.committedPerSecond() / o.committedPerSecond())));
        }
        if (!perRound.isEmpty()) {
          sb.append(String.format("%nvigil / %s per round: %s", other, perRound));
        }
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  private static double median(double[] values) {
    double[] v = Arrays.stream(values).filter(d -> !Double.isNaN(d)).sorted().toArray();
    if (v.length == 0) {
      return Double.NaN;
    }
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  private static String load() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException e) {
      return "?";
    }
  }

  /** CPU time of the PostgreSQL backends connected to {@code c}'s database, from /proc. */
  private static long postgresCpuNanos(Connection c) throws SQLException {
    long total = 0;
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")) {
      while (rs.next()) {
        total += procCpuNanos(rs.getLong(1));
      }
    }
    return total;
  }

  private static long mysqldCpuNanos() {
    return ProcessHandle.allProcesses()
        .filter(
            p ->
                p.info()
                    .command()
                    .map(cmd -> cmd.endsWith("/mariadbd") || cmd.endsWith("/mysqld"))
                    .orElse(false))
        .mapToLong(p -> procCpuNanos(p.pid()))
        .sum();
  }

  /** utime + stime of a process, assuming the usual 100 clock ticks per second. */
  private static long procCpuNanos(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10_000_000L;
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  private static long cpuNanos(Process process) {
    return process.info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
  }

  static long nowNanos() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }

  private static String javaBin() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static void waitHttp(int port, String path, int status, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        HttpURLConnection c =
            (HttpURLConnection)
                URI.create("http://127.0.0.1:" + port + path).toURL().openConnection();
        c.setConnectTimeout(1000);
        c.setReadTimeout(2000);
        int code = c.getResponseCode();
        try (InputStream in = code < 400 ? c.getInputStream() : c.getErrorStream()) {
          if (in != null) {
            in.readAllBytes();
          }
        }
        if (code == status) {
          return;
        }
      } catch (IOException e) {
        // not up yet
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException("127.0.0.1:" + port + path + " not " + status + " in time");
  }

  private static void stop(Process process) throws InterruptedException {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor();
    }
  }

  private static long count(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private void admin(String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection(pgAdmin);
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private void dropDatabase(String db) throws SQLException {
    admin(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '"
            + db
            + "' AND pid <> pg_backend_pid()");
    admin("DROP DATABASE IF EXISTS " + db);
  }

  static String withDatabase(String url, String database) {
    int schemeEnd = url.indexOf("//");
    int pathStart = url.indexOf('/', schemeEnd + 2);
    int queryStart = url.indexOf('?');
    String query = queryStart < 0 ? "" : url.substring(queryStart);
    return url.substring(0, pathStart + 1) + database + query;
  }
}
