package dev.vigil.framework.server;

/**
 * Application code behind one endpoint: takes the decoded request, returns the response. The
 * request's metadata and deadline are available from {@link
 * dev.vigil.framework.CallContext#current()}. Must be thread-safe.
 */
@FunctionalInterface
public interface TypedHandler<Req, Resp> {
  Resp handle(Req request) throws Exception;
}
