package dev.vigil.console.access;

import static java.util.Objects.requireNonNull;

import java.util.Collection;
import java.util.regex.Pattern;

/**
 * The scopes an access token may hold, and which held scope grants which required one.
 *
 * <p>A scope is colon-separated segments of {@code [A-Za-z0-9._-]}; the last segment may be {@code
 * *}, which grants every scope with any single segment in its place ({@code registry:register:*}
 * grants {@code registry:register:orders}). {@value #ADMIN} grants everything. The scopes in use:
 *
 * <ul>
 *   <li>{@code registry:register:<service>} — register, renew and deregister nodes of that service
 *   <li>{@value #REGISTRY_READ} — read the registry, including blocking queries
 *   <li>{@value #REGISTRY_OPERATE} — disable, enable and weigh nodes, set service protection
 *   <li>{@code config:read:<env>} — read the config of one environment
 *   <li>{@value #CONFIG_EDIT}, {@value #CONFIG_PUBLISH} — edit entries, publish releases
 *   <li>{@value #TELEMETRY_READ} — the telemetry query API
 *   <li>{@value #AUDIT_READ} — read the audit log
 *   <li>{@value #ADMIN} — everything, including managing tokens
 * </ul>
 *
 * <p>Stateless and thread-safe.
 */
public final class Scopes {
  public static final String ADMIN = "admin";
  public static final String REGISTRY_READ = "registry:read";
  public static final String REGISTRY_OPERATE = "registry:operate";
  public static final String CONFIG_EDIT = "config:edit";
  public static final String CONFIG_PUBLISH = "config:publish";
  public static final String TELEMETRY_READ = "telemetry:read";
  public static final String AUDIT_READ = "audit:read";
  public static final int MAX_LENGTH = 200;

  private static final Pattern SCOPE = Pattern.compile("[A-Za-z0-9._-]+(:[A-Za-z0-9._-]+)*(:\\*)?");

  private Scopes() {}

  /** The scope that lets a token register, renew and deregister nodes of {@code service}. */
  public static String registryRegister(String service) {
    return "registry:register:" + requireNonNull(service, "service");
  }

  /** The scope that lets a token read the config of environment {@code env}. */
  public static String configRead(String env) {
    return "config:read:" + requireNonNull(env, "env");
  }

  /** Whether {@code scope} is well-formed. */
  public static boolean isValid(String scope) {
    return scope.length() <= MAX_LENGTH && SCOPE.matcher(scope).matches();
  }

  /** Whether any of {@code held} grants {@code required}. */
  public static boolean grants(Collection<String> held, String required) {
    for (String scope : held) {
      if (grants(scope, required)) {
        return true;
      }
    }
    return false;
  }

  /** Whether the single scope {@code held} grants {@code required}. */
  public static boolean grants(String held, String required) {
    if (held.equals(ADMIN) || held.equals(required)) {
      return true;
    }
    if (!held.endsWith(":*")) {
      return false;
    }
    String prefix = held.substring(0, held.length() - 1);
    return required.length() > prefix.length()
        && required.startsWith(prefix)
        && required.indexOf(':', prefix.length()) < 0;
  }
}
