package dev.vigil.collector.model;

import org.jspecify.annotations.Nullable;

/**
 * One validated, limited span ready to be written: the {@code spans} row plus the attribute values
 * the rollups need, extracted once at conversion. JSON columns are already serialised.
 *
 * @param peerService {@code peer.service}, the explicitly named callee of a CLIENT/PRODUCER span
 * @param dbSystem {@code db.system}, naming the database a CLIENT span calls
 * @param messagingSystem {@code messaging.system}, naming the broker a PRODUCER/CONSUMER span uses
 * @param serverAddress {@code server.address[:server.port]} (or the older {@code net.peer.name})
 */
public record SpanRow(
    byte[] traceId,
    byte[] spanId,
    byte @Nullable [] parentSpanId,
    long startNs,
    long durationNs,
    long resourceId,
    String service,
    String name,
    int kind,
    int statusCode,
    @Nullable String statusMessage,
    @Nullable String scope,
    @Nullable String attributesJson,
    @Nullable String eventsJson,
    @Nullable String linksJson,
    @Nullable String peerService,
    @Nullable String dbSystem,
    @Nullable String messagingSystem,
    @Nullable String serverAddress) {
  public static final int KIND_INTERNAL = 1;
  public static final int KIND_SERVER = 2;
  public static final int KIND_CLIENT = 3;
  public static final int KIND_PRODUCER = 4;
  public static final int KIND_CONSUMER = 5;
  public static final int STATUS_ERROR = 2;

  public boolean isError() {
    return statusCode == STATUS_ERROR;
  }

  public boolean isRoot() {
    return parentSpanId == null;
  }
}
