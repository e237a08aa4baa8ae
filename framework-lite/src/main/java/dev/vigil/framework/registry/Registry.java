package dev.vigil.framework.registry;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Service discovery: services register their nodes, clients look them up and watch for changes.
 * Implementations: {@code MemoryRegistry} (in-process, the test fake) and {@code CachingRegistry}
 * (wraps another registry and keeps serving the last known nodes when it fails). Implementations
 * are thread-safe.
 */
public interface Registry extends AutoCloseable {

  /** The plugin name used in configuration, for example {@code memory}. */
  String name();

  /**
   * Adds or replaces the given nodes of {@code service} (matched by service name, version and node
   * id) and records the service's endpoints and metadata. A positive {@code ttl} asks the registry
   * to expire the nodes unless they are registered again within it; {@link Duration#ZERO} means
   * they live until deregistered.
   */
  void register(Service service, Duration ttl);

  /** Removes the given nodes of {@code service}; a version with no nodes left disappears. */
  void deregister(Service service);

  /** Every version of {@code name} with its nodes; empty when the service is unknown. */
  List<Service> getService(String name);

  /** Every known service, one entry per version (nodes may be omitted by remote registries). */
  List<Service> listServices();

  /**
   * Calls {@code listener} for every change to {@code service} (or to every service when null) from
   * now on, on a thread owned by the registry, in order. A listener that throws is logged and kept.
   */
  Watch watch(@Nullable String service, Consumer<Event> listener);

  @Override
  void close();
}
