package dev.vigil.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.testing.PostgresExtension;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One trace through a Vigil-traced service, a service carrying the stock OpenTelemetry javaagent,
 * and back: W3C Trace Context keeps the parentage unbroken in both directions.
 */
class InteropIT {
  @RegisterExtension static final PostgresExtension postgres = new PostgresExtension();

  @Test
  void aTracePassesThroughTheOpenTelemetryAgentAndBackUnbroken() throws Exception {
    String otelAgent = System.getProperty("vigil.it.otelAgent");
    String cp =
        Stream.of(
                System.getProperty(
                        "surefire.test.class.path", System.getProperty("java.class.path"))
                    .split(File.pathSeparator))
            .filter(e -> !e.endsWith("vigil-agent.jar") && !e.contains("byte-buddy"))
            .collect(Collectors.joining(File.pathSeparator));
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    try (OtlpReceiver receiver = new OtlpReceiver()) {
      Path otelOut = Files.createTempFile("otel-side", ".log");
      Process otel =
          new ProcessBuilder(
                  java,
                  "-javaagent:" + otelAgent,
                  "-Dotel.service.name=otel-side",
                  "-Dotel.exporter.otlp.protocol=http/protobuf",
                  "-Dotel.exporter.otlp.endpoint=" + receiver.endpoint(),
                  "-Dotel.metrics.exporter=none",
                  "-Dotel.logs.exporter=none",
                  "-Dotel.bsp.schedule.delay=100",
                  "-cp",
                  cp,
                  "dev.vigil.sampleapp.OtelSideApp")
              .redirectErrorStream(true)
              .redirectOutput(otelOut.toFile())
              .start();
      try {
        int otelPort = awaitPort(otelOut);
        AgentIT.Run run =
            AgentIT.run(
                java,
                receiver,
                postgres.jdbcUrl(),
                List.of(),
                null,
                "interop",
                Integer.toString(otelPort));
        assertThat(run.exit()).as(run.output()).isZero();
        assertThat(run.output()).contains("INTEROP HTTP/1.1 200 OK otel:down:00-");

        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < until
            && receiver.spans().stream()
                    .filter(s -> s.getKind() == SpanKind.SPAN_KIND_SERVER)
                    .count()
                < 3) {
          Thread.sleep(100);
        }
        List<Span> spans = receiver.spans();
        Span vigilServer = find(spans, SpanKind.SPAN_KIND_SERVER, "GET /interop");
        Span vigilClient = child(spans, vigilServer, SpanKind.SPAN_KIND_CLIENT);
        Span otelServer = child(spans, vigilClient, SpanKind.SPAN_KIND_SERVER);
        Span otelClient = child(spans, otelServer, SpanKind.SPAN_KIND_CLIENT);
        Span vigilDownstream = child(spans, otelClient, SpanKind.SPAN_KIND_SERVER);
        assertThat(vigilDownstream.getName()).isEqualTo("GET /downstream");
        assertThat(List.of(vigilClient, otelServer, otelClient, vigilDownstream))
            .extracting(Span::getTraceId)
            .containsOnly(vigilServer.getTraceId());
      } finally {
        otel.destroy();
        otel.waitFor(10, TimeUnit.SECONDS);
        Files.deleteIfExists(otelOut);
      }
    }
  }

  private static Span find(List<Span> spans, SpanKind kind, String name) {
    return spans.stream()
        .filter(s -> s.getKind() == kind && s.getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + kind + " " + name + " in " + names(spans)));
  }

  private static Span child(List<Span> spans, Span parent, SpanKind kind) {
    return spans.stream()
        .filter(s -> s.getKind() == kind && s.getParentSpanId().equals(parent.getSpanId()))
        .findFirst()
        .orElseThrow(
            () ->
                new AssertionError(
                    "no " + kind + " child of " + parent.getName() + " in " + names(spans)));
  }

  private static String names(List<Span> spans) {
    return spans.stream()
        .map(s -> s.getKind() + " " + s.getName())
        .collect(Collectors.joining(", "));
  }

  private static int awaitPort(Path out) throws Exception {
    Pattern p = Pattern.compile("OTEL PORT (\\d+)");
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < until) {
      Matcher m = p.matcher(Files.readString(out));
      if (m.find()) {
        return Integer.parseInt(m.group(1));
      }
      Thread.sleep(100);
    }
    throw new AssertionError("OpenTelemetry side did not start: " + Files.readString(out));
  }
}
