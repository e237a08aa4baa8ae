package dev.vigil.console.audit;

import static java.util.Objects.requireNonNull;

import dev.vigil.console.access.AccessControl;
import dev.vigil.console.access.Principal;
import io.javalin.http.Context;
import org.jspecify.annotations.Nullable;

/**
 * Who did something, as the audit log records it: the token name (or a {@code system:} name for the
 * console's own jobs), the remote address of the connection and the {@code X-Forwarded-For} header
 * as the client sent it (not trusted, only recorded).
 */
public record Actor(String name, @Nullable String remoteAddress, @Nullable String forwardedFor) {
  static final int MAX_HEADER_LENGTH = 512;

  public Actor {
    requireNonNull(name, "name");
  }

  /**
   * The actor of an authenticated request; {@code anonymous} if {@link AccessControl} has not
   * authenticated it.
   */
  public static Actor of(Context ctx) {
    Principal principal = ctx.attribute(AccessControl.PRINCIPAL_ATTRIBUTE);
    String forwarded = ctx.header("X-Forwarded-For");
    if (forwarded != null && forwarded.length() > MAX_HEADER_LENGTH) {
      forwarded = forwarded.substring(0, MAX_HEADER_LENGTH);
    }
    return new Actor(principal == null ? "anonymous" : principal.name(), ctx.ip(), forwarded);
  }

  /** One of the console's own jobs, for example {@code system(\"registry-reaper\")}. */
  public static Actor system(String job) {
    return new Actor("system:" + job, null, null);
  }
}
