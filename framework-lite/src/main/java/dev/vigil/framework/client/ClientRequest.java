package dev.vigil.framework.client;

import dev.vigil.framework.Metadata;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One call as {@link CallFunc}s and {@link CallWrapper}s see it. The payload is encoded by the
 * innermost {@link CallFunc}, per attempt, with the codec chosen for it; so a wrapper may replace
 * the payload or the metadata with {@link #withMetadata} and {@link #withPayload}.
 *
 * @param service the callee
 * @param endpoint {@code Service.Method}
 * @param metadata headers sent with the call; trace headers of the request being handled are
 *     already in it
 * @param payload the request value
 * @param responseType what the response body is decoded into ({@code Void.class} ignores it)
 * @param options the effective options of this call
 * @param deadline when the call gives up (the earlier of its timeout and the deadline of the
 *     request being handled); null only for calls made without any timeout
 */
public record ClientRequest(
    String service,
    String endpoint,
    Metadata metadata,
    Object payload,
    Class<?> responseType,
    CallOptions options,
    @Nullable Instant deadline) {

  public ClientRequest {
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(metadata, "metadata");
    Objects.requireNonNull(payload, "payload");
    Objects.requireNonNull(responseType, "responseType");
    Objects.requireNonNull(options, "options");
  }

  /** This request with {@code metadata} instead of its own. */
  public ClientRequest withMetadata(Metadata metadata) {
    return new ClientRequest(service, endpoint, metadata, payload, responseType, options, deadline);
  }

  /** This request with header {@code name} set to {@code value}. */
  public ClientRequest withMetadata(String name, String value) {
    return withMetadata(metadata.with(name, value));
  }

  public ClientRequest withPayload(Object payload) {
    return new ClientRequest(service, endpoint, metadata, payload, responseType, options, deadline);
  }

  /** Time left until the deadline (negative once passed), or null without one. */
  public @Nullable Duration remaining() {
    return deadline == null ? null : Duration.between(Instant.now(), deadline);
  }
}
