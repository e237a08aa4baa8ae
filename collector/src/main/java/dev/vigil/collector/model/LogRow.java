package dev.vigil.collector.model;

import org.jspecify.annotations.Nullable;

/** One validated, limited log record ready to be written to {@code log_records}. */
public record LogRow(
    long timeNs,
    long resourceId,
    int severityNumber,
    byte @Nullable [] traceId,
    byte @Nullable [] spanId,
    String service,
    @Nullable String severityText,
    @Nullable String body,
    @Nullable String scope,
    @Nullable String attributesJson) {}
