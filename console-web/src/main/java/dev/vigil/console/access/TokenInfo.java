package dev.vigil.console.access;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * An access token as listed: everything but the secret, which is only shown once, when issued.
 * Times are Unix nanoseconds.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TokenInfo(
    String name,
    List<String> scopes,
    long createdAtUnixNano,
    String createdBy,
    @Nullable Long expiresAtUnixNano,
    @Nullable Long revokedAtUnixNano) {
  public TokenInfo {
    scopes = List.copyOf(scopes);
  }
}
