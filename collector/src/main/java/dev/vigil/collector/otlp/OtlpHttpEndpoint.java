package dev.vigil.collector.otlp;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import dev.vigil.collector.ingest.CollectorMetrics;
import dev.vigil.collector.ingest.GroupCommitWriter;
import dev.vigil.collector.ingest.IngestException;
import dev.vigil.collector.model.Signal;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsPartialSuccess;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsPartialSuccess;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.ExportTracePartialSuccess;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.jspecify.annotations.Nullable;

/**
 * The OTLP/HTTP receiver for one signal, following the OTLP/HTTP specification: binary protobuf or
 * JSON bodies, optionally gzip-encoded; 200 with the signal's export response (carrying partial
 * success when items were rejected) only once the data is committed; 400 for undecodable bodies and
 * for data the database refuses, 401 without a valid bearer token, 413 for bodies over the limit,
 * 415 for other content types, 429 when the write queue is full and 503 when the database is
 * unavailable or too slow, both with {@code Retry-After}. Every answer but 200 means that nothing
 * of the request is or will be stored (see {@link GroupCommitWriter} for the one exception). Error
 * bodies are {@code google.rpc.Status} messages in the request's format.
 *
 * <p>Thread-safe: holds only immutable configuration and thread-safe collaborators.
 */
public final class OtlpHttpEndpoint implements Handler {
  static final String PROTOBUF = "application/x-protobuf";
  static final String JSON = "application/json";

  // google.rpc.Code values used in error bodies.
  static final int INVALID_ARGUMENT = 3;
  static final int RESOURCE_EXHAUSTED = 8;
  static final int INTERNAL = 13;
  static final int UNAVAILABLE = 14;
  static final int UNAUTHENTICATED = 16;

  private static final JsonFormat.Printer JSON_PRINTER = JsonFormat.printer();

  private final Signal signal;
  private final OtlpConverter converter;
  private final GroupCommitWriter writer;
  private final CollectorMetrics metrics;
  private final List<byte[]> tokens;
  private final long maxBodyBytes;
  private final String retryAfter;

  public OtlpHttpEndpoint(
      Signal signal,
      OtlpConverter converter,
      GroupCommitWriter writer,
      CollectorMetrics metrics,
      Set<String> tokens,
      long maxBodyBytes,
      int retryAfterSeconds) {
    this.signal = requireNonNull(signal, "signal");
    this.converter = requireNonNull(converter, "converter");
    this.writer = requireNonNull(writer, "writer");
    this.metrics = requireNonNull(metrics, "metrics");
    this.tokens = tokens.stream().map(t -> t.getBytes(StandardCharsets.UTF_8)).toList();
    this.maxBodyBytes = maxBodyBytes;
    this.retryAfter = Integer.toString(retryAfterSeconds);
  }

  @Override
  public void handle(Context ctx) {
    String contentType = mediaType(ctx.contentType());
    boolean json = JSON.equals(contentType);
    if (!authorized(ctx.header("Authorization"))) {
      ctx.header("WWW-Authenticate", "Bearer");
      status(ctx, 401, json, UNAUTHENTICATED, "missing or invalid bearer token");
      return;
    }
    if (!json && !PROTOBUF.equals(contentType)) {
      metrics.message(signal, 0);
      metrics.messageDropped(signal);
      status(
          ctx,
          415,
          false,
          INVALID_ARGUMENT,
          "unsupported content type "
              + contentType
              + " (expected: "
              + PROTOBUF
              + " or "
              + JSON
              + ")");
      return;
    }
    long declared = ctx.req().getContentLengthLong();
    if (declared > maxBodyBytes) {
      metrics.message(signal, declared);
      metrics.messageDropped(signal);
      ctx.header("Connection", "close");
      status(
          ctx,
          413,
          json,
          RESOURCE_EXHAUSTED,
          "request body of " + declared + " bytes is larger than " + maxBodyBytes);
      return;
    }
    String encoding = ctx.header("Content-Encoding");
    boolean gzip = false;
    if (encoding != null && !encoding.isBlank()) {
      String e = encoding.trim().toLowerCase(Locale.ROOT);
      if (e.equals("gzip")) {
        gzip = true;
      } else if (!e.equals("identity")) {
        metrics.message(signal, Math.max(0, declared));
        metrics.messageDropped(signal);
        status(ctx, 415, json, INVALID_ARGUMENT, "unsupported content encoding " + encoding);
        return;
      }
    }
    byte[] body;
    try {
      body = BoundedBody.read(ctx.req().getInputStream(), declared, gzip, maxBodyBytes);
    } catch (BoundedBody.TooLargeException e) {
      metrics.message(signal, Math.max(0, declared));
      metrics.messageDropped(signal);
      ctx.header("Connection", "close");
      status(ctx, 413, json, RESOURCE_EXHAUSTED, e.getMessage());
      return;
    } catch (BoundedBody.CorruptException e) {
      metrics.message(signal, Math.max(0, declared));
      metrics.messageDropped(signal);
      status(ctx, 400, json, INVALID_ARGUMENT, e.getMessage());
      return;
    } catch (IOException e) {
      metrics.message(signal, Math.max(0, declared));
      metrics.messageDropped(signal);
      status(ctx, 400, json, INVALID_ARGUMENT, "could not read request body: " + e.getMessage());
      return;
    }
    metrics.message(signal, declared > 0 ? declared : body.length);

    Conversion conversion;
    try {
      conversion = convert(body, json);
    } catch (OtlpDecoder.DecodingException e) {
      metrics.messageDropped(signal);
      status(ctx, 400, json, INVALID_ARGUMENT, e.getMessage());
      return;
    }
    metrics.items(signal, conversion.received(), conversion.rejected());
    metrics.limits(
        signal, conversion.truncated(), conversion.droppedAttributes(), conversion.droppedEvents());
    if (conversion.batch().itemCount() == 0) {
      respond(ctx, json, conversion);
      return;
    }
    GroupCommitWriter.Ticket ticket = writer.submit(conversion.batch(), body.length);
    CompletableFuture<Void> committed = ticket.committed();
    if (committed.isDone()) {
      finish(ctx, json, conversion, committed);
      return;
    }
    ctx.future(
        () ->
            writer
                .outcome(ticket)
                .handle(
                    (ok, error) -> {
                      finish(ctx, json, conversion, committed);
                      return null;
                    }));
  }

