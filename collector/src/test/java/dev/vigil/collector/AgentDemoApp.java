package dev.vigil.collector;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.logging.Logger;

/**
 * A trivial JDK HTTP server that calls itself once and exits; run in a child JVM under the stock
 * OpenTelemetry Java agent by {@link OtelJavaagentTest}.
 */
public final class AgentDemoApp {
  private static final Logger log = Logger.getLogger(AgentDemoApp.class.getName());

  private AgentDemoApp() {}

  public static void main(String[] args) throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/hello",
        exchange -> {
          log.warning("serving hello");
          byte[] body = "hi".getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
    HttpClient client = HttpClient.newHttpClient();
    HttpResponse<String> response =
        client.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hello"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    System.out.println("response " + response.statusCode() + " " + response.body());
    server.stop(0);
  }
}
