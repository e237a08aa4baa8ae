package dev.vigil.sampleapp;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/**
 * The service that runs under the stock OpenTelemetry agent in the interop test: {@code GET
 * /otel?back=<port>} calls {@code /downstream} on the Vigil-traced service at that port and answers
 * with what it got. Prints its port, then serves until killed.
 */
public final class OtelSideApp {
  private OtelSideApp() {}

  public static void main(String[] args) throws Exception {
    HttpClient client = HttpClient.newHttpClient();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/otel",
        ex -> {
          try {
            String back = ex.getRequestURI().getQuery().substring("back=".length());
            HttpResponse<String> r =
                client.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + back + "/downstream"))
                        .build(),
                    HttpResponse.BodyHandlers.ofString());
            byte[] body = ("otel:" + r.body()).getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
          } catch (Exception e) {
            ex.sendResponseHeaders(500, -1);
          } finally {
            ex.close();
          }
        });
    server.start();
    System.out.println("OTEL PORT " + server.getAddress().getPort());
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
