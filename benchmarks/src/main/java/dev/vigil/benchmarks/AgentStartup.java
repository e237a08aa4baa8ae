package dev.vigil.benchmarks;

import dev.vigil.framework.transport.http.HttpClientPool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Start-up cost of an agent: launches {@link AgentBenchService} (framework-lite, HikariCP,
 * PostgreSQL) in a fresh JVM and measures, from launch to the first 200 answer, wall time (nanoTime
 * around the child), and at that moment the child's CPU time (utime + stime) and peak RSS (VmHWM)
 * from {@code /proc}. The first request includes the first JDBC query, so it is traced. Systems run
 * interleaved in rotating order each round; the report gives medians and what each agent adds over
 * no agent.
 *
 * <p>Usage: {@code AgentStartup --vigil-agent JAR --otel-agent JAR [--rounds N] [--baseline-agent
 * JAR] [--systems no-agent,vigil,otel] [--service-flag FLAG]...}, the last three as for {@link
 * AgentLoad}. Vigil exports to an in-process OTLP sink; the OpenTelemetry agent runs with all
 * exporters set to none.
 */
public final class AgentStartup {
  record Sample(double wallS, double cpuS, double rssMib) {}

  private AgentStartup() {}

  public static void main(String[] args) throws Exception {
    int rounds = 5;
    String vigil = "agent/target/vigil-agent.jar";
    String otel = "benchmarks/target/agents/opentelemetry-javaagent.jar";
    String baseline = null;
    String only = null;
    List<String> serviceFlags = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--rounds" -> rounds = Integer.parseInt(args[++i]);
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
    AgentSystems systems = new AgentSystems(vigil, otel, baseline, sink.endpoint(), false);
    HttpClientPool http = HttpClientPool.builder().build();
    Path logs = Files.createDirectories(Path.of("benchmarks/target/agent-startup"));
    System.out.println(
        AgentSystems.fmt(
            "# cores=%d, load average at start=%.2f, rounds=%d, JVM flags: %s",
            Runtime.getRuntime().availableProcessors(),
            AgentSystems.loadAverage(),
            rounds,
            serviceFlags.isEmpty() ? "none" : serviceFlags));
    Map<String, List<Sample>> samples = new LinkedHashMap<>();
    List<String> names = systems.names(only);
    for (int round = 0; round < rounds; round++) {
      for (int k = 0; k < names.size(); k++) {
        String name = names.get((k + round) % names.size());
        AgentSystems.Child child =
            systems.launch(name, serviceFlags, logs.resolve(name + "-" + round + ".log"));
        long answered = AgentSystems.awaitFirstAnswer(child, http);
        long pid = child.process().pid();
        Sample s =
            new Sample(
                (answered - child.launchedNanos()) / 1e9,
                AgentSystems.cpuSeconds(pid),
                AgentSystems.peakRssMib(pid));
        Map<String, Double> threads = AgentSystems.cpuSecondsByThread(pid);
        child.stop();
        http.evict(child.address());
        samples.computeIfAbsent(name, n -> new ArrayList<>()).add(s);
        System.out.println(
            AgentSystems.fmt(
                "round %d  %-9s wall %6.2f s  cpu %6.2f s  peak rss %6.0f MiB  (load %.1f)",
                round + 1, name, s.wallS(), s.cpuS(), s.rssMib(), AgentSystems.loadAverage()));
        System.out.println("          CPU by thread: " + AgentSystems.topThreads(threads, 8));
      }
    }
    System.out.println(
        AgentSystems.fmt(
            "# load average at end=%.2f; sink received %d requests",
            AgentSystems.loadAverage(), sink.requests()));
    System.out.println("| system | wall s | CPU s | peak RSS MiB | + wall | + CPU | + RSS |");
    System.out.println("|---|---|---|---|---|---|---|");
    List<Sample> base = samples.get("no-agent");
    double[] b = {
      AgentSystems.median(base, Sample::wallS),
      AgentSystems.median(base, Sample::cpuS),
      AgentSystems.median(base, Sample::rssMib)
    };
    Map<String, double[]> added = new LinkedHashMap<>();
    for (String name : names) {
      List<Sample> rs = samples.get(name);
      double[] m = {
        AgentSystems.median(rs, Sample::wallS),
        AgentSystems.median(rs, Sample::cpuS),
        AgentSystems.median(rs, Sample::rssMib)
      };
      added.put(name, new double[] {m[0] - b[0], m[1] - b[1], m[2] - b[2]});
      System.out.println(
          AgentSystems.fmt(
              "| %s | %.2f | %.2f | %.0f | %+.2f s | %+.2f s | %+.0f MiB |",
              name, m[0], m[1], m[2], m[0] - b[0], m[1] - b[1], m[2] - b[2]));
    }
    double[] o = added.get("otel");
    for (String name : names) {
      double[] v = added.get(name);
      if (o != null && name.startsWith("vigil")) {
        System.out.println(
            AgentSystems.fmt(
                "%s adds, as a share of what the OpenTelemetry agent adds: wall %.0f%%, CPU %.0f%%,"
                    + " peak RSS %.0f%% (target: at most 15%%)",
                name, 100 * v[0] / o[0], 100 * v[1] / o[1], 100 * v[2] / o[2]));
      }
    }
    http.close();
    sink.close();
    systems.dropDatabase();
    System.exit(0);
  }
}
