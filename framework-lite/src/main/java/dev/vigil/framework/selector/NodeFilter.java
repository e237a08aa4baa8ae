package dev.vigil.framework.selector;

import dev.vigil.framework.registry.Node;
import dev.vigil.framework.registry.Service;

/** Keeps the nodes a call may go to: by version, metadata label, endpoint. Thread-safe. */
public interface NodeFilter {
  /** For error messages, for example {@code version=1.2}. */
  String describe();

  boolean test(Service service, Node node);
}
