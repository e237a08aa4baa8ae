package dev.vigil.collector.store;

import java.util.List;

/** All stored spans of one trace, ordered by start time. */
public record Trace(String traceId, List<StoredSpan> spans) {}
