package dev.vigil.framework.client;

import dev.vigil.framework.registry.Node;

/**
 * One attempt of a call to one node, returning the decoded response. The interception point of the
 * client: {@link CallWrapper}s wrap it, so a wrapper sees every attempt, including retries, with
 * the node chosen for it. Throws {@link dev.vigil.framework.errors.FrameworkException} for remote
 * errors and {@link dev.vigil.framework.errors.TransportException} when no answer could be had.
 * Implementations must be thread-safe.
 */
@FunctionalInterface
public interface CallFunc {
  Object call(Node node, ClientRequest request);
}
