package dev.vigil.examples.shop;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Runs the whole demo from a checkout that {@code bin/vigil-demo} has built: PostgreSQL, the Vigil
 * server (collector and console) and the shop's five services, each in its own JVM with the agent
 * attached, plus a load generator placing orders through the gateway. Prints the console URL and
 * the sign-in credentials; Ctrl-C (SIGTERM) stops the child JVMs and an embedded PostgreSQL.
 *
 * <p>PostgreSQL, in this order: {@code VIGIL_DB_URL}; an embedded PostgreSQL under {@code
 * .vigil/postgres} (not as root: PostgreSQL refuses to run as root); a server already listening on
 * 127.0.0.1:5432 (database {@code vigil_demo} is created); otherwise it exits saying what to do.
 */
public final class DemoLauncher {
  static final String[] SERVICES = {"inventory", "payments", "notifications", "orders", "gateway"};
  static final Map<String, Map<String, String>> SEED = new LinkedHashMap<>();

  static {
    SEED.put("payments", Map.of("payments.failure-rate", "0.02", "payments.latency-ms", "40"));
    SEED.put("inventory", Map.of("inventory.reserve-delay-ms", "5"));
    SEED.put(ShopNode.AGENT_APP, Map.of("sampler.ratio", "1.0"));
  }

  private final Path home;
  private final Path data;
  private final List<Process> children = new ArrayList<>();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private @Nullable EmbeddedPostgres embedded;
  private volatile boolean running = true;
  private final CountDownLatch stopped = new CountDownLatch(1);

  private DemoLauncher(Path home) {
    this.home = home;
    this.data = home.resolve(".vigil");
  }

  public static void main(String[] args) throws Exception {
    DemoLauncher demo = new DemoLauncher(Path.of("").toAbsolutePath());
    Runtime.getRuntime().addShutdownHook(new Thread(demo::stop, "vigil-demo-stop"));
    try {
      if (args.length == 1 && args[0].equals("--database-only")) {
        demo.checkDatabase();
      } else if (args.length == 0) {
        demo.run();
      } else {
        System.err.println("usage: vigil-demo [--database-only]");
        System.exit(2);
      }
    } catch (DemoException e) {
      System.err.println("vigil-demo: " + e.getMessage());
      System.exit(1);
    }
  }

  private void run() throws Exception {
    Files.createDirectories(data.resolve("logs"));
    String dbUrl = database();
    String token = secret("demo-token", 32);
    String password = secret("admin-password", 12);
    int httpPort = portOr(8080);
    int otlpPort = portOr(4318);
    int gatewayPort = portOr(7070);
    String console = "http://127.0.0.1:" + httpPort;

    Map<String, String> serverEnv = new LinkedHashMap<>();
    serverEnv.put("VIGIL_DB_URL", dbUrl);
    serverEnv.put("VIGIL_ADMIN_PASSWORD", password);
    serverEnv.put("VIGIL_ADMIN_PASSWORD_FILE", data.resolve("admin-password-console").toString());
    start(
        "server",
        List.of(
            java(),
            "-jar",
            home.resolve("console-web/target/vigil.jar").toString(),
            "server",
            "--host=127.0.0.1",
            "--http-port=" + httpPort,
            "--otlp-port=" + otlpPort,
            "--token=" + token),
        serverEnv);
    waitReady(console + "/ready", Duration.ofSeconds(180));
    ensureAdminPassword(console, token, password);
    seedConfig(console, token);

    String classpath =
        home.resolve("examples/target/vigil-examples-0.1.0-SNAPSHOT.jar")
            + java.io.File.pathSeparator
            + Files.readString(home.resolve("examples/target/demo-classpath.txt")).trim();
    // NATS when one runs locally; otherwise the HTTP broker, its subscribers found in the registry.
    // VIGIL_DEMO_BROKER (nats or http) overrides the choice.
    String broker =
        System.getenv().getOrDefault("VIGIL_DEMO_BROKER", listening(4222) ? "nats" : "http");
    System.out.println("vigil-demo: order events go through the " + broker + " broker");
    for (String service : SERVICES) {
      Map<String, String> env = new LinkedHashMap<>();
      env.put("VIGIL_REGISTRY_CONSOLE_URL", console);
      env.put("VIGIL_REGISTRY_CONSOLE_TOKEN", token);
      env.put("VIGIL_CONFIG_CONSOLE_URL", console);
      env.put("VIGIL_CONFIG_CONSOLE_TOKEN", token);
      env.put("VIGIL_REGISTER_TTL", "10s");
      env.put("VIGIL_REGISTER_INTERVAL", "3s");
      env.put("SHOP_DB_URL", dbUrl);
      env.put("SHOP_GATEWAY_PORT", Integer.toString(gatewayPort));
      env.put("SHOP_BROKER", broker);
      env.put("VIGIL_BROKER_NATS_URL", "nats://127.0.0.1:4222");
      start(
          service,
          List.of(
              java(),
              "-Xmx128m",
              "-javaagent:" + home.resolve("agent/target/vigil-agent.jar"),
              "-Dvigil.service.name=" + service,
              "-Dvigil.collector.endpoint=http://127.0.0.1:" + otlpPort,
              "-Dvigil.token=" + token,
              "-Dvigil.metrics.interval=5s",
              "-cp",
              classpath,
              ShopNode.class.getName(),
              service),
          env);
    }
    waitReady("http://127.0.0.1:" + gatewayPort + "/health", Duration.ofSeconds(180));

    System.out.println();
    System.out.println("  Vigil console:  " + console + "/");
    System.out.println("  sign in as:     admin / " + password);
    System.out.println("  API token:      " + token);
    System.out.println("  shop gateway:   http://127.0.0.1:" + gatewayPort + "/orders (POST)");
    System.out.println("  logs:           " + data.resolve("logs"));
    System.out.println(
        "  try:            Config > demo/payments: set payments.failure-rate to 0.5, publish,"
            + " and watch the Overview");
    System.out.println("  Ctrl-C stops everything.");
    System.out.println();
    System.out.flush();
    generateLoad(URI.create("http://127.0.0.1:" + gatewayPort + "/orders"));
  }

