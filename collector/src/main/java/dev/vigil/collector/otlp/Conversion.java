package dev.vigil.collector.otlp;

import dev.vigil.collector.model.TelemetryBatch;

/**
 * The outcome of converting one export request: the rows to store, how many items were rejected
 * (reported back as OTLP partial success) and what the limits cut from the accepted ones.
 *
 * @param rejected items refused outright (invalid ids, times outside retention, unsupported types)
 * @param errorMessage why, for the partial-success message; empty when nothing was rejected
 * @param truncated strings shortened to a limit
 * @param droppedAttributes attributes beyond the per-item limit
 * @param droppedEvents span events and links beyond the per-span limit
 */
public record Conversion(
    TelemetryBatch batch,
    int received,
    int rejected,
    String errorMessage,
    long truncated,
    long droppedAttributes,
    long droppedEvents) {}
