package dev.vigil.benchmarks;

import dev.vigil.framework.Metadata;
import dev.vigil.framework.transport.http.HttpClientPool;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;
import org.jspecify.annotations.Nullable;

/**
 * What the agent benchmarks share: the three systems (no agent, Vigil, the OpenTelemetry agent) as
 * JVM flags, a fresh PostgreSQL database, launching {@link AgentBenchService} in a child JVM and
 * reading its CPU time and peak RSS from {@code /proc}. Not thread-safe.
 */
final class AgentSystems {
  static final List<String> NAMES = List.of("no-agent", "vigil", "otel");
  static final String BASELINE = "vigil-before";
  static final Duration TIMEOUT = Duration.ofSeconds(5);
  static final byte[] REQUEST = "{\"id\":42}".getBytes(StandardCharsets.UTF_8);
  private static final String ADMIN_URL = "jdbc:postgresql://127.0.0.1:5432/postgres";

  private final String vigilAgent;
  private final String otelAgent;
  private final @Nullable String baselineAgent;
  private final String sinkEndpoint;
  private final boolean otelToSink;
  final String jdbcUrl;
  private final String database;

  AgentSystems(
      String vigilAgent,
      String otelAgent,
      @Nullable String baselineAgent,
      String sinkEndpoint,
      boolean otelToSink)
      throws Exception {
    this.vigilAgent = requireFile(vigilAgent);
    this.otelAgent = requireFile(otelAgent);
    this.baselineAgent = baselineAgent == null ? null : requireFile(baselineAgent);
    this.sinkEndpoint = sinkEndpoint;
    this.otelToSink = otelToSink;
    this.database = "vigil_agent_bench_" + ProcessHandle.current().pid();
    try (Connection c = DriverManager.getConnection(ADMIN_URL, "postgres", "");
        Statement s = c.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS " + database);
      s.execute("CREATE DATABASE " + database);
    }
    this.jdbcUrl = "jdbc:postgresql://127.0.0.1:5432/" + database;
    try (Connection c = DriverManager.getConnection(jdbcUrl, "postgres", "");
        Statement s = c.createStatement()) {
      s.execute(
          "CREATE TABLE items (id bigint PRIMARY KEY, sku text NOT NULL, price_cents bigint)");
      s.execute(
          "INSERT INTO items SELECT i, 'sku-' || i, i * 100 FROM generate_series(1, 1000) AS i");
    }
  }

  /**
   * The systems to run: {@code only} (comma-separated) or all three, plus {@link #BASELINE} right
   * after {@code vigil} when a baseline agent jar was given.
   */
  List<String> names(@Nullable String only) {
    List<String> names = new ArrayList<>();
    for (String n : NAMES) {
      if (only == null || List.of(only.split(",")).contains(n)) {
        names.add(n);
        if (n.equals("vigil") && baselineAgent != null) {
          names.add(BASELINE);
        }
      }
    }
    if (!names.contains("no-agent")) {
      throw new IllegalArgumentException("systems: " + only + " (expected: no-agent among them)");
    }
    return names;
  }

  void dropDatabase() throws Exception {
    try (Connection c = DriverManager.getConnection(ADMIN_URL, "postgres", "");
        Statement s = c.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS " + database);
    }
  }

  private static String requireFile(String path) {
    if (!new File(path).isFile()) {
      throw new IllegalArgumentException("agent jar: " + path + " (expected: an existing file)");
    }
    return new File(path).getAbsolutePath();
  }

  List<String> agentFlags(String system) {
    List<String> flags = new ArrayList<>();
    switch (system) {
      case "no-agent" -> {}
      case "vigil", BASELINE -> {
        flags.add("-javaagent:" + (system.equals(BASELINE) ? baselineAgent : vigilAgent));
        flags.add("-Dvigil.service.name=items");
        flags.add("-Dvigil.collector.endpoint=" + sinkEndpoint);
      }
      case "otel" -> {
        flags.add("-javaagent:" + otelAgent);
        flags.add("-Dotel.service.name=items");
        if (otelToSink) {
          flags.add("-Dotel.exporter.otlp.protocol=http/protobuf");
          flags.add("-Dotel.exporter.otlp.endpoint=" + sinkEndpoint);
        } else {
          flags.add("-Dotel.traces.exporter=none");
          flags.add("-Dotel.metrics.exporter=none");
          flags.add("-Dotel.logs.exporter=none");
        }
      }
      default -> throw new IllegalArgumentException("system: " + system);
    }
    return flags;
  }

