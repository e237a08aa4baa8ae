package dev.vigil.console.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Load driver of the registry benchmark (see {@code docs/benchmarks.md}): registers {@code nodes}
 * nodes over {@code services} services on one console, renews each every {@code renewSeconds}
 * (evenly spread), holds one blocking query per service, and every {@code 1/probesPerSecond}
 * changes the weight of a node of the next service, timing how long until that service's watcher
 * sees it. Over the measured window it reports the console's CPU use (from {@code
 * /proc/<consolePid>/stat}), the PostgreSQL server's, heartbeat latency and watch propagation
 * p50/p99.
 *
 * <p>Arguments are {@code key=value}: {@code url}, {@code token}, {@code consolePid}, {@code nodes}
 * (10000), {@code services} (100), {@code renewSeconds} (5), {@code warmupSeconds} (20), {@code
 * measureSeconds} (60), {@code probesPerSecond} (5).
 */
public final class RegistryLoadDriver {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final long CLOCK_TICKS_PER_SECOND = 100;

  private final String url;
  private final String token;
  private final int nodes;
  private final int services;
  private final HttpClient http;
  private final Semaphore inFlight = new Semaphore(512);
  private final AtomicLong heartbeatErrors = new AtomicLong();
  private final AtomicLong heartbeatsSkipped = new AtomicLong();
  private final AtomicLong heartbeats = new AtomicLong();
  private final Map<Integer, AtomicLong> heartbeatStatuses = new ConcurrentHashMap<>();
  private final Samples heartbeatLatency = new Samples();
  private final Samples propagation = new Samples();
  private final Map<String, Probe> probes = new ConcurrentHashMap<>();
  private volatile boolean measuring;
  private volatile boolean stopping;

  private record Probe(int weight, long sentNanos) {}

  private RegistryLoadDriver(Map<String, String> args) {
    this.url = args.getOrDefault("url", "http://127.0.0.1:8080");
    this.token = args.get("token");
    this.nodes = Integer.parseInt(args.getOrDefault("nodes", "10000"));
    this.services = Integer.parseInt(args.getOrDefault("services", "100"));
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .executor(Executors.newFixedThreadPool(4))
            .connectTimeout(Duration.ofSeconds(5))
            .build();
  }

  public static void main(String[] argv) throws Exception {
    Map<String, String> args = new HashMap<>();
    for (String a : argv) {
      int eq = a.indexOf('=');
      args.put(a.substring(0, eq), a.substring(eq + 1));
    }
    new RegistryLoadDriver(args).run(args);
    System.exit(0);
  }

  private void run(Map<String, String> args) throws Exception {
    int renewSeconds = Integer.parseInt(args.getOrDefault("renewSeconds", "5"));
    int warmup = Integer.parseInt(args.getOrDefault("warmupSeconds", "20"));
    int measure = Integer.parseInt(args.getOrDefault("measureSeconds", "60"));
    double probesPerSecond = Double.parseDouble(args.getOrDefault("probesPerSecond", "5"));
    long consolePid = Long.parseLong(args.get("consolePid"));

    long t = System.nanoTime();
    List<CompletableFuture<?>> registrations = new ArrayList<>();
    Semaphore registering = new Semaphore(32);
    for (int i = 0; i < nodes; i++) {
      registering.acquire();
      registrations.add(
          send("PUT", nodePath(i), body(i)).whenComplete((r, e) -> registering.release()));
    }
    CompletableFuture.allOf(registrations.toArray(CompletableFuture[]::new)).join();
    System.out.printf(
        "registered %d nodes over %d services in %.1f s%n",
        nodes, services, (System.nanoTime() - t) / 1e9);

    for (int s = 0; s < services; s++) {
      watch("svc-" + s, 0);
    }

    ScheduledExecutorService timer = Executors.newScheduledThreadPool(2);
    // Heartbeats: every 10 ms the next slice of nodes, so each node renews every renewSeconds.
    long ticksPerRound = renewSeconds * 100L;
    AtomicLong tick = new AtomicLong();
    timer.scheduleAtFixedRate(
        () -> {
          long k = tick.getAndIncrement() % ticksPerRound;
          int from = (int) (k * nodes / ticksPerRound);
          int to = (int) ((k + 1) * nodes / ticksPerRound);
          for (int i = from; i < to; i++) {
            heartbeat(i);
          }
        },
        0,
        10,
        TimeUnit.MILLISECONDS);
    AtomicLong probeSeq = new AtomicLong();
    timer.scheduleAtFixedRate(
        () -> probe(probeSeq.getAndIncrement()),
        500,
        (long) (1000 / probesPerSecond),
        TimeUnit.MILLISECONDS);

    Thread.sleep(warmup * 1000L);
    long consoleStart = cpuTicks(consolePid);
    long postgresStart = postgresTicks();
    long started = System.nanoTime();
    measuring = true;
    Thread.sleep(measure * 1000L);
    measuring = false;
    double seconds = (System.nanoTime() - started) / 1e9;
    double consoleCores =
        (cpuTicks(consolePid) - consoleStart) / (double) CLOCK_TICKS_PER_SECOND / seconds;
    double postgresCores =
        (postgresTicks() - postgresStart) / (double) CLOCK_TICKS_PER_SECOND / seconds;
    stopping = true;
    timer.shutdownNow();

    System.out.printf(
        "window %.1f s, %d nodes renewing every %d s%n", seconds, nodes, renewSeconds);
    System.out.printf(
        "heartbeats: %d (%.0f/s), errors %d, skipped (driver saturated) %d, latency %s%n",
        heartbeats.get(),
        heartbeats.get() / seconds,
        heartbeatErrors.get(),
        heartbeatsSkipped.get(),
        heartbeatLatency.summary());
    System.out.printf(
        "console CPU: %.2f cores; PostgreSQL server CPU: %.2f cores%n",
        consoleCores, postgresCores);
    System.out.printf(
        "watch propagation (change sent -> watcher answered): %s%n", propagation.summary());
  }

