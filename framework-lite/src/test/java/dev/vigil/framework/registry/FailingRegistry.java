package dev.vigil.framework.registry;

import dev.vigil.framework.errors.FrameworkException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * A registry that forwards to another one until a test switches it to failing, as an unreachable
 * remote registry would: every call then throws a 503. Counts lookups so tests can tell memory hits
 * from registry reads. Watches already open keep receiving the delegate's events. Thread-safe.
 */
public final class FailingRegistry implements Registry {
  private final Registry delegate;
  private volatile boolean failing;
  private volatile boolean failWatches;
  private final AtomicInteger openWatches = new AtomicInteger();
  private final AtomicInteger getServiceCalls = new AtomicInteger();
  private final AtomicInteger listServicesCalls = new AtomicInteger();

  public FailingRegistry(Registry delegate) {
    this.delegate = delegate;
  }

  public void failing(boolean failing) {
    this.failing = failing;
  }

  /** Makes only {@link #watch} fail, as a registry whose event stream is down. */
  public void failWatches(boolean failWatches) {
    this.failWatches = failWatches;
  }

  /** Watches opened through this registry and not yet closed. */
  public int openWatches() {
    return openWatches.get();
  }

  /** Every getService call, including the ones that failed. */
  public int getServiceCalls() {
    return getServiceCalls.get();
  }

  public int listServicesCalls() {
    return listServicesCalls.get();
  }

  @Override
  public String name() {
    return "failing";
  }

  @Override
  public void register(Service service, Duration ttl) {
    check();
    delegate.register(service, ttl);
  }

  @Override
  public void deregister(Service service) {
    check();
    delegate.deregister(service);
  }

  @Override
  public List<Service> getService(String name) {
    getServiceCalls.incrementAndGet();
    check();
    return delegate.getService(name);
  }

  @Override
  public List<Service> listServices() {
    listServicesCalls.incrementAndGet();
    check();
    return delegate.listServices();
  }

  @Override
  public Watch watch(@Nullable String service, Consumer<Event> listener) {
    check();
    if (failWatches) {
      throw FrameworkException.unavailable("registry", "registry watch unavailable (test)");
    }
    Watch watch = delegate.watch(service, listener);
    openWatches.incrementAndGet();
    AtomicBoolean open = new AtomicBoolean(true);
    return () -> {
      if (open.compareAndSet(true, false)) {
        openWatches.decrementAndGet();
        watch.close();
      }
    };
  }

  @Override
  public void close() {
    delegate.close();
  }

  private void check() {
    if (failing) {
      throw FrameworkException.unavailable("registry", "registry unreachable (test)");
    }
  }
}
