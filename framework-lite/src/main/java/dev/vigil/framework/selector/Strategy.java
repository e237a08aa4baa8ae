package dev.vigil.framework.selector;

import dev.vigil.framework.registry.Node;
import java.util.List;

/**
 * Chooses one node among the available candidates (never empty). Implementations: random,
 * round-robin and weighted by the {@link Node#WEIGHT} metadata. Thread-safe.
 */
public interface Strategy {
  /** The name used in configuration, for example {@code round-robin}. */
  String name();

  Node pick(String service, List<Node> candidates);
}
