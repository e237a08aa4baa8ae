package dev.vigil.collector.store;

import org.jspecify.annotations.Nullable;

/** A log record as stored; ids lowercase hex, attributes and resource as JSON object text. */
public record StoredLog(
    long timeNs,
    String service,
    int severityNumber,
    @Nullable String severityText,
    @Nullable String body,
    @Nullable String traceId,
    @Nullable String spanId,
    @Nullable String scope,
    String attributesJson,
    String resourceJson) {}
