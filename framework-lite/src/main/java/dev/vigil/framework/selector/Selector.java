package dev.vigil.framework.selector;

import dev.vigil.framework.registry.Node;
import org.jspecify.annotations.Nullable;

/**
 * Picks the node for each call from the registry's view of a service. Implementations keep that
 * view fresh by watching the registry rather than looking it up per call, skip nodes whose calls
 * failed (with back-off) and readmit them once they answer again. Thread-safe.
 */
public interface Selector extends AutoCloseable {

  /** The plugin name used in configuration, for example {@code default}. */
  String name();

  /**
   * A node of {@code service} that passes every filter of {@code options}, chosen by the options'
   * strategy.
   *
   * @throws dev.vigil.framework.errors.FrameworkException 503 naming the service and the filters
   *     applied when no node is available
   */
  Node select(String service, SelectOptions options);

  /**
   * Reports the outcome of a call to {@code node}: {@code error == null} is a success and readmits
   * a node that was backed off; an error marks it failed.
   */
  void mark(String service, Node node, @Nullable Throwable error);

  /** Forgets cached state for {@code service} (nodes and failure marks). */
  void reset(String service);

  @Override
  void close();
}
