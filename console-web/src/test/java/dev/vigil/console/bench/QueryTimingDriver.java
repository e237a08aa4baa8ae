package dev.vigil.console.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Times the API calls the console's Overview, Service and Traces pages make, against a console
 * serving a large database: {@code QueryTimingDriver url=... token=... endNs=... [rounds=20]
 * [warmup=3]}. Windows end at {@code endNs} (the end of the stored data) rather than now, so the
 * figures do not depend on when the data was generated.
 *
 * <p>Each call is made {@code warmup} times untimed, then {@code rounds} times one after another;
 * the time is measured on the client over loopback, from sending the request to reading the whole
 * body, and printed as p50, p95 and max. The Overview page total (the services list, then up to 30
 * sparkline requests over 6 connections, as a browser makes them) is timed the same way.
 */
public final class QueryTimingDriver {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long MINUTE_NS = 60_000_000_000L;
  private static final int SPARKLINES = 30;
  private static final int BROWSER_CONNECTIONS = 6;

  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private final String url;
  private final String token;

  private QueryTimingDriver(String url, String token) {
    this.url = url;
    this.token = token;
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> a = new LinkedHashMap<>();
    for (String arg : args) {
      int eq = arg.indexOf('=');
      a.put(arg.substring(0, eq), arg.substring(eq + 1));
    }
    QueryTimingDriver d = new QueryTimingDriver(a.get("url"), a.get("token"));
    long end = Long.parseLong(a.get("endNs"));
    int rounds = Integer.parseInt(a.getOrDefault("rounds", "20"));
    int warmup = Integer.parseInt(a.getOrDefault("warmup", "3"));
    d.run(end, rounds, warmup);
  }

  private void run(long end, int rounds, int warmup) throws Exception {
    String w15 = window(end, 15);
    String w1h = window(end, 60);
    String w24h = window(end, 24 * 60);
    JsonNode services = get("/api/v1/services?" + w15).get("services");
    List<String> names = new ArrayList<>();
    services.forEach(s -> names.add(s.get("name").asText()));
    String service = a(names, "checkout");
    JsonNode ops = get("/api/v1/services/" + enc(service) + "/operations?" + w15).get("operations");
    String operation = ops.get(0).get("name").asText();
    System.out.printf(
        "%d services in the last 15 min; service page of %s, operation %s%n",
        names.size(), service, operation);

    Map<String, String> calls = new LinkedHashMap<>();
    calls.put("overview: services (15m)", "/api/v1/services?" + w15);
    calls.put("overview: red sparkline, one service (15m)", red(service, w15));
    calls.put("overview: registry services", "/api/v1/registry/services");
    calls.put("service: red (15m)", red(service, w15));
    calls.put(
        "service: operations (15m)", "/api/v1/services/" + enc(service) + "/operations?" + w15);
    calls.put("service: dependencies (15m)", "/api/v1/dependencies?" + w15);
    calls.put(
        "service: error traces (15m, limit 10)",
        "/api/v1/traces?service=" + enc(service) + "&status=error&limit=10&" + w15);
    calls.put(
        "service: error logs (15m, limit 10)",
        "/api/v1/logs?service=" + enc(service) + "&severity=error&limit=10&" + w15);
    calls.put(
        "service: jvm.memory.used series (15m)",
        "/api/v1/metrics/series?name=jvm.memory.used&service=" + enc(service) + "&" + w15);
    calls.put("traces: services list (1h)", "/api/v1/services?" + w1h);
    for (String[] win : new String[][] {{"1h", w1h}, {"24h", w24h}}) {
      String s = "service=" + enc(service);
      calls.put("traces (" + win[0] + "): no filter", "/api/v1/traces?" + win[1]);
      calls.put("traces (" + win[0] + "): service", "/api/v1/traces?" + s + "&" + win[1]);
      calls.put(
          "traces (" + win[0] + "): service+operation",
          "/api/v1/traces?" + s + "&operation=" + enc(operation) + "&" + win[1]);
      calls.put(
          "traces (" + win[0] + "): service+minDurationMs=500",
          "/api/v1/traces?" + s + "&minDurationMs=500&" + win[1]);
      calls.put(
          "traces (" + win[0] + "): minDurationMs=1000",
          "/api/v1/traces?minDurationMs=1000&" + win[1]);
      calls.put(
          "traces (" + win[0] + "): service+status=error",
          "/api/v1/traces?" + s + "&status=error&" + win[1]);
      calls.put("traces (" + win[0] + "): status=error", "/api/v1/traces?status=error&" + win[1]);
      calls.put(
          "traces (" + win[0] + "): attr=tenant.id=tenant-7",
          "/api/v1/traces?attr=" + enc("tenant.id=tenant-7") + "&" + win[1]);
      calls.put(
          "traces (" + win[0] + "): service+attr=http.response.status_code=500",
          "/api/v1/traces?" + s + "&attr=" + enc("http.response.status_code=500") + "&" + win[1]);
    }

    System.out.printf("%-60s %8s %8s %8s %8s%n", "call", "p50 ms", "p95 ms", "max ms", "items");
    for (Map.Entry<String, String> c : calls.entrySet()) {
      for (int i = 0; i < warmup; i++) {
        get(c.getValue());
      }
      double[] ms = new double[rounds];
      int items = 0;
      for (int i = 0; i < rounds; i++) {
        long t0 = System.nanoTime();
        JsonNode body = get(c.getValue());
        ms[i] = (System.nanoTime() - t0) / 1e6;
        items = count(body);
      }
      print(c.getKey(), ms, items);
    }
    ExecutorService browser = Executors.newFixedThreadPool(BROWSER_CONNECTIONS);
    try {
      for (int i = 0; i < warmup; i++) {
        overviewPage(browser, w15);
      }
      double[] ms = new double[rounds];
      for (int i = 0; i < rounds; i++) {
        long t0 = System.nanoTime();
        overviewPage(browser, w15);
        ms[i] = (System.nanoTime() - t0) / 1e6;
      }
      print("overview page: services + 30 sparklines, 6 connections", ms, names.size());
    } finally {
      browser.shutdownNow();
    }
  }

