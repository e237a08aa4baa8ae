package dev.vigil.collector.store;

import org.jspecify.annotations.Nullable;

/**
 * A span as stored. Ids are lowercase hex; JSON columns are returned as JSON text ({@code
 * attributes} and {@code resource} are objects, {@code events} and {@code links} arrays).
 *
 * @param kind OTLP SpanKind number (1 internal, 2 server, 3 client, 4 producer, 5 consumer)
 * @param statusCode OTLP StatusCode number (0 unset, 1 ok, 2 error)
 */
public record StoredSpan(
    String traceId,
    String spanId,
    @Nullable String parentSpanId,
    String service,
    String name,
    int kind,
    long startNs,
    long durationNs,
    int statusCode,
    @Nullable String statusMessage,
    @Nullable String scope,
    String attributesJson,
    String eventsJson,
    String linksJson,
    String resourceJson) {
  public boolean isError() {
    return statusCode == 2;
  }
}
