package dev.vigil.collector;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.collector.store.LogQuery;
import dev.vigil.collector.store.LogRepository;
import dev.vigil.collector.store.StoredLog;
import dev.vigil.collector.store.StoredSpan;
import dev.vigil.collector.store.TraceQuery;
import dev.vigil.collector.store.TraceRepository;
import dev.vigil.collector.store.TraceSummary;
import dev.vigil.testing.PostgresExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The stock OpenTelemetry Java agent, instrumenting a real app, exports into the collector. */
class OtelJavaagentTest {
  @RegisterExtension static final PostgresExtension postgres = new PostgresExtension();

  @Test
  void stockJavaagentTracesAndLogsAreStoredWithParentageAndTraceContext() throws Exception {
    Path agent = Path.of("target", "agents", "opentelemetry-javaagent.jar");
    assertThat(agent).exists();
    try (CollectorServer collector = TestCollector.start(postgres)) {
      Path output = Files.createTempFile("agent-demo", ".log");
      Process process =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-javaagent:" + agent.toAbsolutePath(),
                  "-Dotel.service.name=agent-demo",
                  "-Dotel.exporter.otlp.protocol=http/protobuf",
                  "-Dotel.exporter.otlp.endpoint=http://127.0.0.1:" + collector.port(),
                  "-Dotel.metrics.exporter=none",
                  "-Dotel.bsp.schedule.delay=100",
                  "-Dotel.blrp.schedule.delay=100",
                  "-cp",
                  System.getProperty("java.class.path"),
                  AgentDemoApp.class.getName())
              .redirectErrorStream(true)
              .redirectOutput(output.toFile())
              .start();
      assertThat(process.waitFor(90, TimeUnit.SECONDS)).isTrue();
      String log = Files.readString(output);
      assertThat(log).contains("response 200 hi");
      assertThat(log).doesNotContain("Failed to export");

      TraceRepository traces = new TraceRepository(collector.store().jdbi());
      List<TraceSummary> found =
          traces.searchTraces(
              TraceQuery.builder(Instant.now().minusSeconds(600), Instant.now().plusSeconds(60))
                  .service("agent-demo")
                  .build());
      assertThat(found).isNotEmpty();
      List<StoredSpan> spans =
          found.stream()
              .flatMap(t -> traces.findTrace(t.traceId()).orElseThrow().spans().stream())
              .toList();
      StoredSpan client = spans.stream().filter(s -> s.kind() == 3).findFirst().orElseThrow();
      StoredSpan server = spans.stream().filter(s -> s.kind() == 2).findFirst().orElseThrow();
      assertThat(client.scope()).isEqualTo("io.opentelemetry.java-http-client");
      assertThat(server.name()).isEqualTo("GET /hello");
      assertThat(server.traceId()).isEqualTo(client.traceId());
      assertThat(server.parentSpanId()).isEqualTo(client.spanId());
      assertThat(server.attributesJson()).contains("\"http.route\": \"/hello\"");
      List<StoredLog> logs =
          new LogRepository(collector.store().jdbi())
              .search(
                  LogQuery.builder(Instant.now().minusSeconds(600), Instant.now().plusSeconds(60))
                      .service("agent-demo")
                      .text("serving hello")
                      .build());
      assertThat(logs)
          .singleElement()
          .satisfies(
              l -> {
                assertThat(l.traceId()).isEqualTo(server.traceId());
                assertThat(l.spanId()).isEqualTo(server.spanId());
              });
      assertThat(spans)
          .allSatisfy(
              s -> {
                assertThat(s.service()).isEqualTo("agent-demo");
                assertThat(s.resourceJson()).contains("telemetry.distro.name");
              });
      Files.deleteIfExists(output);
    }
  }
}
