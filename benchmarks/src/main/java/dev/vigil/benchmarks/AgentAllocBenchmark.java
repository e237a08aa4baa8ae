package dev.vigil.benchmarks;

import dev.vigil.framework.Service;
import dev.vigil.framework.client.Client;
import dev.vigil.framework.registry.MemoryRegistry;
import dev.vigil.framework.transport.http.HttpTransport;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Bytes the agent allocates per traced request, on its real path: a framework-lite client calls a
 * framework-lite server over HTTP on loopback in the same JVM, so with the agent attached each call
 * makes one CLIENT span (the caller) and one SERVER span (the handler, parented on the propagated
 * {@code traceparent}), both ended, counted in the request metrics and queued, then encoded and
 * sent by the exporter to an OTLP sink in another process. {@code untraced} is the same call in a
 * fork without the agent; run with {@code -prof gc}, the difference in {@code gc.alloc.rate.norm}
 * (which sums every thread: caller, server pool, exporter) is what the agent adds per request.
 *
 * <p>{@code tracedBaseline} and {@code untracedBaseline} repeat the two with an earlier build of
 * the agent and of framework-lite, so that a change is measured against its baseline side by side
 * in one run: {@code bin/vigil-bench agent-alloc --baseline <dir>} puts them under {@value
 * #BASELINE} (the agent jar, and a {@code java} launcher that swaps framework-lite on the class
 * path) and runs them; without it they are left out.
 *
 * <p>Run from the repository root (the agent paths are relative) with a sink listening on {@code
 * 127.0.0.1:14318}, as {@code bin/vigil-bench agent-alloc} does.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
public class AgentAllocBenchmark {
  private static final String ENDPOINT = "Orders.Quote";
  static final String BASELINE = "benchmarks/target/baseline";

  private MemoryRegistry registry;
  private Service server;
  private Service caller;
  private Client client;

  @Setup
  public void start() {
    registry = new MemoryRegistry();
    server =
        Service.builder()
            .name("orders")
            .registry(registry)
            .transport(HttpTransport.builder().build())
            .build();
    server.handle(ENDPOINT, Quote.Request.class, Quote::answer);
    server.start();
    caller =
        Service.builder()
            .name("bench-client")
            .registry(registry)
            .transport(HttpTransport.builder().build())
            .build();
    client = caller.client();
  }

  @TearDown
  public void stop() {
    caller.stop();
    server.stop();
    registry.close();
  }

  @Benchmark
  @Fork(
      value = 1,
      jvmArgsAppend = {
        "-Xms512m",
        "-Xmx512m",
        "-javaagent:agent/target/vigil-agent.jar",
        "-Dvigil.service.name=orders",
        "-Dvigil.collector.endpoint=http://127.0.0.1:14318"
      })
  public Object traced() {
    return client.call("orders", ENDPOINT, Quote.REQUEST, Quote.Reply.class);
  }

  @Benchmark
  @Fork(
      value = 1,
      jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
  public Object untraced() {
    return client.call("orders", ENDPOINT, Quote.REQUEST, Quote.Reply.class);
  }

  @Benchmark
  @Fork(
      value = 1,
      jvm = BASELINE + "/java",
      jvmArgsAppend = {
        "-Xms512m",
        "-Xmx512m",
        "-javaagent:" + BASELINE + "/vigil-agent.jar",
        "-Dvigil.service.name=orders",
        "-Dvigil.collector.endpoint=http://127.0.0.1:14318"
      })
  public Object tracedBaseline() {
    return client.call("orders", ENDPOINT, Quote.REQUEST, Quote.Reply.class);
  }

  @Benchmark
  @Fork(
      value = 1,
      jvm = BASELINE + "/java",
      jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
  public Object untracedBaseline() {
    return client.call("orders", ENDPOINT, Quote.REQUEST, Quote.Reply.class);
  }
}