  /**
   * Finds or starts the demo's PostgreSQL as {@link #run} would, runs one query, and stops: {@code
   * --database-only}, for checking that this machine and user can host the demo's database.
   */
  private void checkDatabase() throws Exception {
    Files.createDirectories(data);
    String url = database();
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT version()")) {
      r.next();
      System.out.println("vigil-demo: database ready: " + r.getString(1));
    }
  }

  /** About five orders a second until stopped; failures are the point, so they are not logged. */
  private void generateLoad(URI gateway) throws InterruptedException {
    long placed = 0;
    while (running) {
      String sku = ShopNode.SKUS[ThreadLocalRandom.current().nextInt(ShopNode.SKUS.length)];
      int quantity = 1 + ThreadLocalRandom.current().nextInt(3);
      try {
        http.send(
            HttpRequest.newBuilder(URI.create(gateway + "?sku=" + sku + "&quantity=" + quantity))
                .timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.discarding());
        if (++placed % 300 == 0) {
          System.out.println("vigil-demo: " + placed + " orders sent");
        }
      } catch (IOException e) {
        if (!running) {
          break;
        }
      }
      Thread.sleep(200);
    }
  }

  /** Where the demo's PostgreSQL is, starting an embedded one when that is the way. */
  private String database() throws Exception {
    String url = System.getenv("VIGIL_DB_URL");
    if (url != null && !url.isBlank()) {
      System.out.println("vigil-demo: PostgreSQL from VIGIL_DB_URL");
      return url;
    }
    boolean root = "root".equals(System.getProperty("user.name"));
    if (!root) {
      System.out.println(
          "vigil-demo: starting an embedded PostgreSQL under " + data.resolve("postgres"));
      Path dir = data.resolve("postgres");
      Files.createDirectories(dir);
      int port = portOr(54329);
      try {
        embedded =
            EmbeddedPostgres.builder()
                .setDataDirectory(dir.resolve("data"))
                .setCleanDataDirectory(false)
                .setOverrideWorkingDirectory(dir.resolve("work").toFile())
                .setPort(port)
                .start();
        createDatabase("jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=postgres");
        return "jdbc:postgresql://127.0.0.1:" + port + "/vigil_demo?user=postgres";
      } catch (IOException | RuntimeException e) {
        if (!listening(5432)) {
          throw new DemoException(
              "the embedded PostgreSQL did not start ("
                  + e
                  + "); start a PostgreSQL on 127.0.0.1:5432, or set"
                  + " VIGIL_DB_URL=jdbc:postgresql://host:5432/db?user=...&password=...");
        }
        System.out.println(
            "vigil-demo: the embedded PostgreSQL did not start (" + e + "); trying 127.0.0.1:5432");
      }
    }
    if (listening(5432)) {
      System.out.println(
          root
              ? "vigil-demo: running as root, where PostgreSQL refuses to start; using the server"
                  + " on 127.0.0.1:5432"
              : "vigil-demo: using the server on 127.0.0.1:5432");
      createDatabase("jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres");
      return "jdbc:postgresql://127.0.0.1:5432/vigil_demo?user=postgres";
    }
    throw new DemoException(
        "no PostgreSQL: running as root, where the embedded PostgreSQL refuses to start, and nothing"
            + " listens on 127.0.0.1:5432. Either run as a normal user, or start PostgreSQL"
            + " (Debian: apt-get install postgresql && service postgresql start), or set"
            + " VIGIL_DB_URL=jdbc:postgresql://host:5432/db?user=...&password=...");
  }

  private static void createDatabase(String adminUrl) throws DemoException {
    try (Connection c = DriverManager.getConnection(adminUrl);
        Statement s = c.createStatement()) {
      try (ResultSet r = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = 'vigil_demo'")) {
        if (r.next()) {
          return;
        }
      }
      s.execute("CREATE DATABASE vigil_demo");
    } catch (SQLException e) {
      throw new DemoException(
          "cannot create database vigil_demo via "
              + adminUrl
              + ": "
              + e.getMessage()
              + " (set VIGIL_DB_URL to a database the demo may use)");
    }
  }

  /**
   * The console sets the admin password only when it creates the user, on the first start with an
   * empty database; a database kept from an earlier run (or {@code .vigil/} removed since) may hold
   * another one. So the password printed is made true with the admin token.
   */
  private void ensureAdminPassword(String console, String token, String password) throws Exception {
    HttpResponse<Void> signIn =
        http.send(
            HttpRequest.newBuilder(URI.create(console + "/api/v1/session"))
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"name\":\"admin\",\"password\":\"" + password + "\"}"))
                .build(),
            HttpResponse.BodyHandlers.discarding());
    if (signIn.statusCode() != 200) {
      api("PATCH", console + "/api/v1/users/admin", token, "{\"password\":\"" + password + "\"}");
    }
  }

  /** Seeds the shop's config entries and publishes them; entries already there are kept. */
  private void seedConfig(String console, String token) throws Exception {
    for (Map.Entry<String, Map<String, String>> app : SEED.entrySet()) {
      String base = console + "/api/v1/config/" + ShopNode.ENV + "/" + app.getKey();
      boolean changed = false;
      for (Map.Entry<String, String> entry : app.getValue().entrySet()) {
        HttpResponse<String> existing =
            api("GET", base + "/entries/" + entry.getKey(), token, null);
        if (existing.statusCode() == 200) {
          continue;
        }
        api(
            "PUT",
            base + "/entries/" + entry.getKey(),
            token,
            "{\"value\":\"" + entry.getValue() + "\",\"type\":\"number\"}");
        changed = true;
      }
      if (changed) {
        api("POST", base + "/releases", token, "{\"message\":\"demo defaults\"}");
      }
    }
  }

  private HttpResponse<String> api(String method, String url, String token, @Nullable String body)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofSeconds(10))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    HttpResponse<String> response =
        http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    if (!method.equals("GET") && response.statusCode() >= 300) {
      throw new DemoException(
          method + " " + url + ": " + response.statusCode() + " " + response.body());
    }
    return response;
  }

  private void start(String name, List<String> command, Map<String, String> env)
      throws IOException {
    ProcessBuilder pb = new ProcessBuilder(command).directory(home.toFile());
    pb.environment().putAll(env);
    pb.redirectErrorStream(true);
    pb.redirectOutput(data.resolve("logs").resolve(name + ".log").toFile());
    synchronized (children) {
      if (!running) {
        throw new DemoException("stopping");
      }
      children.add(pb.start());
    }
    System.out.println("vigil-demo: started " + name + " (log: .vigil/logs/" + name + ".log)");
  }

  private void waitReady(String url, Duration timeout) throws Exception {
    long until = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < until && running) {
      try {
        HttpResponse<Void> r =
            http.send(
                HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
                HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (ConnectException e) {
        // not up yet
      } catch (IOException e) {
        // not up yet
      }
      synchronized (children) {
        for (Process p : children) {
          if (!p.isAlive()) {
            throw new DemoException(
                "a process exited during start-up (exit " + p.exitValue() + "); see .vigil/logs/");
          }
        }
      }
      Thread.sleep(250);
    }
    throw new DemoException(
        url + " not ready after " + timeout.toSeconds() + " s; see .vigil/logs/");
  }

  /**
   * Stops the load, then the shop's JVMs, then the server (each SIGTERM, then killed after 15 s),
   * then an embedded PostgreSQL.
   */
  private void stop() {
    running = false;
    List<Process> all;
    synchronized (children) {
      all = new ArrayList<>(children);
    }
    if (!all.isEmpty()) {
      List<Process> shop = all.subList(1, all.size());
      shop.forEach(Process::destroy);
      shop.forEach(DemoLauncher::awaitExit);
      all.get(0).destroy();
      awaitExit(all.get(0));
    }
    if (embedded != null) {
      try {
        embedded.close();
      } catch (IOException e) {
        System.err.println("vigil-demo: stopping PostgreSQL: " + e);
      }
    }
    if (!all.isEmpty()) {
      System.out.println("vigil-demo: stopped");
    }
    stopped.countDown();
  }

  private static void awaitExit(Process p) {
    try {
      if (!p.waitFor(15, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** A random secret kept in {@code .vigil/<name>} so later runs sign in the same way. */
  private String secret(String name, int bytes) throws IOException {
    Path file = data.resolve(name);
    if (Files.exists(file)) {
      return Files.readString(file, StandardCharsets.UTF_8).trim();
    }
    byte[] random = new byte[bytes];
    new SecureRandom().nextBytes(random);
    String value = HexFormat.of().formatHex(random);
    Files.writeString(file, value);
    try {
      Files.setPosixFilePermissions(
          file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system
    }
    return value;
  }

  private static int portOr(int preferred) throws IOException {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress("127.0.0.1", preferred));
      if (!listening(preferred)) {
        return preferred;
      }
    } catch (IOException e) {
      // taken
    }
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static boolean listening(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static final class DemoException extends IOException {
    DemoException(String message) {
      super(message);
    }
  }
}
