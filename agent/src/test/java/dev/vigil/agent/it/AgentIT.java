package dev.vigil.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.vigil.testing.PostgresExtension;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import io.opentelemetry.proto.trace.v1.Status.StatusCode;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Launches real JVMs with {@code -javaagent:agent/target/vigil-agent.jar} running {@code
 * dev.vigil.sampleapp.SampleApp} against PostgreSQL and a fake OTLP receiver, on Java 17 and on the
 * installed Temurin 25.
 */
class AgentIT {
  @RegisterExtension static final PostgresExtension postgres = new PostgresExtension();

  static final String AGENT_JAR = System.getProperty("vigil.it.agentJar", "target/vigil-agent.jar");
  static final String TRACE_ID = "0af7651916cd43dd8448eb211c80319c";
  static final String REMOTE_PARENT = "b7ad6b7169203331";

  static Stream<String> javas() {
    List<String> javas = new ArrayList<>();
    javas.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    Path t25 = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64/bin/java");
    if (Files.isExecutable(t25)) {
      javas.add(t25.toString());
    }
    return javas.stream();
  }

  record Run(int exit, String output) {}

  static Run run(
      String java, OtlpReceiver receiver, List<String> extraJvm, String extraCp, String... args)
      throws Exception {
    return run(java, receiver, postgres.jdbcUrl(), extraJvm, extraCp, args);
  }

