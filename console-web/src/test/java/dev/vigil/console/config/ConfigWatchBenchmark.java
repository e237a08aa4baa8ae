package dev.vigil.console.config;

import static dev.vigil.console.config.ConfigHttp.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.collector.store.Store;
import dev.vigil.console.ConsoleConfig;
import dev.vigil.console.ConsoleServer;
import dev.vigil.console.bench.RawHttp;
import dev.vigil.testing.PostgresExtension;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Publish-to-delivery latency with many clients holding blocking queries on one console node. Off
 * unless {@code -Dvigil.bench=true}; see {@code docs/benchmarks.md} for the command and results.
 *
 * <p>Each client holds {@code GET /api/v1/config/prod/bench?instance=..&index=N&wait=60s}; the
 * driver waits until every client has re-issued its query, publishes a release, and measures, per
 * client, the time from sending the publish request to receiving the new release.
 */
class ConfigWatchBenchmark {
  @RegisterExtension static final PostgresExtension postgres = new PostgresExtension();
  static final String ADMIN = "admin-token-for-benchmarks";

  @Test
  void publishToDeliveryLatencyWithBlockingWatchers() throws Exception {
    Assumptions.assumeTrue(Boolean.getBoolean("vigil.bench"), "set -Dvigil.bench=true to run");
    int clients = Integer.getInteger("vigil.bench.clients", 1000);
    int warmup = Integer.getInteger("vigil.bench.warmup", 20);
    int rounds = warmup + Integer.getInteger("vigil.bench.rounds", 30);

    try (Store store = Store.builder(postgres.jdbcUrl()).open();
        ConsoleServer console =
            ConsoleServer.builder(store)
                .config(
                    ConsoleConfig.builder().host("127.0.0.1").port(0).tokens(Set.of(ADMIN)).build())
                .start()) {
      ConfigHttp admin = new ConfigHttp(console.port(), ADMIN);
      int errors;
      long publishMedian;
      long publishColdMedian;
      Cpu cpu = null;
      String cpuUse;
      admin.put("/api/v1/config/prod/bench/entries/k", json("value", "0"));
      admin.put("/api/v1/config/prod/bench/entries/sampler.ratio", json("value", "0.5"));
      admin.post("/api/v1/config/prod/bench/releases", "");

      String path = "/api/v1/config/prod/bench";
      long[] latencies = new long[clients * (rounds - warmup)];
      long[] coldLatencies = new long[clients * warmup];
      AtomicInteger recorded = new AtomicInteger();
      AtomicInteger recordedCold = new AtomicInteger();
      AtomicLong publishStart = new AtomicLong();
      AtomicInteger round = new AtomicInteger(0);
      AtomicLong firstArrival = new AtomicLong();
      AtomicLong lastArrival = new AtomicLong();
      AtomicReference<CountDownLatch> delivered =
          new AtomicReference<>(new CountDownLatch(clients));

      // Every client first reads the current index without blocking.
      long[] indexes = new long[clients];
      long first = Long.parseLong(admin.get(path + "?instance=bench-0").header("X-Vigil-Index"));
      Arrays.fill(indexes, first);
      WatchLoad.Listener listener =
          (client, index, nanoTime) -> {
            if (round.get() >= warmup) {
              latencies[recorded.getAndIncrement()] = nanoTime - publishStart.get();
            } else {
              coldLatencies[recordedCold.getAndIncrement()] = nanoTime - publishStart.get();
            }
            firstArrival.compareAndSet(0, nanoTime);
            lastArrival.set(nanoTime);
            delivered.get().countDown();
          };
      try (WatchLoad load = new WatchLoad(console.port(), path, ADMIN, indexes, listener)) {
        load.start();
        long[] publishMs = new long[rounds];
        for (int r = 0; r < rounds; r++) {
          Thread.sleep(1000); // every client has re-issued its query and it is parked
          if (r == warmup) {
            cpu = Cpu.now(load);
          }
          round.set(r);
          delivered.set(new CountDownLatch(clients));
          firstArrival.set(0);
          admin.set("prod/bench", "k", json("value", Integer.toString(r + 1)));
          publishStart.set(System.nanoTime());
          admin.post(path + "/releases", "");
          publishMs[r] = (System.nanoTime() - publishStart.get()) / 1_000_000;
          assertThat(delivered.get().await(30, TimeUnit.SECONDS))
              .as("all %d clients got round %d (errors %d)", clients, r, load.errors())
              .isTrue();
          System.out.printf(
              "round %d: publish %d ms, first delivery %.1f ms, last %.1f ms%n",
              r,
              publishMs[r],
              (firstArrival.get() - publishStart.get()) / 1e6,
              (lastArrival.get() - publishStart.get()) / 1e6);
        }
        errors = load.errors();
        cpuUse = Cpu.now(load).since(cpu);
        publishMedian = median(Arrays.copyOfRange(publishMs, warmup, rounds));
        publishColdMedian = median(Arrays.copyOfRange(publishMs, 0, warmup));
      }

      long[] sorted = Arrays.copyOf(latencies, recorded.get());
      Arrays.sort(sorted);
      long[] cold = Arrays.copyOf(coldLatencies, recordedCold.get());
      Arrays.sort(cold);
      String result =
          String.format(
              "clients=%d rounds=%d (after %d warm-up) deliveries=%d errors=%d%n"
                  + "publish-to-delivery ms: p50=%.1f p90=%.1f p99=%.1f max=%.1f%n"
                  + "publish request ms (median): %d%n"
                  + "warm-up rounds (JIT still compiling) ms: p50=%.1f p99=%.1f max=%.1f,"
                  + " publish request (median) %d%n"
                  + "CPU over the measured rounds: %s%n",
              clients,
              rounds - warmup,
              warmup,
              sorted.length,
              errors,
              pct(sorted, 0.50),
              pct(sorted, 0.90),
              pct(sorted, 0.99),
              sorted[sorted.length - 1] / 1e6,
              publishMedian,
              pct(cold, 0.50),
              pct(cold, 0.99),
              cold.length == 0 ? 0 : cold[cold.length - 1] / 1e6,
              publishColdMedian,
              cpuUse);
      System.out.print(result);
      Path out = Path.of("target", "config-watch-benchmark.txt");
      Files.writeString(out, result);
    }
  }

  /**
   * CPU used so far: this JVM (console and driver), the driver's selector thread and the thread
   * sending the publishes, and the PostgreSQL server.
   */
  private record Cpu(long wallNanos, long processNanos, long driverNanos, long postgresTicks) {
    static Cpu now(WatchLoad load) throws IOException {
      var os =
          (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
      long driver = load.cpuNanos() + ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
      return new Cpu(System.nanoTime(), os.getProcessCpuTime(), driver, RawHttp.postgresTicks());
    }

    String since(@Nullable Cpu start) {
      if (start == null) {
        return "not measured";
      }
      double wall = wallNanos - start.wallNanos;
      double driver = (driverNanos - start.driverNanos) / wall;
      double console = (processNanos - start.processNanos) / wall - driver;
      double postgres = (postgresTicks - start.postgresTicks) / 100.0 / (wall / 1e9);
      return String.format(
          "console %.2f cores, PostgreSQL %.2f cores, driver %.2f cores (wall %.1f s)",
          console, postgres, driver, wall / 1e9);
    }
  }

  static double pct(long[] sorted, double q) {
    if (sorted.length == 0) {
      return 0;
    }
    int i = (int) Math.ceil(q * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
  }

  static long median(long[] values) {
    long[] copy = values.clone();
    Arrays.sort(copy);
    return copy[copy.length / 2];
  }
}
