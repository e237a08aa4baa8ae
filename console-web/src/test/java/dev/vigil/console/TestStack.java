package dev.vigil.console;

import dev.vigil.collector.CollectorConfig;
import dev.vigil.collector.CollectorServer;
import java.util.Set;

/**
 * A collector and a console server sharing one store on loopback, as {@code vigil.jar server} runs
 * them, for tests that feed real OTLP in and read the API out.
 */
final class TestStack implements AutoCloseable {
  final CollectorServer collector;
  final ConsoleServer console;

  private TestStack(CollectorServer collector, ConsoleServer console) {
    this.collector = collector;
    this.console = console;
  }

  static TestStack start(String jdbcUrl, Set<String> tokens) {
    return start(jdbcUrl, tokens, ConsoleConfig.builder());
  }

  /** As {@link #start(String, Set)}, with further console settings (e.g. the admin password). */
  static TestStack start(String jdbcUrl, Set<String> tokens, ConsoleConfig.Builder consoleConfig) {
    CollectorServer collector =
        CollectorServer.create(
                CollectorConfig.builder()
                    .dbUrl(jdbcUrl)
                    .host("127.0.0.1")
                    .port(0)
                    .tokens(tokens)
                    .build())
            .start();
    ConsoleServer console =
        ConsoleServer.builder(collector.store())
            .config(consoleConfig.host("127.0.0.1").port(0).tokens(tokens).build())
            .metrics(collector.metrics().registry())
            .start();
    return new TestStack(collector, console);
  }

  Http otlp(String token) {
    return new Http(collector.port(), token);
  }

  Http api(String token) {
    return new Http(console.port(), token);
  }

  @Override
  public void close() {
    console.close();
    collector.close();
  }
}