  private void heartbeat(int i) {
    if (!inFlight.tryAcquire()) {
      if (measuring) {
        heartbeatsSkipped.incrementAndGet();
      }
      return;
    }
    long sent = System.nanoTime();
    send("PUT", nodePath(i), body(i))
        .whenComplete(
            (r, e) -> {
              inFlight.release();
              if (!measuring) {
                return;
              }
              heartbeats.incrementAndGet();
              heartbeatStatuses
                  .computeIfAbsent(e != null ? -1 : r.statusCode(), k -> new AtomicLong())
                  .incrementAndGet();
              if (e != null || r.statusCode() != 200) {
                heartbeatErrors.incrementAndGet();
              } else {
                heartbeatLatency.add(System.nanoTime() - sent);
              }
            });
  }

  private void probe(long seq) {
    String service = "svc-" + (seq % services);
    int weight = 1 + (int) (seq % 9000);
    probes.put(service, new Probe(weight, System.nanoTime()));
    send(
        "PATCH",
        "/api/v1/registry/services/" + service + "/nodes/" + service + "-n0",
        "{\"weight\":" + weight + "}");
  }

  private void watch(String service, long index) {
    if (stopping) {
      return;
    }
    String path =
        "/api/v1/registry/services/" + service + (index > 0 ? "?index=" + index + "&wait=30s" : "");
    send("GET", path, null)
        .whenComplete(
            (r, e) -> {
              long next = index;
              if (e == null && r.statusCode() == 200) {
                next = Long.parseLong(r.headers().firstValue("X-Vigil-Index").orElse("0"));
                Probe probe = probes.get(service);
                if (probe != null && weightOf(r.body(), service + "-n0") == probe.weight()) {
                  if (probes.remove(service, probe) && measuring) {
                    propagation.add(System.nanoTime() - probe.sentNanos());
                  }
                }
              }
              watch(service, next);
            });
  }

  private static int weightOf(String body, String nodeId) {
    try {
      for (JsonNode n : MAPPER.readTree(body).path("nodes")) {
        if (n.path("id").asText().equals(nodeId)) {
          return n.path("weight").asInt();
        }
      }
    } catch (IOException ignored) {
      // no weight
    }
    return -1;
  }

  private String nodePath(int i) {
    int s = i % services;
    return "/api/v1/registry/services/svc-" + s + "/nodes/svc-" + s + "-n" + (i / services);
  }

  private static String body(int i) {
    return "{\"version\":\"1.0.0\",\"address\":\"10."
        + (i >> 16 & 255)
        + "."
        + (i >> 8 & 255)
        + "."
        + (i & 255)
        + ":8080\",\"metadata\":{\"zone\":\"z"
        + (i % 3)
        + "\"},\"ttlSeconds\":30}";
  }

  private CompletableFuture<HttpResponse<String>> send(String method, String path, String body) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(url + path))
            .timeout(Duration.ofSeconds(60))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .build();
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
  }

  /** utime + stime of one process, in clock ticks. */
  private static long cpuTicks(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
  }

  /** CPU ticks of every process named postgres (the whole server, all databases). */
  private static long postgresTicks() throws IOException {
    long total = 0;
    try (var dirs = Files.list(Path.of("/proc"))) {
      for (Path dir : (Iterable<Path>) dirs::iterator) {
        String name = dir.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit)) {
          continue;
        }
        try {
          String stat = Files.readString(dir.resolve("stat"));
          if (stat.contains("(postgres)")) {
            total += cpuTicks(Long.parseLong(name));
          }
        } catch (IOException | RuntimeException ignored) {
          // the process ended
        }
      }
    }
    return total;
  }

  /** Latency samples in nanoseconds. */
  private static final class Samples {
    private long[] values = new long[1024];
    private int size;

    synchronized void add(long nanos) {
      if (size == values.length) {
        values = Arrays.copyOf(values, size * 2);
      }
      values[size++] = nanos;
    }

    synchronized String summary() {
      if (size == 0) {
        return "no samples";
      }
      long[] sorted = Arrays.copyOf(values, size);
      Arrays.sort(sorted);
      return String.format(
          "n=%d p50=%.1f ms p99=%.1f ms max=%.1f ms",
          size, at(sorted, 0.50), at(sorted, 0.99), sorted[size - 1] / 1e6);
    }

    private static double at(long[] sorted, double q) {
      return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)] / 1e6;
    }
  }
}
