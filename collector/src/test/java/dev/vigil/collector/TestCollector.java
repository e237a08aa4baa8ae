package dev.vigil.collector;

import dev.vigil.testing.PostgresExtension;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Consumer;

/** Starts a real collector on a free loopback port against the test database. */
final class TestCollector {
  static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private TestCollector() {}

  static CollectorServer start(PostgresExtension postgres) {
    return start(postgres, b -> {});
  }

  static CollectorServer start(
      PostgresExtension postgres, Consumer<CollectorConfig.Builder> custom) {
    CollectorConfig.Builder builder =
        CollectorConfig.builder().dbUrl(postgres.jdbcUrl()).host("127.0.0.1").port(0);
    custom.accept(builder);
    return CollectorServer.create(builder.build()).start();
  }

  static String url(CollectorServer server, String path) {
    return "http://127.0.0.1:" + server.port() + path;
  }

  static HttpResponse<byte[]> post(
      CollectorServer server, String path, String contentType, byte[] body, String... headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url(server, path)))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  static HttpResponse<String> get(CollectorServer server, String path)
      throws IOException, InterruptedException {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(url(server, path))).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