  private void overviewPage(ExecutorService browser, String w15) throws Exception {
    JsonNode services = get("/api/v1/services?" + w15).get("services");
    List<Future<JsonNode>> sparklines = new ArrayList<>();
    for (int i = 0; i < Math.min(SPARKLINES, services.size()); i++) {
      String name = services.get(i).get("name").asText();
      sparklines.add(browser.submit(() -> get(red(name, w15))));
    }
    for (Future<JsonNode> f : sparklines) {
      f.get();
    }
  }

  private static void print(String name, double[] ms, int items) {
    double[] sorted = ms.clone();
    Arrays.sort(sorted);
    System.out.printf(
        "%-60s %8.1f %8.1f %8.1f %8d%n",
        name,
        sorted[(int) Math.ceil(0.50 * sorted.length) - 1],
        sorted[(int) Math.ceil(0.95 * sorted.length) - 1],
        sorted[sorted.length - 1],
        items);
  }

  private static int count(JsonNode body) {
    for (String field : List.of("traces", "services", "operations", "edges", "logs", "points")) {
      if (body.has(field)) {
        return body.get(field).size();
      }
    }
    return body.size();
  }

  private JsonNode get(String path) throws IOException, InterruptedException {
    HttpResponse<byte[]> r =
        http.send(
            HttpRequest.newBuilder(URI.create(url + path))
                .header("Authorization", "Bearer " + token)
                .timeout(Duration.ofSeconds(60))
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    if (r.statusCode() != 200) {
      throw new IOException(
          path + ": " + r.statusCode() + " " + new String(r.body(), StandardCharsets.UTF_8));
    }
    return JSON.readTree(r.body());
  }

  private static String red(String service, String window) {
    return "/api/v1/metrics/red?service=" + enc(service) + "&" + window;
  }

  private static String window(long endNs, int minutes) {
    return "start=" + (endNs - minutes * MINUTE_NS) + "&end=" + endNs;
  }

  private static String a(List<String> names, String preferred) {
    return names.contains(preferred) ? preferred : names.get(0);
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
