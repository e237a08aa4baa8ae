package dev.vigil.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.collector.CollectorConfig;
import dev.vigil.collector.CollectorServer;
import dev.vigil.collector.store.LogQuery;
import dev.vigil.collector.store.LogRepository;
import dev.vigil.collector.store.StoredLog;
import dev.vigil.collector.store.StoredSpan;
import dev.vigil.collector.store.TraceQuery;
import dev.vigil.collector.store.TraceRepository;
import dev.vigil.collector.store.TraceSummary;
import dev.vigil.testing.PostgresExtension;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The agent against the real collector: framework-lite services, JDBC and NATS traced in a JVM
 * started with {@code -javaagent}, stored in PostgreSQL with parentage and log correlation.
 */
class AgentCollectorIT {
  @RegisterExtension static final PostgresExtension postgres = new PostgresExtension();

  @Test
  void frameworkLiteTraceAndCorrelatedLogsAreStoredByTheCollector() throws Exception {
    CollectorConfig config =
        CollectorConfig.builder()
            .dbUrl(postgres.jdbcUrl())
            .host("127.0.0.1")
            .port(0)
            .tokens(Set.of("t0k"))
            .build();
    try (CollectorServer collector = CollectorServer.create(config).start()) {
      String cp =
          Stream.of(
                  System.getProperty(
                          "surefire.test.class.path", System.getProperty("java.class.path"))
                      .split(File.pathSeparator))
              .filter(e -> !e.endsWith("vigil-agent.jar") && !e.contains("byte-buddy"))
              .collect(Collectors.joining(File.pathSeparator));
      Path out = Files.createTempFile("vigil-it", ".log");
      Process p =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-javaagent:" + new File(AgentIT.AGENT_JAR).getAbsolutePath(),
                  "-Dvigil.service.name=shop",
                  "-Dvigil.collector.endpoint=http://127.0.0.1:" + collector.port(),
                  "-Dvigil.token=t0k",
                  "-Dit.jdbc.url=" + postgres.jdbcUrl(),
                  "-Dlogback.configurationFile="
                      + Path.of("src/test/resources/it-logback.xml").toAbsolutePath(),
                  "-cp",
                  cp,
                  "dev.vigil.sampleapp.SampleApp",
                  "framework")
              .redirectErrorStream(true)
              .redirectOutput(out.toFile())
              .start();
      assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
      String output = Files.readString(out);
      assertThat(p.exitValue()).as(output).isZero();
      assertThat(output).contains("CONSUMED true");

      TraceRepository traces = new TraceRepository(collector.store().jdbi());
      Instant now = Instant.now();
      List<TraceSummary> found =
          traces.searchTraces(
              TraceQuery.builder(now.minusSeconds(600), now.plusSeconds(60))
                  .service("shop")
                  .build());
      List<StoredSpan> spans =
          found.stream()
              .flatMap(t -> traces.findTrace(t.traceId()).orElseThrow().spans().stream())
              .toList();
      StoredSpan client =
          spans.stream()
              .filter(s -> s.kind() == 3 && s.name().equals("Orders.Create"))
              .findFirst()
              .orElseThrow(() -> new AssertionError(spans + output));
      StoredSpan server =
          spans.stream()
              .filter(s -> s.kind() == 2 && s.name().equals("Orders.Create"))
              .findFirst()
              .orElseThrow();
      StoredSpan producer = spans.stream().filter(s -> s.kind() == 4).findFirst().orElseThrow();
      StoredSpan consumer = spans.stream().filter(s -> s.kind() == 5).findFirst().orElseThrow();
      StoredSpan db =
          spans.stream()
              .filter(s -> s.attributesJson().contains("db.system"))
              .findFirst()
              .orElseThrow();
      assertThat(server.parentSpanId()).isEqualTo(client.spanId());
      assertThat(db.parentSpanId()).isEqualTo(server.spanId());
      assertThat(producer.parentSpanId()).isEqualTo(server.spanId());
      assertThat(consumer.parentSpanId()).isEqualTo(producer.spanId());
      assertThat(consumer.linksJson()).contains(producer.spanId());
      assertThat(client.attributesJson()).contains("peer.service");
      assertThat(List.of(server.traceId(), db.traceId(), producer.traceId(), consumer.traceId()))
          .containsOnly(client.traceId());

      List<StoredLog> logs =
          new LogRepository(collector.store().jdbi())
              .search(
                  LogQuery.builder(now.minusSeconds(600), now.plusSeconds(60))
                      .service("shop")
                      .text("audited order")
                      .build());
      assertThat(logs).hasSize(1);
      assertThat(logs.get(0).traceId()).isEqualTo(client.traceId());
      assertThat(logs.get(0).spanId()).isEqualTo(consumer.spanId());
    }
  }
}
