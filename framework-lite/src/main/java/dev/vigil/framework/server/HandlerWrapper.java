package dev.vigil.framework.server;

/**
 * Wraps every request handler of a server: the wrapper sees each request (also ones that end in
 * 404, 400, 408 or 415, which the innermost handler raises) and each outcome. The first wrapper
 * configured is the outermost; wrappers from {@link dev.vigil.framework.hooks.Hooks} are outside
 * all configured ones. Called once per server at start; the returned handler must be thread-safe.
 */
@FunctionalInterface
public interface HandlerWrapper {
  Handler wrap(Handler next);
}
