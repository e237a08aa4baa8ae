package dev.vigil.collector.store;

/**
 * Calls from one service to a callee over a window.
 *
 * @param calleeType {@code service}, {@code database}, {@code messaging} or {@code address} (an
 *     uninstrumented peer known only by its server address)
 */
public record DependencyEdge(String caller, String callee, String calleeType, Red red) {}