  /** A running {@link AgentBenchService} JVM. */
  record Child(Process process, String address, long launchedNanos) {
    void stop() throws InterruptedException {
      process.destroy();
      process.waitFor();
    }
  }

  /**
   * Starts the service; {@code {run}} in a JVM flag becomes the log file's name without {@code
   * .log} (say, {@code -XX:StartFlightRecording:filename=/tmp/{run}.jfr}).
   */
  Child launch(String system, List<String> jvmFlags, Path log) throws IOException {
    int port = freePort();
    String run = log.getFileName().toString().replaceFirst("\\.log$", "");
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String f : jvmFlags) {
      cmd.add(f.replace("{run}", run));
    }
    cmd.addAll(agentFlags(system));
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(AgentBenchService.class.getName());
    cmd.add(jdbcUrl);
    cmd.add("127.0.0.1:" + port);
    long t0 = System.nanoTime();
    Process p =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    return new Child(p, "127.0.0.1:" + port, t0);
  }

  /** Polls the endpoint until it answers 200; returns nanoTime of that answer. */
  static long awaitFirstAnswer(Child child, HttpClientPool http) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (System.nanoTime() < deadline) {
      if (!child.process().isAlive()) {
        throw new IllegalStateException("service exited with " + child.process().exitValue());
      }
      try {
        if (call(http, child.address()) == 200) {
          return System.nanoTime();
        }
      } catch (Exception notYet) {
        // not listening yet
      }
      Thread.sleep(5);
    }
    throw new IllegalStateException("no answer from " + child.address() + " within 120 s");
  }

  static int call(HttpClientPool http, String address) throws Exception {
    HttpClientPool.Response r =
        http.post(
            address,
            AgentBenchService.PATH,
            "application/json",
            Metadata.empty(),
            REQUEST,
            TIMEOUT);
    return r.status();
  }

  /** User plus system CPU seconds of a process so far. */
  static double cpuSeconds(long pid) throws IOException {
    return cpuSeconds(Path.of("/proc/" + pid + "/stat"));
  }

  private static double cpuSeconds(Path statFile) throws IOException {
    String stat = Files.readString(statFile);
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    // fields 14 and 15 of stat (utime, stime), counted from the state field (3)
    return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
  }

  /** User plus system CPU seconds so far of a process's JIT compiler threads. */
  static double compilerCpuSeconds(long pid) throws IOException {
    double sum = 0;
    for (Map.Entry<String, Double> e : cpuSecondsByThread(pid).entrySet()) {
      // "C2 CompilerThre", "C1 CompilerThre" (names are cut at 15 characters)
      if (e.getKey().contains("Compiler")) {
        sum += e.getValue();
      }
    }
    return sum;
  }

  /**
   * User plus system CPU seconds so far of a process's threads, by name (as the kernel keeps it,
   * cut at 15 characters; digits that number threads of one pool are replaced by {@code N}).
   */
  static Map<String, Double> cpuSecondsByThread(long pid) throws IOException {
    Map<String, Double> byName = new TreeMap<>();
    try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
      for (Path task : (Iterable<Path>) tasks::iterator) {
        try {
          String name = Files.readString(task.resolve("comm")).trim().replaceAll("[0-9]+", "N");
          byName.merge(name, cpuSeconds(task.resolve("stat")), Double::sum);
        } catch (IOException exited) {
          // the thread ended meanwhile
        }
      }
    }
    return byName;
  }

  /** The {@code n} threads that used the most CPU, as {@code name 1.23 s; ...}. */
  static String topThreads(Map<String, Double> cpuByThread, int n) {
    StringBuilder top = new StringBuilder();
    cpuByThread.entrySet().stream()
        .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
        .limit(n)
        .forEach(e -> top.append(fmt("%s %.2f s; ", e.getKey(), e.getValue())));
    return top.toString().trim();
  }

  /** Peak resident set size (VmHWM) in MiB. */
  static double peakRssMib(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("VmHWM:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
      }
    }
    throw new IllegalStateException("no VmHWM for " + pid);
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  static double loadAverage() {
    return java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }

  static <T> double median(List<T> values, ToDoubleFunction<T> f) {
    double[] v = values.stream().mapToDouble(f).sorted().toArray();
    int n = v.length;
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }

  static String fmt(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }
}
