package dev.vigil.sampleapp;

import dev.vigil.framework.Service;
import dev.vigil.framework.config.ConfigKeys;
import dev.vigil.framework.registry.MemoryRegistry;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * framework-lite services under the agent: {@code gateway} calls {@code orders} over the HTTP
 * transport; {@code Orders.Create} queries PostgreSQL, logs and publishes {@code order-created}
 * through NATS, which {@code audit} consumes.
 */
final class FrameworkApp {
  private static final Logger log = LoggerFactory.getLogger(FrameworkApp.class);

  record CreateOrder(String item) {}

  record OrderCreated(String item, long id) {}

  record OrderEvent(String item, long id) {}

  private FrameworkApp() {}

  static void run(String jdbcUrl) throws Exception {
    String topic = "order-created-" + UUID.randomUUID().toString().substring(0, 8);
    MemoryRegistry registry = new MemoryRegistry();
    CountDownLatch consumed = new CountDownLatch(1);
    Service orders = service("orders", registry);
    orders.handle(
        "Orders.Create",
        CreateOrder.class,
        request -> {
          long id;
          try (Connection c = DriverManager.getConnection(jdbcUrl);
              PreparedStatement ps = c.prepareStatement("SELECT length(?) + 1000")) {
            ps.setString(1, request.item());
            try (ResultSet rs = ps.executeQuery()) {
              rs.next();
              id = rs.getLong(1);
            }
          }
          log.info("order {} created", id);
          orders.client().publish(topic, new OrderEvent(request.item(), id));
          return new OrderCreated(request.item(), id);
        });
    Service audit = service("audit", registry);
    audit.subscribe(
        topic,
        OrderEvent.class,
        "audit",
        event -> {
          log.info("audited order {}", event.id());
          consumed.countDown();
        });
    Service gateway = service("gateway", registry);
    orders.start();
    audit.start();
    gateway.start();
    Thread.sleep(300); // let the NATS subscription settle
    OrderCreated created =
        gateway
            .client()
            .call("orders", "Orders.Create", new CreateOrder("book"), OrderCreated.class);
    System.out.println("CREATED " + created.id());
    System.out.println("CONSUMED " + consumed.await(10, TimeUnit.SECONDS));
    gateway.stop();
    audit.stop();
    orders.stop();
    registry.close();
  }

  private static Service service(String name, MemoryRegistry registry) {
    return Service.builder()
        .name(name)
        .environment(Map.of())
        .set(ConfigKeys.TRANSPORT, "http")
        .set(ConfigKeys.BROKER, "nats")
        .registry(registry)
        .build();
  }
}