  static Run run(
      String java,
      OtlpReceiver receiver,
      String jdbcUrl,
      List<String> extraJvm,
      String extraCp,
      String... args)
      throws Exception {
    String cp =
        Stream.of(
                System.getProperty(
                        "surefire.test.class.path", System.getProperty("java.class.path"))
                    .split(File.pathSeparator))
            .filter(e -> !e.endsWith("vigil-agent.jar") && !e.contains("byte-buddy"))
            .collect(Collectors.joining(File.pathSeparator));
    if (extraCp != null) {
      cp = extraCp + File.pathSeparator + cp;
    }
    List<String> cmd = new ArrayList<>();
    cmd.add(java);
    cmd.add("-javaagent:" + new File(AGENT_JAR).getAbsolutePath());
    cmd.add("-Xmx256m");
    cmd.add("-Dvigil.service.name=sample");
    cmd.add("-Dvigil.collector.endpoint=" + receiver.endpoint());
    cmd.add("-Dvigil.token=t0k");
    cmd.add("-Dvigil.metrics.interval=1s");
    cmd.add(
        "-Dlogback.configurationFile="
            + Path.of("src/test/resources/it-logback.xml").toAbsolutePath());
    cmd.add("-Dit.jdbc.url=" + jdbcUrl);
    cmd.addAll(extraJvm);
    cmd.add("-cp");
    cmd.add(cp);
    cmd.add("dev.vigil.sampleapp.SampleApp");
    cmd.addAll(List.of(args));
    Path out = Files.createTempFile("vigil-it", ".log");
    Process p =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("app did not exit: " + Files.readString(out));
    }
    String output = Files.readString(out, StandardCharsets.UTF_8);
    Files.delete(out);
    return new Run(p.exitValue(), output);
  }

  static String hex(ByteString b) {
    return HexFormat.of().formatHex(b.toByteArray());
  }

  static Optional<String> attr(List<KeyValue> attrs, String key) {
    return attrs.stream()
        .filter(kv -> kv.getKey().equals(key))
        .findFirst()
        .map(
            kv ->
                kv.getValue().hasStringValue()
                    ? kv.getValue().getStringValue()
                    : String.valueOf(kv.getValue().getIntValue()));
  }

  static List<Span> childrenOf(List<Span> spans, Span parent) {
    return spans.stream().filter(s -> s.getParentSpanId().equals(parent.getSpanId())).toList();
  }

  @ParameterizedTest
  @MethodSource("javas")
  void tracesJavalinJdbcAndHttpClientsAsOneTreeWithCorrelatedLogsAndMetrics(String java)
      throws Exception {
    try (OtlpReceiver receiver = new OtlpReceiver()) {
      Run run = run(java, receiver, List.of(), null, "tree");
      assertThat(run.exit()).as(run.output()).isZero();
      assertThat(run.output()).contains("APP DONE tree");
      assertThat(run.output())
          .containsPattern(
              "\\[vigil-agent\\] Vigil agent \\S+ service=sample endpoint=http://127.0.0.1:\\d+ .*instrumentations=.*jdbc");
      assertThat(run.output()).contains("down:00-" + TRACE_ID + "-");

      List<Span> spans = receiver.spans();
      Span hello =
          spans.stream()
              .filter(s -> s.getName().equals("GET /hello/{name}"))
              .findFirst()
              .orElseThrow(() -> new AssertionError("no hello span in " + spans + run.output()));
      assertThat(hello.getKind()).isEqualTo(SpanKind.SPAN_KIND_SERVER);
      assertThat(hex(hello.getTraceId())).isEqualTo(TRACE_ID);
      assertThat(hex(hello.getParentSpanId())).isEqualTo(REMOTE_PARENT);
      assertThat(attr(hello.getAttributesList(), "http.response.status_code")).contains("200");
      assertThat(attr(hello.getAttributesList(), "http.route")).contains("/hello/{name}");

      List<Span> children = childrenOf(spans, hello);
      List<Span> db =
          children.stream()
              .filter(s -> attr(s.getAttributesList(), "db.system").isPresent())
              .toList();
      assertThat(db).hasSize(2);
      String dbName = postgres.jdbcUrl().replaceAll(".*/([^/?]+).*", "$1");
      for (Span s : db) {
        assertThat(s.getKind()).isEqualTo(SpanKind.SPAN_KIND_CLIENT);
        assertThat(s.getName()).isEqualTo("SELECT " + dbName);
        assertThat(attr(s.getAttributesList(), "db.system")).contains("postgresql");
        assertThat(attr(s.getAttributesList(), "db.namespace")).contains(dbName);
        assertThat(attr(s.getAttributesList(), "server.address")).contains("127.0.0.1");
      }
      assertThat(db)
          .extracting(s -> attr(s.getAttributesList(), "db.query.text").orElseThrow())
          .containsExactlyInAnyOrder("SELECT ? || ? AS g", "SELECT ? WHERE ? = ? AND ? = ?");

      List<Span> http = children.stream().filter(s -> s.getName().equals("GET")).toList();
      assertThat(http).hasSize(2);
      for (Span client : http) {
        assertThat(client.getKind()).isEqualTo(SpanKind.SPAN_KIND_CLIENT);
        assertThat(attr(client.getAttributesList(), "url.full"))
            .get()
            .asString()
            .endsWith("/downstream");
        assertThat(attr(client.getAttributesList(), "http.response.status_code")).contains("200");
        List<Span> downstream = childrenOf(spans, client);
        assertThat(downstream).extracting(Span::getName).containsExactly("GET /downstream");
        assertThat(downstream.get(0).getKind()).isEqualTo(SpanKind.SPAN_KIND_SERVER);
        assertThat(hex(downstream.get(0).getTraceId())).isEqualTo(TRACE_ID);
      }

      Span fail =
          spans.stream().filter(s -> s.getName().equals("GET /fail")).findFirst().orElseThrow();
      assertThat(fail.getStatus().getCode()).isEqualTo(StatusCode.STATUS_CODE_ERROR);
      assertThat(attr(fail.getAttributesList(), "http.response.status_code")).contains("500");
      assertThat(hex(fail.getTraceId())).isNotEqualTo(TRACE_ID);

      List<LogRecord> logs = receiver.logRecords();
      LogRecord served =
          logs.stream()
              .filter(l -> l.getBody().getStringValue().equals("served ada"))
              .findFirst()
              .orElseThrow();
      assertThat(hex(served.getTraceId())).isEqualTo(TRACE_ID);
      assertThat(served.getSpanId()).isEqualTo(hello.getSpanId());
      assertThat(run.output())
          .contains(
              "LOG INFO [trace_id="
                  + TRACE_ID
                  + " span_id="
                  + hex(hello.getSpanId())
                  + "] SampleApp served ada");
      LogRecord broke =
          logs.stream()
              .filter(l -> l.getBody().getStringValue().equals("something broke"))
              .findFirst()
              .orElseThrow();
      assertThat(broke.getSeverityText()).isEqualTo("ERROR");
      assertThat(broke.getTraceId().isEmpty()).isTrue();
      assertThat(attr(broke.getAttributesList(), "exception.type"))
          .contains("java.lang.IllegalArgumentException");
      assertThat(run.output()).contains("LOG ERROR [trace_id= span_id=] SampleApp something broke");

      List<Metric> requests = receiver.metricsNamed("vigil.requests");
      assertThat(requests).isNotEmpty();
      Metric last = requests.get(requests.size() - 1);
      NumberDataPoint helloCount =
          last.getSum().getDataPointsList().stream()
              .filter(
                  p ->
                      attr(p.getAttributesList(), "endpoint")
                          .orElse("")
                          .equals("GET /hello/{name}"))
              .findFirst()
              .orElseThrow();
      assertThat(helloCount.getAsInt()).isEqualTo(1);
      assertThat(attr(helloCount.getAttributesList(), "span.kind")).contains("server");
      assertThat(receiver.metricsNamed("vigil.request.duration")).isNotEmpty();
      for (String jvm :
          List.of(
              "jvm.memory.used",
              "jvm.gc.collections",
              "jvm.thread.count",
              "jvm.class.count",
              "jvm.cpu.time")) {
        assertThat(receiver.metricsNamed(jvm)).as(jvm).isNotEmpty();
      }
      assertThat(receiver.authorizations).isNotEmpty().allMatch(a -> a.equals("Bearer t0k"));
      // The agent's own exports are never traced.
      assertThat(spans)
          .noneMatch(s -> attr(s.getAttributesList(), "url.full").orElse("").contains("/v1/"));
      assertThat(
              receiver.traces.get(0).getResourceSpans(0).getResource().getAttributesList().stream()
                  .anyMatch(
                      kv ->
                          kv.getKey().equals("service.name")
                              && kv.getValue().getStringValue().equals("sample")))
          .isTrue();
    }
  }

  @ParameterizedTest
  @MethodSource("javas")
  void tracesFrameworkLiteCallsAndMessagesThroughItsHooks(String java) throws Exception {
    try (OtlpReceiver receiver = new OtlpReceiver()) {
      Run run = run(java, receiver, List.of(), null, "framework");
      assertThat(run.exit()).as(run.output()).isZero();
      assertThat(run.output()).contains("CONSUMED true");
      List<Span> spans = receiver.spans();
      Span client =
          spans.stream()
              .filter(
                  s ->
                      s.getKind() == SpanKind.SPAN_KIND_CLIENT
                          && s.getName().equals("Orders.Create"))
              .findFirst()
              .orElseThrow(() -> new AssertionError("no client span in " + spans + run.output()));
      assertThat(client.getParentSpanId().isEmpty()).isTrue();
      assertThat(attr(client.getAttributesList(), "peer.service")).contains("orders");
      assertThat(attr(client.getAttributesList(), "rpc.system")).contains("vigil");
      assertThat(attr(client.getAttributesList(), "rpc.service")).contains("orders");
      assertThat(attr(client.getAttributesList(), "rpc.method")).contains("Orders.Create");
      List<Span> servers = childrenOf(spans, client);
      assertThat(servers).extracting(Span::getName).containsExactly("Orders.Create");
      Span server = servers.get(0);
      assertThat(server.getKind()).isEqualTo(SpanKind.SPAN_KIND_SERVER);
      List<Span> inServer = childrenOf(spans, server);
      assertThat(inServer)
          .extracting(Span::getKind)
          .contains(SpanKind.SPAN_KIND_CLIENT, SpanKind.SPAN_KIND_PRODUCER);
      Span producer =
          inServer.stream()
              .filter(s -> s.getKind() == SpanKind.SPAN_KIND_PRODUCER)
              .findFirst()
              .orElseThrow();
      assertThat(producer.getName()).startsWith("publish order-created-");
      List<Span> consumers = childrenOf(spans, producer);
      assertThat(consumers).hasSize(1);
      Span consumer = consumers.get(0);
      assertThat(consumer.getKind()).isEqualTo(SpanKind.SPAN_KIND_CONSUMER);
      assertThat(consumer.getName()).startsWith("process order-created-");
      assertThat(consumer.getLinks(0).getSpanId()).isEqualTo(producer.getSpanId());
      assertThat(consumer.getTraceId()).isEqualTo(client.getTraceId());
      // The HTTP transport's Javalin span stands for the same request and is not exported.
      assertThat(spans).noneMatch(s -> s.getName().startsWith("POST /rpc"));
      List<LogRecord> logs = receiver.logRecords();
      LogRecord audited =
          logs.stream()
              .filter(l -> l.getBody().getStringValue().startsWith("audited order"))
              .findFirst()
              .orElseThrow();
      assertThat(audited.getSpanId()).isEqualTo(consumer.getSpanId());
    }
  }

  @ParameterizedTest
  @MethodSource("javas")
  void collectorDownLeavesTheAppUnaffectedDropsCountedAndDataFlowsWhenItReturns(String java)
      throws Exception {
    try (OtlpReceiver receiver = new OtlpReceiver()) {
      receiver.down = true;
      Thread up =
          new Thread(
              () -> {
                try {
                  // Down from the start until 1.5 s after spans were first refused, so the app
                  // was busy while it was down and stays busy for a while after it returns.
                  while (receiver.refusedTraces.get() < 1) {
                    Thread.sleep(20);
                  }
                  Thread.sleep(1500);
                } catch (InterruptedException e) {
                  return;
                }
                receiver.down = false;
              });
      up.start();
      Run run =
          run(
              java,
              receiver,
              List.of("-Dvigil.exporter.queue.size=64", "-Dvigil.exporter.batch.size=32"),
              null,
              "load",
              "600");
      up.join();
      assertThat(run.exit()).as(run.output()).isZero();
      assertThat(run.output()).contains("LOAD OK 600");
      assertThat(run.output()).contains("collector unreachable");
      assertThat(receiver.refused.get()).isPositive();
      assertThat(receiver.spans()).isNotEmpty().hasSizeLessThan(1200);
      List<Metric> dropped = receiver.metricsNamed("vigil.agent.spans.dropped");
      assertThat(dropped).isNotEmpty();
      assertThat(dropped.get(dropped.size() - 1).getSum().getDataPoints(0).getAsInt()).isPositive();
      // Counted before sampling and dropping: every request shows in the metrics.
      Metric requests =
          receiver
              .metricsNamed("vigil.requests")
              .get(receiver.metricsNamed("vigil.requests").size() - 1);
      long served =
          requests.getSum().getDataPointsList().stream()
              .filter(
                  p -> attr(p.getAttributesList(), "endpoint").orElse("").equals("GET /downstream"))
              .mapToLong(NumberDataPoint::getAsInt)
              .sum();
      assertThat(served).isEqualTo(600);
    }
  }

  @ParameterizedTest
  @MethodSource("javas")
  void requestsAreCountedBeforeSamplingWhenNoTraceIsKept(String java) throws Exception {
    try (OtlpReceiver receiver = new OtlpReceiver()) {
      Run run = run(java, receiver, List.of("-Dvigil.sampler.ratio=0"), null, "load", "40");
      assertThat(run.exit()).as(run.output()).isZero();
      assertThat(receiver.spans()).isEmpty();
      List<Metric> requests = receiver.metricsNamed("vigil.requests");
      assertThat(requests).isNotEmpty();
      long served =
          requests.get(requests.size() - 1).getSum().getDataPointsList().stream()
              .filter(
                  p -> attr(p.getAttributesList(), "endpoint").orElse("").equals("GET /downstream"))
              .mapToLong(NumberDataPoint::getAsInt)
              .sum();
      assertThat(served).isEqualTo(40);
    }
  }

  @ParameterizedTest
  @MethodSource("javas")
  void anExceptionInsideAdviceLeavesTheCallUnaffected(String java) throws Exception {
    try (OtlpReceiver receiver = new OtlpReceiver()) {
      Run run = run(java, receiver, List.of("-Dvigil.agent.debug=true"), null, "faulty-jdbc");
      assertThat(run.exit()).as(run.output()).isZero();
      assertThat(run.output()).contains("instrumented dev.vigil.sampleapp.FaultyStatement");
      assertThat(run.output()).contains("driver bug inside getConnection");
      assertThat(run.output()).contains("FAULTY RESULT true");
    }
  }

  @ParameterizedTest
  @MethodSource("javas")
  void anAppBundlingItsOwnByteBuddyKeepsItAndIsStillTraced(String java) throws Exception {
    String appByteBuddy = System.getProperty("vigil.it.appByteBuddy");
    try (OtlpReceiver receiver = new OtlpReceiver()) {
      Run run = run(java, receiver, List.of(), appByteBuddy, "bytebuddy");
      assertThat(run.exit()).as(run.output()).isZero();
      assertThat(run.output()).containsPattern("APP BYTEBUDDY \\S*byte-buddy-1\\.14\\.18\\.jar");
      assertThat(receiver.spans()).extracting(Span::getName).contains("GET /downstream", "GET");
    }
  }

  @ParameterizedTest
  @MethodSource("javas")
  void aDisabledAgentLeavesTheAppAlone(String java) throws Exception {
    try (OtlpReceiver receiver = new OtlpReceiver()) {
      Run run = run(java, receiver, List.of("-Dvigil.agent.enabled=false"), null, "tree");
      assertThat(run.exit()).as(run.output()).isZero();
      assertThat(run.output()).contains("disabled by vigil.agent.enabled=false");
      assertThat(receiver.traces).isEmpty();
    }
  }
}
