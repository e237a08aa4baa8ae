package dev.vigil.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.vigil.framework.Service;
import dev.vigil.framework.registry.MemoryRegistry;
import dev.vigil.framework.transport.http.HttpTransport;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * The service the agent benchmarks trace: one framework-lite endpoint, {@code Items.Get}, that
 * answers with one row read by one JDBC query through a HikariCP pool. Run in its own JVM by {@link
 * AgentStartup} and {@link AgentLoad}, with or without an agent.
 *
 * <p>Usage: {@code AgentBenchService <jdbc-url> <host:port>}.
 */
public final class AgentBenchService {
  static final String ENDPOINT = "Items.Get";
  static final String PATH = "/rpc/" + ENDPOINT;
  static final String QUERY = "SELECT id, sku, price_cents FROM items WHERE id = ?";

  record Request(long id) {}

  record Item(long id, String sku, long priceCents) {}

  private AgentBenchService() {}

  public static void main(String[] args) throws Exception {
    HikariConfig pool = new HikariConfig();
    pool.setJdbcUrl(args[0]);
    pool.setUsername("postgres");
    pool.setMaximumPoolSize(8);
    pool.setMinimumIdle(8);
    HikariDataSource db = new HikariDataSource(pool);
    Service service =
        Service.builder()
            .name("items")
            .set("vigil.server.address", args[1])
            .registry(new MemoryRegistry())
            .transport(HttpTransport.builder().build())
            .build();
    service.handle(ENDPOINT, Request.class, r -> find(db, r.id()));
    service.start();
  }

  private static Item find(HikariDataSource db, long id) {
    try (Connection c = db.getConnection();
        PreparedStatement s = c.prepareStatement(QUERY)) {
      s.setLong(1, id);
      try (ResultSet rs = s.executeQuery()) {
        if (!rs.next()) {
          throw new IllegalArgumentException("no item " + id);
        }
        return new Item(rs.getLong(1), rs.getString(2), rs.getLong(3));
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
