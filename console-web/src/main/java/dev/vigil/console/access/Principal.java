package dev.vigil.console.access;

import static java.util.Objects.requireNonNull;

import java.util.Set;

/**
 * Who made a request: the name of the token it presented and that token's scopes.
 *
 * @param name the token's name, as the audit log records it
 * @param scopes what the token may do; see {@link Scopes}
 */
public record Principal(String name, Set<String> scopes) {
  public Principal {
    requireNonNull(name, "name");
    scopes = Set.copyOf(scopes);
  }

  /** Whether this principal's scopes grant {@code scope}. */
  public boolean has(String scope) {
    return Scopes.grants(scopes, scope);
  }
}
