package dev.vigil.collector.store;

import java.util.List;

/**
 * One search hit: a trace described by its root span (or earliest span when the root is missing).
 *
 * @param durationNs from the first span's start to the last span's end
 */
public record TraceSummary(
    String traceId,
    String rootService,
    String rootName,
    long startNs,
    long durationNs,
    int spanCount,
    int errorCount,
    List<String> services) {}
