package dev.vigil.framework.transport;

import dev.vigil.framework.Metadata;
import java.util.Objects;

/**
 * One response on the wire. A status other than 2xx carries a JSON error body {@code
 * {"id","code","detail","status"}} (see {@link dev.vigil.framework.errors.FrameworkException}).
 */
public record TransportResponse(int status, Metadata metadata, String contentType, byte[] body) {
  public TransportResponse {
    Objects.requireNonNull(metadata, "metadata");
    Objects.requireNonNull(contentType, "contentType");
    Objects.requireNonNull(body, "body");
  }

  public boolean isSuccess() {
    return status >= 200 && status < 300;
  }
}
