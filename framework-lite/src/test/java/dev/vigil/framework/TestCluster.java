package dev.vigil.framework;

import dev.vigil.framework.broker.Broker;
import dev.vigil.framework.broker.MemoryBroker;
import dev.vigil.framework.config.ConfigKeys;
import dev.vigil.framework.registry.MemoryRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Services of one test sharing a fresh memory registry and broker, talking over real HTTP on
 * loopback (or the memory transport). Stops every service it built on close.
 */
public final class TestCluster implements AutoCloseable {
  public final MemoryRegistry registry = new MemoryRegistry();
  public final Broker broker;
  private final String transport;
  private final List<Service> services = new ArrayList<>();

  public TestCluster() {
    this("http", MemoryBroker.create());
  }

  public TestCluster(String transport, Broker broker) {
    this.transport = transport;
    this.broker = broker;
  }

  /** Builds (not starts) a service named {@code name}; {@code configure} may adjust the builder. */
  public Service build(String name, Consumer<Service.Builder> configure) {
    Service.Builder b =
        Service.builder()
            .name(name)
            .environment(Map.of())
            .set(ConfigKeys.TRANSPORT, transport)
            .set(ConfigKeys.SERVER_DRAIN_TIMEOUT, "5s")
            .set(ConfigKeys.CLIENT_BACKOFF, "5ms")
            .registry(registry)
            .broker(broker);
    configure.accept(b);
    Service s = b.build();
    services.add(s);
    return s;
  }

  public Service build(String name) {
    return build(name, b -> {});
  }

  @Override
  public void close() {
    for (int i = services.size() - 1; i >= 0; i--) {
      services.get(i).stop();
    }
    broker.close();
    registry.close();
  }
}
