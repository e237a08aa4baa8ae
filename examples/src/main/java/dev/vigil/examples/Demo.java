package dev.vigil.examples;

import dev.vigil.framework.Metadata;
import dev.vigil.framework.Service;
import dev.vigil.framework.client.CallOptions;
import dev.vigil.framework.errors.FrameworkException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the example services in one JVM over real HTTP on loopback, with the JVM-wide memory
 * registry and memory broker: two {@code greeter} nodes, one {@code gateway}, two {@code audit}
 * nodes in one queue group, and a {@code demo} client calling {@code Gateway.Greet} in a loop and
 * logging each answer. Ctrl-C (or SIGTERM) stops everything gracefully. {@code --calls N} stops
 * after N calls; {@code --interval-ms M} sets the pause between calls (default 1000).
 */
public final class Demo {
  private static final Logger log = LoggerFactory.getLogger(Demo.class);
  private static final String[] NAMES = {"Ada", "Grace", "Linus", "Barbara", "Ken", "Margaret"};

  /** What a run did; for tests. */
  public record Result(int ok, int failed, Map<String, Integer> byGreeterNode, long audited) {}

  private final List<Service> services = new ArrayList<>();
  private final AtomicLong audited = new AtomicLong();
  private volatile boolean running = true;
  private final CountDownLatch finished = new CountDownLatch(1);

  public static void main(String[] args) throws Exception {
    int calls = Integer.MAX_VALUE;
    long intervalMs = 1000;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--calls" -> calls = Integer.parseInt(args[++i]);
        case "--interval-ms" -> intervalMs = Long.parseLong(args[++i]);
        default -> {
          System.err.println("usage: vigil-demo [--calls N] [--interval-ms M]");
          System.exit(2);
        }
      }
    }
    Demo demo = new Demo();
    Thread hook =
        new Thread(
            () -> {
              log.info("stopping: SIGTERM or Ctrl-C received");
              demo.running = false;
              try {
                demo.finished.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "vigil-demo-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    Result result = demo.run(calls, Duration.ofMillis(intervalMs));
    if (demo.running) {
      Runtime.getRuntime().removeShutdownHook(hook); // finished by itself, not by a signal
    }
    log.info(
        "demo finished: {} ok, {} failed, answers by greeter node {}, {} events audited",
        result.ok(),
        result.failed(),
        result.byGreeterNode(),
        result.audited());
  }

  /** Starts the services, makes {@code calls} calls (or until stopped), stops everything. */
  public Result run(int calls, Duration interval) throws InterruptedException {
    int ok = 0;
    int failed = 0;
    Map<String, Integer> byNode = new TreeMap<>();
    try {
      start(Greeter.create(builder()));
      start(Greeter.create(builder()));
      start(Gateway.create(builder()));
      start(Audit.create(builder(), audited));
      start(Audit.create(builder(), audited));
      Service client = start(builder().name("demo").build());
      log.info("services up; calling {} every {} ms", Gateway.GREET, interval.toMillis());
      CallOptions options = CallOptions.builder().timeout(Duration.ofSeconds(3)).build();
      for (int i = 0; i < calls && running; i++) {
        String name = NAMES[i % NAMES.length];
        long start = System.nanoTime();
        try {
          Gateway.GreetReply reply =
              client
                  .client()
                  .call(
                      Gateway.NAME,
                      Gateway.GREET,
                      new Gateway.GreetRequest(name),
                      Gateway.GreetReply.class,
                      options.toBuilder().metadata(Metadata.TRACEPARENT, newTraceparent()).build());
          ok++;
          byNode.merge(reply.greeterNode(), 1, Integer::sum);
          log.info(
              "#{} {} -> \"{}\" from {} in {} ms",
              i + 1,
              name,
              reply.message(),
              reply.greeterNode(),
              (System.nanoTime() - start) / 1_000_000);
        } catch (FrameworkException e) {
          failed++;
          log.warn("#{} {} failed: {} {} {}", i + 1, name, e.code(), e.id(), e.detail());
        }
        if (i + 1 < calls && running) {
          Thread.sleep(interval.toMillis());
        }
      }
      // let the last events reach audit before stopping
      long until = System.nanoTime() + Duration.ofSeconds(2).toNanos();
      while (audited.get() < ok && System.nanoTime() < until) {
        Thread.sleep(20);
      }
    } finally {
      for (int i = services.size() - 1; i >= 0; i--) {
        services.get(i).stop();
      }
      finished.countDown();
    }
    return new Result(ok, failed, byNode, audited.get());
  }

  /**
   * A fresh W3C trace context per call, as a tracing agent would start one, so the log shows it
   * arriving unchanged at {@code audit} through {@code gateway} and the broker.
   */
  private static String newTraceparent() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    return String.format("00-%016x%016x-%016x-01", r.nextLong(), r.nextLong(), r.nextLong() | 1L);
  }

  private Service start(Service service) {
    services.add(service);
    return service.start();
  }

  /** Each service: HTTP transport, shared memory registry and broker; environment may override. */
  private static Service.Builder builder() {
    return Service.builder().set("vigil.selector.strategy", "round-robin");
  }
}