  private void finish(
      Context ctx, boolean json, Conversion conversion, CompletableFuture<Void> committed) {
    Throwable error = null;
    try {
      committed.join();
    } catch (CompletionException e) {
      error = e.getCause();
    } catch (RuntimeException e) {
      error = e;
    }
    if (error == null) {
      respond(ctx, json, conversion);
      return;
    }
    metrics.messageDropped(signal);
    metrics.itemsDropped(signal, conversion.batch().itemCount());
    if (error instanceof IngestException ingest) {
      switch (ingest.reason()) {
        case SATURATED -> {
          ctx.header("Retry-After", retryAfter);
          status(ctx, 429, json, RESOURCE_EXHAUSTED, ingest.getMessage());
        }
        case REJECTED -> status(ctx, 400, json, INVALID_ARGUMENT, ingest.getMessage());
        case FAILED -> status(ctx, 500, json, INTERNAL, ingest.getMessage());
        default -> {
          ctx.header("Retry-After", retryAfter);
          status(ctx, 503, json, UNAVAILABLE, ingest.getMessage());
        }
      }
    } else {
      status(ctx, 500, json, INTERNAL, String.valueOf(error.getMessage()));
    }
  }

  private Conversion convert(byte[] body, boolean json) throws OtlpDecoder.DecodingException {
    return switch (signal) {
      case TRACES ->
          converter.convertTraces(
              OtlpDecoder.decode(body, json, ExportTraceServiceRequest.newBuilder()));
      case LOGS ->
          converter.convertLogs(
              OtlpDecoder.decode(body, json, ExportLogsServiceRequest.newBuilder()));
      case METRICS ->
          converter.convertMetrics(
              OtlpDecoder.decode(body, json, ExportMetricsServiceRequest.newBuilder()));
    };
  }

  private void respond(Context ctx, boolean json, Conversion conversion) {
    Message response =
        switch (signal) {
          case TRACES -> {
            ExportTraceServiceResponse.Builder b = ExportTraceServiceResponse.newBuilder();
            if (conversion.rejected() > 0) {
              b.setPartialSuccess(
                  ExportTracePartialSuccess.newBuilder()
                      .setRejectedSpans(conversion.rejected())
                      .setErrorMessage(conversion.errorMessage()));
            }
            yield b.build();
          }
          case LOGS -> {
            ExportLogsServiceResponse.Builder b = ExportLogsServiceResponse.newBuilder();
            if (conversion.rejected() > 0) {
              b.setPartialSuccess(
                  ExportLogsPartialSuccess.newBuilder()
                      .setRejectedLogRecords(conversion.rejected())
                      .setErrorMessage(conversion.errorMessage()));
            }
            yield b.build();
          }
          case METRICS -> {
            ExportMetricsServiceResponse.Builder b = ExportMetricsServiceResponse.newBuilder();
            if (conversion.rejected() > 0) {
              b.setPartialSuccess(
                  ExportMetricsPartialSuccess.newBuilder()
                      .setRejectedDataPoints(conversion.rejected())
                      .setErrorMessage(conversion.errorMessage()));
            }
            yield b.build();
          }
        };
    ctx.status(200);
    if (json) {
      try {
        ctx.contentType(JSON).result(JSON_PRINTER.print(response));
      } catch (com.google.protobuf.InvalidProtocolBufferException e) {
        throw new IllegalStateException(e);
      }
    } else {
      ctx.contentType(PROTOBUF).result(response.toByteArray());
    }
  }

  /** Writes a {@code google.rpc.Status} (code and message) as the error body. */
  static void status(Context ctx, int httpStatus, boolean json, int code, String message) {
    ctx.status(httpStatus);
    if (json) {
      StringBuilder sb = new StringBuilder("{\"code\":").append(code).append(",\"message\":\"");
      for (char c : message.toCharArray()) {
        switch (c) {
          case '"' -> sb.append("\\\"");
          case '\\' -> sb.append("\\\\");
          default -> {
            if (c < 0x20) {
              sb.append(String.format("\\u%04x", (int) c));
            } else {
              sb.append(c);
            }
          }
        }
      }
      ctx.contentType(JSON).result(sb.append("\"}").toString());
      return;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    CodedOutputStream coded = CodedOutputStream.newInstance(out);
    try {
      coded.writeInt32(1, code);
      coded.writeString(2, message);
      coded.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ctx.contentType(PROTOBUF).result(out.toByteArray());
  }

  private boolean authorized(@Nullable String authorization) {
    if (tokens.isEmpty()) {
      return true;
    }
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return false;
    }
    byte[] presented = authorization.substring(7).trim().getBytes(StandardCharsets.UTF_8);
    boolean match = false;
    for (byte[] token : tokens) {
      match |= MessageDigest.isEqual(token, presented);
    }
    return match;
  }

  static String mediaType(@Nullable String contentType) {
    if (contentType == null) {
      return "";
    }
    int semicolon = contentType.indexOf(';');
    String type = semicolon < 0 ? contentType : contentType.substring(0, semicolon);
    return type.trim().toLowerCase(Locale.ROOT);
  }
}
