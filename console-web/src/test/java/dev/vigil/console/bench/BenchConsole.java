package dev.vigil.console.bench;

import dev.vigil.collector.store.Store;
import dev.vigil.console.ConsoleConfig;
import dev.vigil.console.ConsoleServer;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * One console node for the registry benchmark, in its own JVM so its CPU use can be measured apart
 * from the load driver's: {@code BenchConsole <jdbcUrl> <port> <adminToken>}. Prints {@code READY
 * <pid> <port>} once it answers, and runs until killed.
 */
public final class BenchConsole {
  private BenchConsole() {}

  public static void main(String[] args) throws InterruptedException {
    if (args.length != 3) {
      System.err.println("usage: BenchConsole <jdbcUrl> <port> <adminToken>");
      System.exit(2);
    }
    Store store = Store.builder(args[0]).poolSize(16).open();
    store
        .migrate(); // as the launcher does, so a database filled by an older build is brought up to
    // date
    ConsoleServer console =
        ConsoleServer.builder(store)
            .config(
                ConsoleConfig.builder()
                    .host("127.0.0.1")
                    .port(Integer.parseInt(args[1]))
                    .tokens(Set.of(args[2]))
                    .build())
            .start();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  console.close();
                  store.close();
                }));
    System.out.println("READY " + ProcessHandle.current().pid() + " " + console.port());
    System.out.flush();
    new CountDownLatch(1).await();
  }
}
