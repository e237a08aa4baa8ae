package dev.vigil.framework.server;

import dev.vigil.framework.Metadata;
import dev.vigil.framework.codec.Codec;
import dev.vigil.framework.codec.Codecs;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One request as a {@link Handler} sees it: where it was addressed, its metadata and deadline, and
 * its body. The body is decoded lazily, on the first {@link #body()} call, which the endpoint's own
 * handler makes innermost; so wrappers run before decoding and also observe the 400 of a malformed
 * body or the 415 of an unknown content type.
 *
 * <p>Thread-safe; the decoded body is computed at most once.
 */
public final class ServerRequest {
  private final String service;
  private final String endpoint;
  private final Metadata metadata;
  private final String contentType;
  private final byte[] rawBody;
  private final @Nullable Instant deadline;
  private final @Nullable Class<?> bodyType;
  private final Codecs codecs;
  private volatile @Nullable Object decoded;

  ServerRequest(
      String service,
      String endpoint,
      Metadata metadata,
      String contentType,
      byte[] rawBody,
      @Nullable Instant deadline,
      @Nullable Class<?> bodyType,
      Codecs codecs) {
    this.service = Objects.requireNonNull(service, "service");
    this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
    this.metadata = Objects.requireNonNull(metadata, "metadata");
    this.contentType = Objects.requireNonNull(contentType, "contentType");
    this.rawBody = Objects.requireNonNull(rawBody, "rawBody");
    this.deadline = deadline;
    this.bodyType = bodyType;
    this.codecs = Objects.requireNonNull(codecs, "codecs");
  }

  /** The service the request was addressed to (this server's name). */
  public String service() {
    return service;
  }

  /** {@code Service.Method}. */
  public String endpoint() {
    return endpoint;
  }

  /** Headers as sent by the caller, {@code traceparent} included. */
  public Metadata metadata() {
    return metadata;
  }

  /** The body's media type, as sent. */
  public String contentType() {
    return contentType;
  }

  /** When the caller stops waiting; null when the caller set no timeout. */
  public @Nullable Instant deadline() {
    return deadline;
  }

  /** Time left until the deadline (negative once passed), or null without a deadline. */
  public @Nullable Duration remaining() {
    return deadline == null ? null : Duration.between(Instant.now(), deadline);
  }

  /** The encoded body; not a copy, do not modify. */
  public byte[] rawBody() {
    return rawBody;
  }

  /** The type the endpoint decodes its body into, or null when the endpoint is unknown. */
  public @Nullable Class<?> bodyType() {
    return bodyType;
  }

  /** The codec for this request's content type. */
  public Codec codec() {
    return codecs.forContentType(contentType);
  }

  /**
   * The decoded body, decoded on first use.
   *
   * @throws dev.vigil.framework.errors.FrameworkException 400 from the codec naming the field or
   *     offset it could not read; 415 for an unsupported content type
   */
  public Object body() {
    Object value = decoded;
    if (value == null) {
      synchronized (this) {
        value = decoded;
        if (value == null) {
          Class<?> type = bodyType == null ? byte[].class : bodyType;
          value = codec().decode(rawBody, type);
          decoded = value;
        }
      }
    }
    return value;
  }

  @Override
  public String toString() {
    return "ServerRequest{" + service + " " + endpoint + ", " + contentType + "}";
  }
}
