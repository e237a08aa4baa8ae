package dev.vigil.console.users;

import dev.vigil.console.access.Scopes;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What a console user may do, as the access-token scopes of {@link Scopes} a signed-in request
 * holds. Each role includes the ones before it.
 */
public enum Role {
  /** Reads telemetry, the registry and (unmasked only when not secret) the config center. */
  VIEWER(Set.of(Scopes.TELEMETRY_READ, Scopes.REGISTRY_READ, "config:read:*")),
  /** Also edits config drafts and operates registry nodes (disable, enable, weight). */
  EDITOR(
      Set.of(
          Scopes.TELEMETRY_READ,
          Scopes.REGISTRY_READ,
          "config:read:*",
          Scopes.CONFIG_EDIT,
          Scopes.REGISTRY_OPERATE)),
  /** Also publishes, gray-releases, promotes and rolls back config releases. */
  PUBLISHER(
      Set.of(
          Scopes.TELEMETRY_READ,
          Scopes.REGISTRY_READ,
          "config:read:*",
          Scopes.CONFIG_EDIT,
          Scopes.REGISTRY_OPERATE,
          Scopes.CONFIG_PUBLISH)),
  /** Everything, including users, tokens, secrets and the audit log. */
  ADMIN(Set.of(Scopes.ADMIN));

  public static final String EXPECTED = "viewer, editor, publisher or admin";

  private final Set<String> scopes;

  Role(Set<String> scopes) {
    this.scopes = scopes;
  }

  public Set<String> scopes() {
    return scopes;
  }

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The role named {@code name} (as {@link #wireName()}), or null. */
  public static @Nullable Role parse(@Nullable String name) {
    if (name == null) {
      return null;
    }
    for (Role role : values()) {
      if (role.wireName().equals(name)) {
        return role;
      }
    }
    return null;
  }
}
