package dev.vigil.console;

import dev.vigil.collector.store.Store;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Console servers on loopback over one database, each with its own store (connection pool) as
 * separate replicas would have, seeded with {@link #ADMIN_TOKEN} as {@code VIGIL_TOKEN} would.
 */
final class ConsoleFixture implements AutoCloseable {
  static final String ADMIN_TOKEN = "admin-token-for-tests";

  private final String jdbcUrl;
  private final List<Store> stores = new ArrayList<>();
  private final List<ConsoleServer> servers = new ArrayList<>();

  ConsoleFixture(String jdbcUrl) {
    this.jdbcUrl = jdbcUrl;
  }

  /** Starts one more replica. */
  ConsoleServer start() {
    return start(b -> {});
  }

  /** Starts one more replica, letting the test adjust its builder. */
  synchronized ConsoleServer start(Consumer<ConsoleServer.Builder> customizer) {
    Store store = Store.builder(jdbcUrl).open();
    stores.add(store);
    store.migrate();
    ConsoleServer.Builder builder =
        ConsoleServer.builder(store)
            .config(
                ConsoleConfig.builder()
                    .host("127.0.0.1")
                    .port(0)
                    .tokens(Set.of(ADMIN_TOKEN))
                    .build());
    customizer.accept(builder);
    ConsoleServer server = builder.start();
    servers.add(server);
    return server;
  }

  static JsonHttp admin(ConsoleServer server) {
    return new JsonHttp(server.port(), ADMIN_TOKEN);
  }

  static JsonHttp client(ConsoleServer server, String token) {
    return new JsonHttp(server.port(), token);
  }

  /** Issues a token with {@code scopes} through the API and returns its secret. */
  static String issue(ConsoleServer server, String name, String... scopes) {
    JsonHttp.Response r =
        admin(server)
            .post(
                "/api/v1/access/tokens", java.util.Map.of("name", name, "scopes", List.of(scopes)));
    if (r.status() != 201) {
      throw new IllegalStateException("issue " + name + ": " + r.status() + " " + r.body());
    }
    return r.json().get("token").asText();
  }

  @Override
  public synchronized void close() {
    servers.forEach(ConsoleServer::close);
    stores.forEach(Store::close);
    servers.clear();
    stores.clear();
  }
}
