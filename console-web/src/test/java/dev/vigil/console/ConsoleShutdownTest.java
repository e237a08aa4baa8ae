package dev.vigil.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.collector.store.Store;
import dev.vigil.testing.PostgresExtension;
import java.sql.Connection;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ConsoleShutdownTest {
  @RegisterExtension static final PostgresExtension postgres = new PostgresExtension();

  @Test
  void requestInFlightIsAnsweredWhileTheServerStops() throws Exception {
    try (Store store = Store.builder(postgres.jdbcUrl()).open()) {
      store.migrate();
      ConsoleServer console =
          ConsoleServer.builder(store)
              .config(ConsoleConfig.builder().host("127.0.0.1").port(0).build())
              .start();
      Http api = new Http(console.port());
      CompletableFuture<Http.Response> inFlight;
      CompletableFuture<Void> stopped;
      try (Connection blocker = postgres.connect()) {
        // Holding a lock on the rollup table keeps the services query waiting.
        blocker.setAutoCommit(false);
        try (Statement statement = blocker.createStatement()) {
          statement.execute("LOCK TABLE operation_minutes IN ACCESS EXCLUSIVE MODE");
        }
        inFlight = CompletableFuture.supplyAsync(() -> api.get("/api/v1/services"));
        Thread.sleep(500);
        assertThat(inFlight).as("request waiting for the lock").isNotDone();

        stopped = CompletableFuture.runAsync(console::close);
        Thread.sleep(500);
        assertThat(stopped).as("stop waits for the request").isNotDone();
        blocker.commit();
      }

      Http.Response response = inFlight.get(20, TimeUnit.SECONDS);
      assertThat(response.status()).isEqualTo(200);
      assertThat(response.json().get("services")).isEmpty();
      stopped.get(20, TimeUnit.SECONDS);
    }
  }
}
