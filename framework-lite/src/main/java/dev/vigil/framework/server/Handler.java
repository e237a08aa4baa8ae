package dev.vigil.framework.server;

/**
 * Handles one request to an endpoint and returns the response value (encoded by the server with the
 * request's codec; null answers with an empty body). This is the interception point of the server:
 * {@link HandlerWrapper}s wrap it and observability agents attach there through {@link
 * dev.vigil.framework.hooks.Hooks}. Throwing a {@link
 * dev.vigil.framework.errors.FrameworkException} answers with its code; any other exception answers
 * 500 with a fresh error id.
 *
 * <p>Implementations must be thread-safe: the server calls them from many threads at once.
 */
@FunctionalInterface
public interface Handler {
  Object handle(ServerRequest request) throws Exception;
}
