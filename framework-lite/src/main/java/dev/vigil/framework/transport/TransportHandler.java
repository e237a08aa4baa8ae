package dev.vigil.framework.transport;

/**
 * The server side's entry point: one call per request, possibly from many threads at once. A
 * handler that throws produces a 500 response with an error id (a {@link
 * dev.vigil.framework.errors.FrameworkException} keeps its own code).
 */
@FunctionalInterface
public interface TransportHandler {
  TransportResponse handle(TransportRequest request) throws Exception;
}
