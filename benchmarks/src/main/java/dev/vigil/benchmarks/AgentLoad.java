package dev.vigil.benchmarks;

import dev.vigil.framework.transport.http.HttpClientPool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Steady-state cost of an agent: {@link AgentBenchService} in a child JVM (one JDBC query per
 * request), driven by {@link LoadDriver} over loopback at a fixed concurrency. Each round launches
 * each system in rotating order, warms it up, measures throughput and p50/p99 latency, and stops
 * it. Vigil exports to an in-process OTLP sink that reads and discards; the OpenTelemetry agent
 * exports OTLP http/protobuf to the same sink (or, with {@code --otel-exporters none}, not at all).
 * The child's CPU time over warm-up plus measurement is reported per answered request.
 *
 * <p>Usage: {@code AgentLoad --vigil-agent JAR --otel-agent JAR [--rounds N] [--warmup-s S]
 * [--measure-s S] [--concurrency C] [--otel-exporters sink|none] [--baseline-agent JAR] [--systems
 * no-agent,vigil,otel] [--service-flag FLAG]...}: {@code --baseline-agent} adds the system {@code
 * vigil-before}, another Vigil agent jar (say, built from an earlier commit) measured in the same
 * rounds; {@code --service-flag} adds a JVM flag to every service JVM ({@code {run}} becomes the
 * run's log name).
 */
public final class AgentLoad {
  record Sample(LoadDriver.Result result, double cpuMicrosPerCall, double jitMicrosPerCall) {}

  private AgentLoad() {}

  public static void main(String[] args) throws Exception {
    int rounds = 3;
    int warmup = 20;
    int measure = 20;
    int concurrency = 8;
    boolean otelToSink = true;
    String vigil = "agent/target/vigil-agent.jar";
    String otel = "benchmarks/target/agents/opentelemetry-javaagent.jar";
    String baseline = null;
    String only = null;
    List<String> serviceFlags = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--rounds" -> rounds = Integer.parseInt(args[++i]);
        case "--warmup-s" -> warmup = Integer.parseInt(args[++i]);
        case "--measure-s" -> measure = Integer.parseInt(args[++i]);
        case "--concurrency" -> concurrency = Integer.parseInt(args[++i]);
        case "--otel-exporters" -> otelToSink = !"none".equals(args[++i]);
        case "--vigil-agent" -> vigil = args[++i];
        case "--otel-agent" -> otel = args[++i];
        case "--baseline-agent" -> baseline = args[++i];
        case "--systems" -> only = args[++i];
        case "--service-flag" -> serviceFlags.add(args[++i]);
        default -> {
          System.err.println("unknown argument: " + args[i]);
          System.exit(2);
        }
      }
    }
    OtlpSink sink = new OtlpSink(0);
    AgentSystems systems = new AgentSystems(vigil, otel, baseline, sink.endpoint(), otelToSink);
    HttpClientPool http = HttpClientPool.builder().build();
    Path logs = Files.createDirectories(Path.of("benchmarks/target/agent-load"));
    List<String> jvmFlags = new ArrayList<>(List.of("-Xms256m", "-Xmx256m"));
    jvmFlags.addAll(serviceFlags);
    System.out.println(
        AgentSystems.fmt(
            "# cores=%d, load average at start=%.2f, rounds=%d, warm-up %d s, measure %d s,"
                + " concurrency %d, service JVM flags %s, otel exporters %s",
            Runtime.getRuntime().availableProcessors(),
            AgentSystems.loadAverage(),
            rounds,
            warmup,
            measure,
            concurrency,
            jvmFlags,
            otelToSink ? "otlp http/protobuf to the sink" : "none"));
    Map<String, List<Sample>> samples = new LinkedHashMap<>();
    List<String> names = systems.names(only);
    for (int round = 0; round < rounds; round++) {
      for (int k = 0; k < names.size(); k++) {
        String name = names.get((k + round) % names.size());
        AgentSystems.Child child =
            systems.launch(name, jvmFlags, logs.resolve(name + "-" + round + ".log"));
        AgentSystems.awaitFirstAnswer(child, http);
        long pid = child.process().pid();
        String address = child.address();
        long sinkBefore = sink.requests();
        double cpu0 = AgentSystems.cpuSeconds(pid);
        double jit0 = AgentSystems.compilerCpuSeconds(pid);
        LongAdder all = new LongAdder();
        LoadDriver.Result r =
            LoadDriver.run(
                name,
                concurrency,
                Duration.ofSeconds(warmup),
                Duration.ofSeconds(measure),
                () -> {
                  if (AgentSystems.call(http, address) != 200) {
                    throw new IllegalStateException("not 200");
                  }
                  all.increment();
                });
        double cpu = AgentSystems.cpuSeconds(pid) - cpu0;
        double jit = AgentSystems.compilerCpuSeconds(pid) - jit0;
        Map<String, Double> threads = AgentSystems.cpuSecondsByThread(pid);
        child.stop();
        http.evict(address);
        long calls = Math.max(1, all.sum());
        Sample s = new Sample(r, 1e6 * cpu / calls, 1e6 * jit / calls);
        samples.computeIfAbsent(name, n -> new ArrayList<>()).add(s);
        System.out.println(
            AgentSystems.fmt(
                "round %d  %-9s %8.0f calls/s  p50 %6.0f us  p99 %7.0f us  errors %d"
                    + "  service CPU %5.0f us/call (JIT %3.0f)  exports %d  (load %.1f)",
                round + 1,
                name,
                r.perSecond(),
                r.p50Micros(),
                r.p99Micros(),
                r.errors(),
                s.cpuMicrosPerCall(),
                s.jitMicrosPerCall(),
                sink.requests() - sinkBefore,
                AgentSystems.loadAverage()));
        System.out.println(
            "          CPU since launch by thread: " + AgentSystems.topThreads(threads, 6));
      }
    }
    System.out.println(AgentSystems.fmt("# load average at end=%.2f", AgentSystems.loadAverage()));
    System.out.println(
        "| system | calls/s | p50 µs | p99 µs | service CPU µs/call | of it JIT | throughput vs no"
            + " agent |");
    System.out.println("|---|---|---|---|---|---|---|");
    double base = AgentSystems.median(samples.get("no-agent"), s -> s.result().perSecond());
    for (String name : names) {
      List<Sample> rs = samples.get(name);
      double rate = AgentSystems.median(rs, s -> s.result().perSecond());
      System.out.println(
          AgentSystems.fmt(
              "| %s | %.0f | %.0f | %.0f | %.0f | %.0f | %.1f%% |",
              name,
              rate,
              AgentSystems.median(rs, s -> s.result().p50Micros()),
              AgentSystems.median(rs, s -> s.result().p99Micros()),
              AgentSystems.median(rs, Sample::cpuMicrosPerCall),
              AgentSystems.median(rs, Sample::jitMicrosPerCall),
              100 * rate / base));
    }
    http.close();
    sink.close();
    systems.dropDatabase();
    System.exit(0);
  }
}
