package dev.vigil.collector.store;

/** One operation (span name) of a service with its RED over a window. */
public record OperationSummary(String service, String operation, Red red) {}
