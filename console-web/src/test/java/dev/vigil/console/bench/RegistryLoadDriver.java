package dev.vigil.console.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Load driver of the registry benchmark (see {@code docs/benchmarks.md}): registers {@code nodes}
 * nodes over {@code services} services on one console, renews each every {@code renewSeconds}
 * (evenly spread), holds one blocking query per service, and every {@code 1/probesPerSecond}
 * changes the weight of a node of the next service, timing how long until that service's watcher
 * sees it. Over the measured window it reports the console's CPU use (from {@code
 * /proc/<consolePid>/stat}), the PostgreSQL server's, the driver's own, heartbeat latency and watch
 * propagation p50/p99.
 *
 * <p>All requests go over keep-alive connections driven by one selector thread ({@link RawHttp}):
 * heartbeats pipelined over {@code connections} connections, one connection per watched service and
 * one for the changes, so the driver's own CPU and scheduling stay small next to the console's
 * (real clients run on other machines).
 *
 * <p>Arguments are {@code key=value}: {@code url}, {@code token}, {@code consolePid}, {@code nodes}
 * (10000), {@code services} (100), {@code renewSeconds} (5), {@code warmupSeconds} (20), {@code
 * measureSeconds} (60), {@code probesPerSecond} (5), {@code connections} (64).
 */
public final class RegistryLoadDriver {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final long CLOCK_TICKS_PER_SECOND = 100;

  /** Heartbeats waiting on one connection beyond which the next is skipped (console behind). */
  private static final int MAX_PIPELINED = 16;

  private final String token;
  private final int nodes;
  private final int services;
  private final int connections;
  private final RawHttp http;
  // Touched only on the selector thread, apart from the summaries read after it stopped.
  private final AtomicLong heartbeatErrors = new AtomicLong();
  private final AtomicLong heartbeatsSkipped = new AtomicLong();
  private final AtomicLong heartbeats = new AtomicLong();
  private final Map<Integer, AtomicLong> heartbeatStatuses = new ConcurrentHashMap<>();
  private final Samples heartbeatLatency = new Samples();
  private final Samples propagation = new Samples();
  private final Map<String, Probe> probes = new ConcurrentHashMap<>();
  private volatile boolean startedHeartbeats;
  private volatile boolean measuring;
  private volatile boolean stopping;

  private record Probe(int weight, long sentNanos) {}

  private RegistryLoadDriver(Map<String, String> args) throws IOException {
    URI url = URI.create(args.getOrDefault("url", "http://127.0.0.1:8080"));
    this.token = args.get("token");
    this.nodes = Integer.parseInt(args.getOrDefault("nodes", "10000"));
    this.services = Integer.parseInt(args.getOrDefault("services", "100"));
    this.connections = Integer.parseInt(args.getOrDefault("connections", "64"));
    // heartbeat connections, then one per service's watcher, then one for the changes
    this.http =
        new RawHttp(
            new InetSocketAddress(url.getHost(), url.getPort()), connections + services + 1);
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
    long driverPid = ProcessHandle.current().pid();

    // Heartbeats: every 10 ms the next slice of nodes, so each node renews every renewSeconds.
    long ticksPerRound = renewSeconds * 100L;
    long[] tick = {0};
    http.every(
        10_000_000L,
        () -> {
          if (stopping) {
            return;
          }
          long k = tick[0]++ % ticksPerRound;
          int from = (int) (k * nodes / ticksPerRound);
          int to = (int) ((k + 1) * nodes / ticksPerRound);
          for (int i = from; i < to; i++) {
            heartbeat(i);
          }
        });
    long[] probeSeq = {0};
    http.every((long) (1e9 / probesPerSecond), () -> probe(probeSeq[0]++));
    http.start();

    long t = System.nanoTime();
    CountDownLatch registered = new CountDownLatch(nodes);
    Semaphore registering = new Semaphore(32);
    for (int i = 0; i < nodes; i++) {
      registering.acquire();
      http.send(
          i % connections,
          http.request("PUT", nodePath(i), token, body(i)),
          r -> {
            registering.release();
            registered.countDown();
          });
    }
    registered.await();
    System.out.printf(
        "registered %d nodes over %d services in %.1f s%n",
        nodes, services, (System.nanoTime() - t) / 1e9);

    for (int s = 0; s < services; s++) {
      int service = s;
      http.send(connections + s, watchRequest(s, 0), r -> watched(service, 0, r));
    }
    startedHeartbeats = true;

    Thread.sleep(warmup * 1000L);
    long consoleStart = RawHttp.cpuTicks(consolePid);
    long postgresStart = RawHttp.postgresTicks();
    long driverStart = RawHttp.cpuTicks(driverPid);
    long started = System.nanoTime();
    measuring = true;
    Thread.sleep(measure * 1000L);
    measuring = false;
    double seconds = (System.nanoTime() - started) / 1e9;
    double consoleCores = cores(RawHttp.cpuTicks(consolePid) - consoleStart, seconds);
    double postgresCores = cores(RawHttp.postgresTicks() - postgresStart, seconds);
    double driverCores = cores(RawHttp.cpuTicks(driverPid) - driverStart, seconds);
    stopping = true;

    System.out.printf(
        "window %.1f s, %d nodes renewing every %d s%n", seconds, nodes, renewSeconds);
    System.out.printf(
        "heartbeats: %d (%.0f/s), errors %d %s, skipped (%d already pipelined on a connection) %d,"
            + " latency %s%n",
        heartbeats.get(),
        heartbeats.get() / seconds,
        heartbeatErrors.get(),
        heartbeatStatuses,
        MAX_PIPELINED,
        heartbeatsSkipped.get(),
        heartbeatLatency.summary());
    System.out.printf(
        "console CPU: %.2f cores; PostgreSQL server CPU: %.2f cores; driver CPU: %.2f cores%n",
        consoleCores, postgresCores, driverCores);
    System.out.printf(
        "watch propagation (change sent -> watcher answered): %s%n", propagation.summary());
    System.out.printf("connection errors: %d%n", http.errors());
  }

