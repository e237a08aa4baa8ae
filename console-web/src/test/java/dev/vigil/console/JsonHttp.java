package dev.vigil.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A JSON client for tests of the token-guarded APIs: any method, a JSON body, a bearer token and
 * extra headers, against a real server on loopback.
 */
final class JsonHttp {
  static final ObjectMapper MAPPER = new ObjectMapper();
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final String base;
  private final @Nullable String token;
  private final Map<String, String> headers;

  JsonHttp(int port, @Nullable String token) {
    this("http://127.0.0.1:" + port, token, Map.of());
  }

  private JsonHttp(String base, @Nullable String token, Map<String, String> headers) {
    this.base = base;
    this.token = token;
    this.headers = headers;
  }

  JsonHttp withToken(@Nullable String newToken) {
    return new JsonHttp(base, newToken, headers);
  }

  JsonHttp withHeader(String name, String value) {
    Map<String, String> more = new LinkedHashMap<>(headers);
    more.put(name, value);
    return new JsonHttp(base, token, more);
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

    long index() {
      return Long.parseLong(raw.headers().firstValue("X-Vigil-Index").orElseThrow());
    }
  }

  Response get(String path) {
    return send("GET", path, null);
  }

  Response delete(String path) {
    return send("DELETE", path, null);
  }

  Response put(String path, Object body) {
    return send("PUT", path, body);
  }

  Response post(String path, Object body) {
    return send("POST", path, body);
  }

  Response patch(String path, Object body) {
    return send("PATCH", path, body);
  }

  /** Sends {@code body} as JSON; a String is sent as it is, so tests can send broken JSON. */
  Response send(String method, String path, @Nullable Object body) {
    try {
      String json =
          body == null ? null : body instanceof String s ? s : MAPPER.writeValueAsString(body);
      HttpRequest.Builder request =
          HttpRequest.newBuilder(URI.create(base + path))
              .timeout(Duration.ofMinutes(2))
              .method(
                  method,
                  json == null
                      ? HttpRequest.BodyPublishers.noBody()
                      : HttpRequest.BodyPublishers.ofString(json));
      if (json != null) {
        request.header("Content-Type", "application/json");
      }
      if (token != null) {
        request.header("Authorization", "Bearer " + token);
      }
      headers.forEach(request::header);
      HttpResponse<String> response =
          CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new Response(response.statusCode(), response.body(), response);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
