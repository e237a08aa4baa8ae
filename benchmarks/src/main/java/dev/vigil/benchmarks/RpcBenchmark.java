package dev.vigil.benchmarks;

import dev.vigil.framework.Metadata;
import dev.vigil.framework.Service;
import dev.vigil.framework.client.Client;
import dev.vigil.framework.registry.MemoryRegistry;
import dev.vigil.framework.transport.http.HttpClientPool;
import dev.vigil.framework.transport.http.HttpTransport;
import io.javalin.Javalin;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * Round trips per second and p50/p99 latency of a ~110-byte JSON request/response at several
 * concurrency levels, for three systems measured side by side in one run:
 *
 * <ol>
 *   <li>{@code framework-lite}: a framework-lite client calling a framework-lite server over the
 *       HTTP transport (selector, wrappers, metrics, codec dispatch included);
 *   <li>{@code bare-javalin}: the same pooled HTTP client posting the same bytes to a bare Javalin
 *       handler, which is the transport's own limit;
 *   <li>{@code grpc}: gRPC-java unary over Netty with the same JSON bytes.
 * </ol>
 *
 * <p>Every system decodes and encodes the JSON with Jackson on both ends. The systems run in
 * rotating order within each round, and the report gives the median of the rounds.
 *
 * <p>Usage: {@code RpcBenchmark [--rounds N] [--warmup-s S] [--measure-s S] [--concurrency
 * 1,16,64]}
 */
public final class RpcBenchmark {
  private static final String ENDPOINT = "Orders.Quote";
  private static final String PATH = "/rpc/" + ENDPOINT;
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  private RpcBenchmark() {}

  public static void main(String[] args) throws Exception {
    int rounds = 3;
    int warmup = 3;
    int measure = 5;
    int[] levels = {1, 16, 64};
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--rounds" -> rounds = Integer.parseInt(args[++i]);
        case "--warmup-s" -> warmup = Integer.parseInt(args[++i]);
        case "--measure-s" -> measure = Integer.parseInt(args[++i]);
        case "--concurrency" ->
            levels =
                java.util.Arrays.stream(args[++i].split(",")).mapToInt(Integer::parseInt).toArray();
        default -> {
          System.err.println("unknown argument: " + args[i]);
          System.exit(2);
        }
      }
    }

    MemoryRegistry registry = new MemoryRegistry();
    Service server =
        Service.builder()
            .name("orders")
            .registry(registry)
            .transport(HttpTransport.builder().build())
            .build();
    server.handle(ENDPOINT, Quote.Request.class, Quote::answer);
    server.start();
    Service caller =
        Service.builder()
            .name("bench-client")
            .registry(registry)
            .transport(HttpTransport.builder().build())
            .build();
    Client client = caller.client();

    QueuedThreadPool javalinThreads = new QueuedThreadPool(HttpTransport.DEFAULT_SERVER_THREADS, 8);
    Javalin bare =
        Javalin.create(
                config -> {
                  config.showJavalinBanner = false;
                  config.jetty.threadPool = javalinThreads;
                })
            .post(
                PATH,
                ctx ->
                    ctx.contentType("application/json").result(Quote.answerJson(ctx.bodyAsBytes())))
            .start("127.0.0.1", 0);
    String bareAddress = "127.0.0.1:" + bare.port();
    HttpClientPool pool = HttpClientPool.builder().build();

    GrpcEcho grpc = new GrpcEcho(Quote::answerJson);

    Map<String, LoadDriver.Call> systems = new LinkedHashMap<>();
    systems.put(
        "framework-lite", () -> client.call("orders", ENDPOINT, Quote.REQUEST, Quote.Reply.class));
    systems.put(
        "bare-javalin",
        () -> {
          HttpClientPool.Response r =
              pool.post(
                  bareAddress,
                  PATH,
                  "application/json",
                  Metadata.empty(),
                  Quote.requestJson(),
                  TIMEOUT);
          if (r.status() != 200) {
            throw new IllegalStateException("status " + r.status());
          }
          Quote.readReply(r.body());
        });
    systems.put("grpc", () -> Quote.readReply(grpc.call(Quote.requestJson())));

    // Check every system answers correctly before measuring anything.
    for (Map.Entry<String, LoadDriver.Call> e : systems.entrySet()) {
      e.getValue().run();
    }

    System.out.printf(
        Locale.ROOT,
        "# cores=%d, load average at start=%.2f, rounds=%d, warm-up %d s, measure %d s%n",
        Runtime.getRuntime().availableProcessors(),
        java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
        rounds,
        warmup,
        measure);
    List<String> names = new ArrayList<>(systems.keySet());
    for (int concurrency : levels) {
      Map<String, List<LoadDriver.Result>> results = new LinkedHashMap<>();
      for (int round = 0; round < rounds; round++) {
        for (int k = 0; k < names.size(); k++) {
          String name = names.get((k + round) % names.size());
          LoadDriver.Result r =
              LoadDriver.run(
                  name,
                  concurrency,
                  Duration.ofSeconds(warmup),
                  Duration.ofSeconds(measure),
                  systems.get(name));
          results.computeIfAbsent(name, n -> new ArrayList<>()).add(r);
          System.out.printf(
              Locale.ROOT,
              "round %d  %-15s c=%-3d %10.0f calls/s  p50 %7.0f us  p99 %7.0f us  errors %d%n",
              round + 1,
              name,
              concurrency,
              r.perSecond(),
              r.p50Micros(),
              r.p99Micros(),
              r.errors());
        }
      }
      double bareMedian = median(results.get("bare-javalin"), LoadDriver.Result::perSecond);
      for (String name : names) {
        List<LoadDriver.Result> rs = results.get(name);
        double rate = median(rs, LoadDriver.Result::perSecond);
        System.out.printf(
            Locale.ROOT,
            "| %s | %d | %.0f | %.0f | %.0f | %.0f%% |%n",
            name,
            concurrency,
            rate,
            median(rs, LoadDriver.Result::p50Micros),
            median(rs, LoadDriver.Result::p99Micros),
            100 * rate / bareMedian);
      }
    }

    grpc.close();
    pool.close();
    bare.stop();
    caller.stop();
    server.stop();
    registry.close();
    System.exit(0);
  }

  private static double median(
      List<LoadDriver.Result> results, java.util.function.ToDoubleFunction<LoadDriver.Result> f) {
    double[] values = results.stream().mapToDouble(f).sorted().toArray();
    int n = values.length;
    return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
  }
}
