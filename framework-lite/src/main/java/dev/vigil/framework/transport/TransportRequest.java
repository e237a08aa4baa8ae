package dev.vigil.framework.transport;

import dev.vigil.framework.Metadata;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One request on the wire.
 *
 * @param service the callee's service name
 * @param endpoint {@code Service.Method}
 * @param metadata headers carried to the callee unchanged (trace context, auth, user metadata)
 * @param contentType the body's media type, which selects the codec on the callee
 * @param body encoded request
 * @param timeout the caller's remaining deadline, propagated so the callee can stop in time; null
 *     for none
 */
public record TransportRequest(
    String service,
    String endpoint,
    Metadata metadata,
    String contentType,
    byte[] body,
    @Nullable Duration timeout) {
  public TransportRequest {
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(metadata, "metadata");
    Objects.requireNonNull(contentType, "contentType");
    Objects.requireNonNull(body, "body");
  }
}
