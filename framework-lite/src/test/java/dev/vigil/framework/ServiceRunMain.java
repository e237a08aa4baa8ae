package dev.vigil.framework;

import dev.vigil.framework.TestModels.Hello;
import dev.vigil.framework.config.Plugin;
import dev.vigil.framework.config.PluginKind;
import dev.vigil.framework.registry.Event;
import dev.vigil.framework.registry.MemoryRegistry;
import dev.vigil.framework.registry.Registry;
import dev.vigil.framework.registry.Watch;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Runs one service with {@link Service#run()} in a child JVM, for {@link ServiceRunTest}. Its
 * registry prints when the service deregisters and when it is closed, the first and the last step
 * of a graceful stop.
 */
public final class ServiceRunMain {
  private ServiceRunMain() {}

  public static void main(String[] args) throws Exception {
    Service service =
        Service.builder()
            .name("run-test")
            .installPlugin(Plugin.of(PluginKind.REGISTRY, "printing", c -> new Printing()))
            .set("vigil.registry", "printing")
            .build();
    service.handle("Run.Hello", Hello.class, h -> h);
    new Thread(
            () -> {
              while (!service.server().isRunning()) {
                Thread.onSpinWait();
              }
              System.out.println("READY " + service.server().address());
              System.out.flush();
            })
        .start();
    service.run();
  }

  private static final class Printing implements Registry {
    private final MemoryRegistry delegate = new MemoryRegistry();

    @Override
    public String name() {
      return "printing";
    }

    @Override
    public void register(dev.vigil.framework.registry.Service service, Duration ttl) {
      delegate.register(service, ttl);
    }

    @Override
    public void deregister(dev.vigil.framework.registry.Service service) {
      delegate.deregister(service);
      System.out.println("DEREGISTERED " + service.name());
      System.out.flush();
    }

    @Override
    public List<dev.vigil.framework.registry.Service> getService(String name) {
      return delegate.getService(name);
    }

    @Override
    public List<dev.vigil.framework.registry.Service> listServices() {
      return delegate.listServices();
    }

    @Override
    public Watch watch(@Nullable String service, Consumer<Event> listener) {
      return delegate.watch(service, listener);
    }

    @Override
    public void close() {
      delegate.close();
      System.out.println("CLOSED");
      System.out.flush();
    }
  }
}
