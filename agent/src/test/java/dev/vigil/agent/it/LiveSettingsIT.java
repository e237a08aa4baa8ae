package dev.vigil.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.collector.store.Store;
import dev.vigil.console.ConsoleConfig;
import dev.vigil.console.ConsoleServer;
import dev.vigil.testing.PostgresExtension;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A JVM running the agent against a real console's config center and a fake OTLP receiver:
 * publishing {@code sampler.ratio} in app {@code vigil-agent} stops and restarts the service's
 * spans within seconds, while its request metrics keep counting.
 */
class LiveSettingsIT {
  @RegisterExtension static final PostgresExtension postgres = new PostgresExtension();

  static final String ADMIN = "admin-token-for-live-settings";
  static final String ROUTE = "GET /ping/{phase}";
  static final HttpClient HTTP = HttpClient.newHttpClient();

  @Test
  void aPublishedSamplingRatioTakesEffectInTheRunningServiceWithinSeconds() throws Exception {
    try (Store store = Store.builder(postgres.jdbcUrl()).open();
        ConsoleServer console =
            ConsoleServer.builder(store)
                .config(
                    ConsoleConfig.builder().host("127.0.0.1").port(0).tokens(Set.of(ADMIN)).build())
                .start();
        OtlpReceiver receiver = new OtlpReceiver()) {
      String consoleUrl = "http://127.0.0.1:" + console.port();
      Path out = Files.createTempFile("vigil-live", ".log");
      Process p = start(receiver, consoleUrl, out);
      try {
        int port = awaitPort(p, out);
        String log = Files.readString(out);

        ping(port, "before", 5);
        await("spans before", () -> spans(receiver, "/ping/before") == 5, out);

        put(consoleUrl, "sampler.ratio", "0", false);
        long published = System.nanoTime();
        publish(consoleUrl, "sampling off");
        await("release 1 applied", () -> applied(consoleUrl).contains("\"appliedRelease\":1"), out);
        Duration toApply = Duration.ofNanos(System.nanoTime() - published);
        assertThat(toApply).isLessThan(Duration.ofSeconds(15));
        assertThat(Files.readString(out))
            .contains("applied prod/vigil-agent release 1: sampler.ratio=0");

        ping(port, "off", 20);
        await("20 more requests counted", () -> requests(receiver) >= 25, out);
        Thread.sleep(1500);
        assertThat(spans(receiver, "/ping/off")).as(log).isZero();

        // A value out of range is logged once and the current ratio stays.
        put(consoleUrl, "sampler.ratio", "2", true);
        publish(consoleUrl, "out of range");
        await("release 2 applied", () -> applied(consoleUrl).contains("\"appliedRelease\":2"), out);
        assertThat(Files.readString(out))
            .contains(
                "WARN config center prod/vigil-agent release 2: sampler.ratio: 2 (expected: 0.0 to"
                    + " 1.0); keeping 0.0");
        ping(port, "still-off", 3);
        await("3 more requests counted", () -> requests(receiver) >= 28, out);

        put(consoleUrl, "sampler.ratio", "1.0", true);
        publish(consoleUrl, "sampling on");
        await("release 3 applied", () -> applied(consoleUrl).contains("\"appliedRelease\":3"), out);
        ping(port, "on", 5);
        await("spans back", () -> spans(receiver, "/ping/on") == 5, out);
        assertThat(spans(receiver, "/ping/still-off")).isZero();
        assertThat(applied(consoleUrl))
            .contains("\"nodeId\":\"live@")
            .contains("\"service\":\"live\"");
      } finally {
        p.destroy();
        p.waitFor();
        Files.deleteIfExists(out);
      }
    }
  }