  private static double cores(long ticks, double seconds) {
    return ticks / (double) CLOCK_TICKS_PER_SECOND / seconds;
  }

  private void heartbeat(int i) {
    if (!startedHeartbeats) {
      return;
    }
    int conn = i % connections;
    if (http.outstanding(conn) >= MAX_PIPELINED) {
      if (measuring) {
        heartbeatsSkipped.incrementAndGet();
      }
      return;
    }
    long sent = System.nanoTime();
    http.send(
        conn,
        http.request("PUT", nodePath(i), token, body(i)),
        r -> {
          if (!measuring) {
            return;
          }
          heartbeats.incrementAndGet();
          heartbeatStatuses
              .computeIfAbsent(r == null ? -1 : r.status(), k -> new AtomicLong())
              .incrementAndGet();
          if (r == null || r.status() != 200) {
            heartbeatErrors.incrementAndGet();
          } else {
            heartbeatLatency.add(r.nanoTime() - sent);
          }
        });
  }

  private void probe(long seq) {
    if (!startedHeartbeats || stopping) {
      return;
    }
    String service = "svc-" + (seq % services);
    int weight = 1 + (int) (seq % 9000);
    probes.put(service, new Probe(weight, System.nanoTime()));
    http.send(
        connections + services,
        http.request(
            "PATCH",
            "/api/v1/registry/services/" + service + "/nodes/" + service + "-n0",
            token,
            "{\"weight\":" + weight + "}"),
        r -> {});
  }

  private byte[] watchRequest(int service, long index) {
    String path =
        "/api/v1/registry/services/svc-"
            + service
            + (index > 0 ? "?index=" + index + "&wait=30s" : "");
    return http.request("GET", path, token, null);
  }

  private void watched(int s, long index, RawHttp.Response r) {
    if (stopping) {
      return;
    }
    if (r == null) { // connection lost and replaced: ask again
      http.send(connections + s, watchRequest(s, index), answer -> watched(s, index, answer));
      return;
    }
    long next = index;
    String service = "svc-" + s;
    if (r.status() == 200) {
      String moved = r.header("X-Vigil-Index");
      next = moved == null ? index : Long.parseLong(moved);
      Probe probe = probes.get(service);
      if (probe != null && next > index && weightOf(r.body(), service + "-n0") == probe.weight()) {
        if (probes.remove(service, probe) && measuring) {
          propagation.add(r.nanoTime() - probe.sentNanos());
        }
      }
    }
    long after = next;
    http.send(connections + s, watchRequest(s, after), answer -> watched(s, after, answer));
  }

  private static int weightOf(byte[] body, String nodeId) {
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
