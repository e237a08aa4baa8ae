package dev.vigil.console.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/** A small HTTP client for the config API in tests: JSON in, JSON out, with headers. */
final class ConfigHttp {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;
  private final @Nullable String token;

  ConfigHttp(int port, @Nullable String token) {
    this.base = "http://127.0.0.1:" + port;
    this.token = token;
  }

  ConfigHttp as(@Nullable String token) {
    return new ConfigHttp(Integer.parseInt(base.substring(base.lastIndexOf(':') + 1)), token);
  }

  record Response(int status, String body, HttpResponse<String> raw) {
    JsonNode json() {
      try {
        return MAPPER.readTree(body);
      } catch (IOException e) {
        throw new UncheckedIOException("not JSON: " + body, e);
      }
    }

    @Nullable String header(String name) {
      return raw.headers().firstValue(name).orElse(null);
    }
  }

  Response get(String path, String... headers) {
    return send(request(path, headers).GET().build());
  }

  CompletableFuture<Response> getAsync(String path, String... headers) {
    return CLIENT
        .sendAsync(request(path, headers).GET().build(), HttpResponse.BodyHandlers.ofString())
        .thenApply(r -> new Response(r.statusCode(), r.body(), r));
  }

  Response put(String path, String json, String... headers) {
    return send(
        request(path, headers)
            .header("Content-Type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofString(json))
            .build());
  }

  Response post(String path, String json, String... headers) {
    return send(
        request(path, headers)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build());
  }

  Response delete(String path, String... headers) {
    return send(request(path, headers).DELETE().build());
  }

  /** Creates or updates an entry, reading its current version first, and returns the answer. */
  Response set(String envApp, String key, String json) {
    Response current = get("/api/v1/config/" + envApp + "/entries/" + key);
    if (current.status() == 404) {
      return put("/api/v1/config/" + envApp + "/entries/" + key, json);
    }
    return put(
        "/api/v1/config/" + envApp + "/entries/" + key, json, "If-Match", current.header("ETag"));
  }

  private HttpRequest.Builder request(String path, String... headers) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return b;
  }

  private static Response send(HttpRequest request) {
    try {
      HttpResponse<String> r = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
      return new Response(r.statusCode(), r.body(), r);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static String json(Object... kv) {
    var node = MAPPER.createObjectNode();
    for (int i = 0; i < kv.length; i += 2) {
      node.set((String) kv[i], MAPPER.valueToTree(kv[i + 1]));
    }
    return node.toString();
  }
}
