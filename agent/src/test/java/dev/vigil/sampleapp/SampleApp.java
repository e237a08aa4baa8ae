package dev.vigil.sampleapp;

import io.javalin.Javalin;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small service run under the agent by the integration tests: a Javalin route that queries
 * PostgreSQL, logs and calls a downstream route with the JDK HttpClient and HttpURLConnection.
 * {@code args[0]} picks the scenario; the JDBC URL comes from {@code it.jdbc.url}.
 */
public final class SampleApp {
  private static final Logger log = LoggerFactory.getLogger(SampleApp.class);
  public static final String INCOMING_TRACEPARENT =
      "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

  private static volatile int serverPort;
  private static volatile int otelPort;

  private SampleApp() {}

  public static void main(String[] args) throws Exception {
    String mode = args.length > 0 ? args[0] : "tree";
    switch (mode) {
      case "tree":
        tree();
        break;
      case "load":
        load(Integer.parseInt(args[1]));
        break;
      case "framework":
        FrameworkApp.run(System.getProperty("it.jdbc.url"));
        break;
      case "interop":
        interop(Integer.parseInt(args[1]));
        break;
      case "faulty-jdbc":
        faultyJdbc();
        break;
      case "bytebuddy":
        ownByteBuddy();
        break;
      default:
        throw new IllegalArgumentException(mode);
    }
    System.out.println("APP DONE " + mode);
    System.exit(0);
  }

  private static Javalin server(String jdbcUrl) {
    Javalin app =
        Javalin.create(c -> c.showJavalinBanner = false)
            .get("/downstream", ctx -> ctx.result("down:" + ctx.header("traceparent")))
            .get(
                "/interop",
                ctx -> {
                  HttpResponse<String> r =
                      HttpClient.newHttpClient()
                          .send(
                              HttpRequest.newBuilder(
                                      URI.create(
                                          "http://127.0.0.1:"
                                              + otelPort
                                              + "/otel?back="
                                              + serverPort))
                                  .build(),
                              HttpResponse.BodyHandlers.ofString());
                  ctx.result(r.body());
                })
            .get(
                "/hello/{name}",
                ctx -> {
                  String name = ctx.pathParam("name");
                  String greeting;
                  try (Connection c = DriverManager.getConnection(jdbcUrl);
                      PreparedStatement ps = c.prepareStatement("SELECT ? || ' greeted' AS g")) {
                    ps.setString(1, name);
                    try (ResultSet rs = ps.executeQuery()) {
                      rs.next();
                      greeting = rs.getString(1);
                    }
                    try (Statement st = c.createStatement()) {
                      st.execute("SELECT 1 WHERE 'secret' = 'secret' AND 42 = 42");
                    }
                  }
                  log.info("served {}", name);
                  int port = serverPort;
                  HttpClient client = HttpClient.newHttpClient();
                  HttpResponse<String> r =
                      client.send(
                          HttpRequest.newBuilder(
                                  URI.create("http://127.0.0.1:" + port + "/downstream"))
                              .build(),
                          HttpResponse.BodyHandlers.ofString());
                  HttpURLConnection u =
                      (HttpURLConnection)
                          new URL("http://127.0.0.1:" + port + "/downstream").openConnection();
                  String viaUrl;
                  try (InputStream in = u.getInputStream()) {
                    viaUrl = new String(in.readAllBytes());
                  }
                  ctx.result(greeting + "|" + r.body() + "|" + viaUrl);
                })
            .get(
                "/fail",
                ctx -> {
                  throw new IllegalStateException("route failed");
                });
    app.start("127.0.0.1", 0);
    serverPort = app.port();
    return app;
  }

  private static void tree() throws Exception {
    Javalin app = server(System.getProperty("it.jdbc.url"));
    int port = app.port();
    // Raw sockets for the outer calls, which the agent does not trace: the incoming context
    // of the first request is exactly this traceparent.
    System.out.println("BODY " + rawGet(port, "/hello/ada", INCOMING_TRACEPARENT));
    System.out.println("FAIL ROUTE " + rawGet(port, "/fail", null));
    log.error("something broke", new IllegalArgumentException("bad input"));
    app.stop();
  }

  static String rawGet(int port, String path, String traceparent) throws java.io.IOException {
    try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
      String req =
          "GET "
              + path
              + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
              + (traceparent == null ? "" : "traceparent: " + traceparent + "\r\n")
              + "\r\n";
      s.getOutputStream().write(req.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
      String response =
          new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      return response.substring(0, response.indexOf("\r\n"))
          + " "
          + response.substring(response.indexOf("\r\n\r\n") + 4);
    }
  }

  private static void load(int requests) throws Exception {
    Javalin app = server(System.getProperty("it.jdbc.url"));
    int port = app.port();
    HttpClient client = HttpClient.newHttpClient();
    int ok = 0;
    long deadline = System.nanoTime() + 60_000_000_000L;
    for (int i = 0; i < requests && System.nanoTime() < deadline; i++) {
      HttpResponse<String> r =
          client.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/downstream"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() == 200) {
        ok++;
      }
      Thread.sleep(10);
    }
    System.out.println("LOAD OK " + ok);
    Runtime rt = Runtime.getRuntime();
    System.out.println("HEAP USED " + (rt.totalMemory() - rt.freeMemory()));
    app.stop();
  }

  private static void interop(int otelPort) throws Exception {
    SampleApp.otelPort = otelPort;
    Javalin app = server(System.getProperty("it.jdbc.url"));
    System.out.println("INTEROP " + rawGet(serverPort, "/interop", null));
    app.stop();
  }

  private static void faultyJdbc() throws Exception {
    // getConnection() throws inside the agent's advice; the call itself must still succeed.
    FaultyStatement st = new FaultyStatement();
    boolean result = st.execute("SELECT 1");
    System.out.println("FAULTY RESULT " + result);
  }

  private static void ownByteBuddy() throws Exception {
    Class<?> bb = Class.forName("net.bytebuddy.ByteBuddy");
    Object byteBuddy = bb.getConstructor().newInstance();
    Object unloaded = bb.getMethod("subclass", Class.class).invoke(byteBuddy, Object.class);
    Object made = unloaded.getClass().getMethod("make").invoke(unloaded);
    System.out.println(
        "APP BYTEBUDDY "
            + bb.getProtectionDomain().getCodeSource().getLocation()
            + " "
            + made.getClass().getName());
    Javalin app = server(System.getProperty("it.jdbc.url"));
    HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + "/downstream"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    app.stop();
  }
}