  static Process start(OtlpReceiver receiver, String consoleUrl, Path out) throws Exception {
    String cp =
        Stream.of(
                System.getProperty(
                        "surefire.test.class.path", System.getProperty("java.class.path"))
                    .split(File.pathSeparator))
            .filter(e -> !e.endsWith("vigil-agent.jar") && !e.contains("byte-buddy"))
            .collect(Collectors.joining(File.pathSeparator));
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-javaagent:" + new File(AgentIT.AGENT_JAR).getAbsolutePath());
    cmd.add("-Xmx128m");
    cmd.add("-Dvigil.service.name=live");
    cmd.add("-Dvigil.collector.endpoint=" + receiver.endpoint());
    cmd.add("-Dvigil.token=t0k");
    cmd.add("-Dvigil.metrics.interval=1s");
    cmd.add("-Dvigil.config.url=" + consoleUrl);
    cmd.add("-Dvigil.config.token=" + ADMIN);
    cmd.add(
        "-Dlogback.configurationFile="
            + Path.of("src/test/resources/it-logback.xml").toAbsolutePath());
    cmd.add("-cp");
    cmd.add(cp);
    cmd.add("dev.vigil.sampleapp.LiveSettingsApp");
    return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
  }

  static int awaitPort(Process p, Path out) throws Exception {
    Pattern port = Pattern.compile("PORT (\\d+)");
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      Matcher m = port.matcher(Files.readString(out));
      if (m.find()) {
        return Integer.parseInt(m.group(1));
      }
      assertThat(p.isAlive()).as(Files.readString(out)).isTrue();
      Thread.sleep(100);
    }
    throw new AssertionError("app did not start: " + Files.readString(out));
  }

  static void await(String what, BooleanSupplier condition, Path out) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      if (condition.getAsBoolean()) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("timed out waiting for " + what + ": " + Files.readString(out));
  }

  static void ping(int port, String phase, int times) throws Exception {
    for (int i = 0; i < times; i++) {
      HttpResponse<String> r =
          HTTP.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ping/" + phase))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.body()).isEqualTo("pong " + phase);
    }
  }

  static long spans(OtlpReceiver receiver, String path) {
    return receiver.spans().stream()
        .filter(s -> s.getKind() == Span.SpanKind.SPAN_KIND_SERVER)
        .filter(s -> AgentIT.attr(s.getAttributesList(), "url.path").orElse("").equals(path))
        .count();
  }

  /** The service's server request count as last exported (cumulative). */
  static long requests(OtlpReceiver receiver) {
    long max = 0;
    for (Metric m : receiver.metricsNamed("vigil.requests")) {
      for (NumberDataPoint p : m.getSum().getDataPointsList()) {
        if (AgentIT.attr(p.getAttributesList(), "endpoint").orElse("").equals(ROUTE)
            && AgentIT.attr(p.getAttributesList(), "span.kind").orElse("").equals("server")) {
          max = Math.max(max, p.getAsInt());
        }
      }
    }
    return max;
  }

  static void put(String console, String key, String value, boolean exists) throws Exception {
    HttpRequest.Builder b =
        request(console + "/api/v1/config/prod/vigil-agent/entries/" + key)
            .header("Content-Type", "application/json")
            .PUT(
                HttpRequest.BodyPublishers.ofString(
                    "{\"value\":\"" + value + "\",\"type\":\"number\"}"));
    if (exists) {
      b.header("If-Match", "*");
    }
    HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isBetween(200, 201);
  }

  static void publish(String console, String message) throws Exception {
    HttpResponse<String> r =
        HTTP.send(
            request(console + "/api/v1/config/prod/vigil-agent/releases")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"message\":\"" + message + "\"}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
  }

  static String applied(String console) {
    try {
      HttpResponse<String> r =
          HTTP.send(
              request(console + "/api/v1/config/prod/vigil-agent/instances").GET().build(),
              HttpResponse.BodyHandlers.ofString());
      return r.body();
    } catch (Exception e) {
      return e.toString();
    }
  }

  static HttpRequest.Builder request(String url) {
    return HttpRequest.newBuilder(URI.create(url))
        .timeout(Duration.ofSeconds(10))
        .header("Authorization", "Bearer " + ADMIN);
  }
}
