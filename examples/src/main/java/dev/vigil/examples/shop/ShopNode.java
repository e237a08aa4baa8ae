package dev.vigil.examples.shop;

import com.sun.net.httpserver.HttpServer;
import dev.vigil.framework.Service;
import dev.vigil.framework.client.CallOptions;
import dev.vigil.framework.config.console.ConfigClient;
import dev.vigil.framework.errors.FrameworkException;
import dev.vigil.framework.registry.console.ConsoleRegistry;
import io.javalin.Javalin;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.Method;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One service of the demo shop, chosen by the first argument: {@code gateway}, {@code orders},
 * {@code inventory}, {@code payments} or {@code notifications}. {@link DemoLauncher} starts each in
 * its own JVM with the agent attached. Services find each other through the console registry,
 * publish order events through the HTTP broker, and read their behaviour from the config center
 * (environment {@value #ENV}), so a release published in the console changes them within seconds.
 *
 * <p>Settings come from the environment: {@code VIGIL_REGISTRY_CONSOLE_URL}, {@code
 * VIGIL_REGISTRY_CONSOLE_TOKEN}, {@code VIGIL_CONFIG_CONSOLE_URL}, {@code
 * VIGIL_CONFIG_CONSOLE_TOKEN}, {@code SHOP_DB_URL} (orders, inventory) and {@code
 * SHOP_GATEWAY_PORT} (gateway).
 */
public final class ShopNode {
  public static final String ENV = "demo";
  public static final String ORDER_PLACED = "orders.placed";
  public static final String AGENT_APP = "vigil-agent";
  static final String[] SKUS = {"apple", "pear", "plum", "fig", "kiwi", "lime"};

  private static final Logger log = LoggerFactory.getLogger(ShopNode.class);

  public record PlaceOrder(String sku, int quantity) {}

  public record OrderPlaced(long orderId, String sku, int quantity, Instant at) {}

  public record Reserve(String sku, int quantity) {}

  public record Reserved(String sku, int left) {}

  public record Charge(long orderId, long cents) {}

  public record Charged(String confirmation) {}

  private ShopNode() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      System.err.println("usage: ShopNode gateway|orders|inventory|payments|notifications");
      System.exit(2);
    }
    String role = args[0];
    Service service =
        Service.builder()
            .name(role)
            .version("1.0.0")
            .installPlugin(ConsoleRegistry.plugin())
            .set("vigil.registry", "console")
            .set("vigil.broker", System.getenv().getOrDefault("SHOP_BROKER", "http"))
            .build();
    // Only the apps the demo publishes config for hold a blocking query on the config center.
    ConfigClient config =
        role.equals("payments") || role.equals("inventory")
            ? ConfigClient.builder(service.settings().with(ConfigClient.ENV_KEY, ENV), role)
                .instance(service.server().nodeId())
                .start()
            : null;
    ConfigClient agentConfig =
        ConfigClient.builder(service.settings().with(ConfigClient.ENV_KEY, ENV), AGENT_APP)
            .app(AGENT_APP)
            .instance(service.server().nodeId())
            .start();
    applyAgentSettings(agentConfig.entries());
    agentConfig.watchPrefix("", change -> applyAgentSettings(agentConfig.entries()));

    Runnable extraStop = () -> {};
    switch (role) {
      case "gateway" -> extraStop = gateway(service);
      case "orders" -> orders(service);
      case "inventory" -> inventory(service, config);
      case "payments" -> extraStop = payments(service, config);
      case "notifications" -> notifications(service);
      default -> {
        System.err.println("unknown shop service: " + role);
        System.exit(2);
      }
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runnable stopHttp = extraStop;
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  stopHttp.run();
                  service.stop();
                  if (config != null) {
                    config.close();
                  }
                  agentConfig.close();
                  stopped.countDown();
                },
                "shop-stop"));
    service.start();
    log.info("{} started as node {}", role, service.server().nodeId());
    stopped.await();
  }

  /**
   * Hands the config center's {@code vigil-agent} entries to the agent, when one is attached:
   * {@code sampler.ratio} becomes {@code vigil.sampler.ratio}. The agent sits on the boot class
   * path, so it is reached by name rather than compiled against.
   */
  static void applyAgentSettings(Map<String, String> entries) {
    if (entries.isEmpty()) {
      return;
    }
    try {
      Class<?> live = Class.forName("dev.vigil.agent.bootstrap.LiveSettings");
      Method update = live.getMethod("update", Map.class);
      Map<String, String> settings = new java.util.HashMap<>();
      entries.forEach((k, v) -> settings.put("vigil." + k, v));
      update.invoke(null, settings);
      log.info("agent settings from the config center: {}", settings);
    } catch (ClassNotFoundException e) {
      // no agent attached: nothing to tell
    } catch (ReflectiveOperationException | RuntimeException e) {
      log.warn("could not apply agent settings {}: {}", entries, e.toString());
    }
  }

  /** HTTP entry: {@code POST /orders?sku=..&quantity=..} places an order through {@code orders}. */
  private static Runnable gateway(Service service) {
    int port = Integer.parseInt(System.getenv().getOrDefault("SHOP_GATEWAY_PORT", "7070"));
    CallOptions options = CallOptions.builder().timeout(Duration.ofSeconds(5)).build();
    Javalin app =
        Javalin.create(c -> c.showJavalinBanner = false)
            .post(
                "/orders",
                ctx -> {
                  String sku = ctx.queryParamAsClass("sku", String.class).getOrDefault("apple");
                  int quantity = ctx.queryParamAsClass("quantity", Integer.class).getOrDefault(1);
                  try {
                    OrderPlaced placed =
                        service
                            .client()
                            .call(
                                "orders",
                                "Orders.Place",
                                new PlaceOrder(sku, quantity),
                                OrderPlaced.class,
                                options);
                    ctx.status(201).json(placed);
                  } catch (FrameworkException e) {
                    log.warn("order of {} x{} failed: {} {}", quantity, sku, e.code(), e.detail());
                    ctx.status(e.code() >= 400 && e.code() < 600 ? e.code() : 502)
                        .json(Map.of("error", String.valueOf(e.detail())));
                  }
                })
            .get("/health", ctx -> ctx.result("ok"))
            .start("127.0.0.1", port);
    return app::stop;
  }

  /** {@code Orders.Place}: reserves stock, charges, stores the order, publishes it. */
  private static void orders(Service service) throws SQLException {
    Database db = new Database(System.getenv("SHOP_DB_URL"), "shop_orders");
    db.execute(
        "CREATE TABLE IF NOT EXISTS shop_orders.orders (id bigserial PRIMARY KEY, sku text NOT"
            + " NULL, quantity int NOT NULL, status text NOT NULL, placed_at timestamptz NOT NULL"
            + " DEFAULT now())");
    CallOptions options = CallOptions.builder().timeout(Duration.ofSeconds(4)).build();
    service.handle(
        "Orders.Place",
        PlaceOrder.class,
        request -> {
          service
              .client()
              .call(
                  "inventory",
                  "Inventory.Reserve",
                  new Reserve(request.sku(), request.quantity()),
                  Reserved.class,
                  options);
          long id = db.insertOrder(request.sku(), request.quantity(), "pending");
          try {
            service
                .client()
                .call(
                    "payments",
                    "Payments.Charge",
                    new Charge(id, 250L * request.quantity()),
                    Charged.class,
                    options);
          } catch (FrameworkException e) {
            db.update("UPDATE shop_orders.orders SET status = 'payment_failed' WHERE id = ?", id);
            throw e;
          }
          db.update("UPDATE shop_orders.orders SET status = 'paid' WHERE id = ?", id);
          OrderPlaced placed =
              new OrderPlaced(id, request.sku(), request.quantity(), Instant.now());
          service.client().publish(ORDER_PLACED, placed);
          log.info("order {} placed: {} x{}", id, request.quantity(), request.sku());
          return placed;
        });
  }

  /** {@code Inventory.Reserve}: takes stock, restocking when low; slowed by config. */
  private static void inventory(Service service, ConfigClient config) throws SQLException {
    Database db = new Database(System.getenv("SHOP_DB_URL"), "shop_inventory");
    db.execute(
        "CREATE TABLE IF NOT EXISTS shop_inventory.stock (sku text PRIMARY KEY, quantity int NOT"
            + " NULL)");
    for (String sku : SKUS) {
      db.update(
          "INSERT INTO shop_inventory.stock (sku, quantity) VALUES (?, 1000) ON CONFLICT DO"
              + " NOTHING",
          sku);
    }
    service.handle(
        "Inventory.Reserve",
        Reserve.class,
        request -> {
          sleep(config.getLong("inventory.reserve-delay-ms", 0));
          int left =
              db.reserve(request.sku(), request.quantity())
                  .orElseThrow(
                      () ->
                          FrameworkException.notFound(
                              "inventory.unknown-sku", "unknown sku " + request.sku()));
          return new Reserved(request.sku(), left);
        });
  }

  /**
   * {@code Payments.Charge}: calls a fake bank over HTTP with the JDK client. The bank runs in this
   * JVM on a loopback port and is as slow and as unreliable as {@code payments.latency-ms} and
   * {@code payments.failure-rate} say.
   */
  private static Runnable payments(Service service, ConfigClient config) throws IOException {
    HttpServer bank = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    bank.createContext(
        "/charge",
        exchange -> {
          long latency = config.getLong("payments.latency-ms", 30);
          sleep(latency / 2 + ThreadLocalRandom.current().nextLong(latency + 1));
          boolean fail =
              ThreadLocalRandom.current().nextDouble()
                  < config.getDouble("payments.failure-rate", 0.02);
          byte[] body =
              (fail ? "{\"error\":\"card declined by bank\"}" : "{\"confirmation\":\"ok\"}")
                  .getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(fail ? 502 : 200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    bank.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(8));
    bank.start();
    URI bankUri = URI.create("http://127.0.0.1:" + bank.getAddress().getPort() + "/charge");
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    service.handle(
        "Payments.Charge",
        Charge.class,
        request -> {
          HttpResponse<String> response;
          try {
            response =
                http.send(
                    HttpRequest.newBuilder(bankUri)
                        .timeout(Duration.ofSeconds(3))
                        .POST(
                            HttpRequest.BodyPublishers.ofString(
                                "{\"order\":"
                                    + request.orderId()
                                    + ",\"cents\":"
                                    + request.cents()
                                    + "}"))
                        .build(),
                    HttpResponse.BodyHandlers.ofString());
          } catch (IOException e) {
            throw FrameworkException.unavailable("payments.bank", "bank unreachable: " + e);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw FrameworkException.unavailable("payments.bank", "interrupted");
          }
          if (response.statusCode() != 200) {
            log.error(
                "payment for order {} failed: bank said {}", request.orderId(), response.body());
            throw FrameworkException.internal(
                "payment failed: bank answered " + response.statusCode(), null);
          }
          return new Charged("bank-" + request.orderId());
        });
    return () -> bank.stop(0);
  }

  /** Subscribes to {@value #ORDER_PLACED} and "sends" a confirmation. */
  private static void notifications(Service service) {
    service.subscribe(
        ORDER_PLACED,
        OrderPlaced.class,
        "notifications",
        event ->
            log.info(
                "order {} confirmed to the customer ({} x{})",
                event.orderId(),
                event.quantity(),
                event.sku()));
  }

  private static void sleep(long ms) {
    if (ms <= 0) {
      return;
    }
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * One JDBC connection per service, used under its lock: the demo's load is a few calls a second.
   */
  private static final class Database {
    private final Connection connection;

    Database(String url, String schema) throws SQLException {
      if (url == null) {
        throw new IllegalStateException("SHOP_DB_URL: missing (expected: a jdbc:postgresql URL)");
      }
      connection = DriverManager.getConnection(url);
      execute("CREATE SCHEMA IF NOT EXISTS " + schema);
    }

    synchronized void execute(String sql) throws SQLException {
      try (Statement s = connection.createStatement()) {
        s.execute(sql);
      }
    }

    synchronized void update(String sql, Object... args) {
      try (PreparedStatement s = connection.prepareStatement(sql)) {
        for (int i = 0; i < args.length; i++) {
          s.setObject(i + 1, args[i]);
        }
        s.executeUpdate();
      } catch (SQLException e) {
        throw FrameworkException.internal("database: " + e.getMessage(), e);
      }
    }

    synchronized long insertOrder(String sku, int quantity, String status) {
      try (PreparedStatement s =
          connection.prepareStatement(
              "INSERT INTO shop_orders.orders (sku, quantity, status) VALUES (?, ?, ?) RETURNING id")) {
        s.setString(1, sku);
        s.setInt(2, quantity);
        s.setString(3, status);
        try (ResultSet r = s.executeQuery()) {
          r.next();
          return r.getLong(1);
        }
      } catch (SQLException e) {
        throw FrameworkException.internal("database: " + e.getMessage(), e);
      }
    }

    synchronized java.util.Optional<Integer> reserve(String sku, int quantity) {
      try (PreparedStatement s =
          connection.prepareStatement(
              "UPDATE shop_inventory.stock SET quantity = CASE WHEN quantity >= ? + 10 THEN"
                  + " quantity - ? ELSE 1000 END WHERE sku = ? RETURNING quantity")) {
        s.setInt(1, quantity);
        s.setInt(2, quantity);
        s.setString(3, sku);
        try (ResultSet r = s.executeQuery()) {
          return r.next() ? java.util.Optional.of(r.getInt(1)) : java.util.Optional.empty();
        }
      } catch (SQLException e) {
        throw FrameworkException.internal("database: " + e.getMessage(), e);
      }
    }
  }
}
