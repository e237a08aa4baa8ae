package dev.vigil.console.access;

import static java.util.Objects.requireNonNull;

import dev.vigil.console.api.ApiException;
import dev.vigil.console.api.BadParameterException;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.jspecify.annotations.Nullable;

/**
 * Bearer-token access to the console's guarded APIs: owns the {@code console.token} table (tokens
 * stored as SHA-256 hashes with their scopes), the seeding of admin tokens from configuration
 * ({@code VIGIL_TOKEN}), and the check a handler makes before acting:
 *
 * <pre>{@code
 * Principal who = access.require(ctx, Scopes.registryRegister(service)); // 401 or 403 otherwise
 * }</pre>
 *
 * <p>{@link #require} answers 401 (with {@code WWW-Authenticate}) when the request has no bearer
 * token or an unknown, revoked or expired one, and 403 naming the missing scope when the token does
 * not hold it. The authenticated {@link Principal} is kept on the request under {@value
 * #PRINCIPAL_ATTRIBUTE} for the audit log.
 *
 * <p>Lookups are cached for {@link Builder#cacheTtl} (default {@link #DEFAULT_CACHE_TTL}), so a
 * heartbeat does not cost a query. At most one query per token runs at a time: concurrent callers
 * of a token that is not cached wait for that one query instead of issuing their own. Once a live
 * token's entry expires it is still served for up to another TTL while the first caller to see it
 * expired refreshes it, so the many requests that arrive together (blocking watches re-issued at
 * once) neither queue behind nor stampede the database. Unknown tokens are cached for at most
 * {@link #NEGATIVE_CACHE_TTL} and never served stale. Hence a token revoked on this replica (or a
 * token issued on it) takes effect at once; one revoked on another replica stops working here
 * within twice the TTL (10 s by default).
 *
 * <p>Thread-safe.
 */
public final class AccessControl {
  public static final String PRINCIPAL_ATTRIBUTE = "vigil.principal";
  public static final Duration DEFAULT_CACHE_TTL = Duration.ofSeconds(5);

  /** The longest an unknown token's lookup is reused (shorter when the cache TTL is). */
  public static final Duration NEGATIVE_CACHE_TTL = Duration.ofSeconds(1);

  public static final int MAX_CACHED_TOKENS = 10_000;
  public static final String TOKEN_PREFIX = "vgt_";
  public static final int MAX_NAME_LENGTH = 128;
  public static final int MAX_SCOPES = 64;

  /**
   * API paths whose handlers check tokens and scopes themselves through this class; the telemetry
   * query API's older all-or-nothing token check leaves them alone.
   */
  public static final List<String> GUARDED_PREFIXES =
      List.of("/api/v1/registry", "/api/v1/config", "/api/v1/access", "/api/v1/audit");

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final HexFormat HEX = HexFormat.of();

  private final Jdbi jdbi;
  private final Clock clock;
  private final long cacheTtlNanos;
  private final long negativeTtlNanos;
  private final ConcurrentHashMap<String, Cached> cache = new ConcurrentHashMap<>();
  // One query per token at a time; callers without a usable entry wait for it.
  private final ConcurrentHashMap<String, CompletableFuture<Optional<Principal>>> inFlight =
      new ConcurrentHashMap<>();
  // Bumped by every invalidation so a query that started before it does not cache its answer.
  private final AtomicLong generation = new AtomicLong();
  private final AtomicLong databaseLookups = new AtomicLong();
  private final List<String> adminTokens;

  /** A live token is served until {@code staleUntilNanos}, refreshed after {@code expiresAt}. */
  private record Cached(@Nullable Principal principal, long expiresAtNanos, long staleUntilNanos) {}

  private AccessControl(Builder b) {
    this.jdbi = b.jdbi;
    this.clock = b.clock;
    this.cacheTtlNanos = b.cacheTtl.toNanos();
    this.negativeTtlNanos = Math.min(cacheTtlNanos, NEGATIVE_CACHE_TTL.toNanos());
    this.adminTokens = List.copyOf(b.adminTokens);
  }

  public static Builder builder(Jdbi jdbi) {
    return new Builder(jdbi);
  }

  /** Whether {@code path} belongs to an API guarded by this class. */
  public static boolean isGuardedPath(String path) {
    for (String prefix : GUARDED_PREFIXES) {
      if (path.equals(prefix) || path.startsWith(prefix + "/")) {
        return true;
      }
    }
    return false;
  }

  /**
   * The request's principal if its token grants {@code scope}; otherwise ends the request with 401
   * or 403 (by throwing {@link ApiException}).
   */
  public Principal require(Context ctx, String scope) {
    Principal principal = authenticate(ctx);
    if (!principal.has(scope)) {
      throw new ApiException(403, "token '" + principal.name() + "' lacks scope " + scope);
    }
    return principal;
  }

  /**
   * The request's principal, whatever its scopes; ends the request with 401 when the bearer token
   * is missing, unknown, revoked or expired.
   */
  public Principal authenticate(Context ctx) {
    Principal known = ctx.attribute(PRINCIPAL_ATTRIBUTE);
    if (known != null) {
      return known;
    }
    String header = ctx.header("Authorization");
    Optional<Principal> principal = Optional.empty();
    if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      principal = lookup(header.substring(7).trim());
    }
    if (principal.isEmpty()) {
      ctx.header("WWW-Authenticate", "Bearer realm=\"vigil\"");
      throw new ApiException(
          401, header == null ? "missing bearer token" : "unknown, revoked or expired token");
    }
    ctx.attribute(PRINCIPAL_ATTRIBUTE, principal.get());
    return principal.get();
  }

  /** The principal of a live token, or empty when it is unknown, revoked or expired. */
  public Optional<Principal> lookup(String token) {
    if (token.isEmpty() || token.length() > 512) {
      return Optional.empty();
    }
    // Keyed by the token itself: a hit (every heartbeat) costs no hashing.
    String key = token;
    long now = System.nanoTime();
    Cached cached = cache.get(key);
    if (cached != null && now - cached.expiresAtNanos < 0) {
      return Optional.ofNullable(cached.principal);
    }
    boolean stale = cached != null && cached.principal != null && now - cached.staleUntilNanos < 0;
    CompletableFuture<Optional<Principal>> mine = new CompletableFuture<>();
    CompletableFuture<Optional<Principal>> theirs = inFlight.putIfAbsent(key, mine);
    if (theirs != null) {
      return stale ? Optional.of(cached.principal) : await(theirs);
    }
    try {
      // The previous query may have cached its answer between our read and our claim.
      Cached latest = cache.get(key);
      Optional<Principal> result;
      if (latest != null && System.nanoTime() - latest.expiresAtNanos < 0) {
        result = Optional.ofNullable(latest.principal);
      } else {
        long gen = generation.get();
        result = Optional.ofNullable(query(token));
        store(key, result.orElse(null), gen);
      }
      mine.complete(result);
      return result;
    } catch (RuntimeException | Error e) {
      mine.completeExceptionally(e);
      throw e;
    } finally {
      inFlight.remove(key, mine);
    }
  }

  /**
   * The principal of {@code token} if this replica looked it up within the cache TTL and found it
   * live; null otherwise (unknown, refused, expired in the cache or never looked up), without
   * touching the database. For paths that answer cache hits themselves and leave everything else to
   * {@link #require}.
   */
  public @Nullable Principal cached(String token) {
    Cached cached = cache.get(token);
    if (cached == null || System.nanoTime() - cached.expiresAtNanos >= 0) {
      return null;
    }
    return cached.principal;
  }

  /** How many token lookups have reached the database; for tests. */
  long databaseLookups() {
    return databaseLookups.get();
  }

  private @Nullable Principal query(String token) {
    databaseLookups.incrementAndGet();
    byte[] hash = sha256(token);
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT name, scopes FROM console.token WHERE token_hash = :hash"
                        + " AND revoked_at IS NULL"
                        + " AND (expires_at IS NULL OR expires_at > :now)")
                .bind("hash", hash)
                .bind("now", Timestamp.from(clock.instant()))
                .map(
                    (rs, c) ->
                        new Principal(
                            rs.getString("name"),
                            Set.of((String[]) rs.getArray("scopes").getArray())))
                .findOne()
                .orElse(null));
  }

  private void store(String key, @Nullable Principal principal, long queriedAtGeneration) {
    long now = System.nanoTime();
    if (cache.size() >= MAX_CACHED_TOKENS) {
      cache.clear();
    }
    long ttl = principal == null ? negativeTtlNanos : cacheTtlNanos;
    long staleUntil = principal == null ? now + ttl : now + 2 * ttl;
    cache.put(key, new Cached(principal, now + ttl, staleUntil));
    if (generation.get() != queriedAtGeneration) {
      // Invalidated while querying: the answer may predate the change.
      cache.remove(key);
    }
  }

  private static Optional<Principal> await(CompletableFuture<Optional<Principal>> lookup) {
    try {
      return lookup.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw e;
    }
  }

  /** Forgets every cached lookup, including answers of queries still running. */
  private void invalidate() {
    generation.incrementAndGet();
    cache.clear();
  }

  /**
   * Creates a token and returns its secret, which is not stored and cannot be shown again.
   *
   * @param ttl how long the token lives, or null for no expiry
   * @throws ApiException 409 when a token of that name exists
   */
  public IssuedToken issue(
      String name, Collection<String> scopes, @Nullable Duration ttl, String createdBy) {
    requireValidName(name);
    Set<String> scopeSet = requireValidScopes(scopes);
    String token = newToken();
    Instant now = clock.instant();
    Instant expiresAt = ttl == null ? null : now.plus(ttl);
    try {
      jdbi.useHandle(
          h ->
              h.createUpdate(
                      "INSERT INTO console.token"
                          + " (name, token_hash, scopes, created_at, created_by, expires_at)"
                          + " VALUES (:name, :hash, :scopes, :now, :by, :expires)")
                  .bind("name", name)
                  .bind("hash", sha256(token))
                  .bind("scopes", scopeSet.toArray(String[]::new))
                  .bind("now", Timestamp.from(now))
                  .bind("by", createdBy)
                  .bind("expires", expiresAt == null ? null : Timestamp.from(expiresAt))
                  .execute());
    } catch (UnableToExecuteStatementException e) {
      if (isUniqueViolation(e)) {
        throw new ApiException(409, "token name already exists: " + name);
      }
      throw e;
    }
    // Also drops refusals cached while a lookup raced the insert; issuing is rare, lookups are
    // cheap.
    invalidate();
    return new IssuedToken(
        new TokenInfo(
            name,
            List.copyOf(scopeSet),
            nanos(now),
            createdBy,
            expiresAt == null ? null : nanos(expiresAt),
            null),
        token);
  }

  /** Every token, revoked and expired ones included, by name. */
  public List<TokenInfo> list() {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT name, scopes, created_at, created_by, expires_at, revoked_at"
                        + " FROM console.token ORDER BY name")
                .map(
                    (rs, c) ->
                        new TokenInfo(
                            rs.getString("name"),
                            Arrays.asList((String[]) rs.getArray("scopes").getArray()),
                            nanos(rs.getTimestamp("created_at").toInstant()),
                            rs.getString("created_by"),
                            nullableNanos(rs.getTimestamp("expires_at")),
                            nullableNanos(rs.getTimestamp("revoked_at"))))
                .list());
  }

  /** Revokes the named token; false when no live token has that name. */
  public boolean revoke(String name) {
    int revoked =
        jdbi.withHandle(
            h ->
                h.createUpdate(
                        "UPDATE console.token SET revoked_at = :now"
                            + " WHERE name = :name AND revoked_at IS NULL")
                    .bind("now", Timestamp.from(clock.instant()))
                    .bind("name", name)
                    .execute());
    invalidate();
    return revoked > 0;
  }

  /**
   * Stores each configured admin token (see {@link Builder#adminTokens}) named {@code seed-<first 8
   * hex of its hash>}, unless a token with that hash exists (so a token revoked through the API
   * stays revoked). Call once the console schema is migrated; idempotent.
   */
  public void seedAdminTokens() {
    for (String token : adminTokens) {
      byte[] hash = sha256(token);
      jdbi.useHandle(
          h ->
              h.createUpdate(
                      "INSERT INTO console.token (name, token_hash, scopes, created_by)"
                          + " VALUES (:name, :hash, ARRAY['admin'], 'configuration')"
                          + " ON CONFLICT DO NOTHING")
                  .bind("name", "seed-" + HEX.formatHex(hash, 0, 4))
                  .bind("hash", hash)
                  .execute());
    }
    invalidate();
  }

  static void requireValidName(String name) {
    if (name.isEmpty()
        || name.length() > MAX_NAME_LENGTH
        || !name.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      throw new BadParameterException(
          "name", name, "1.." + MAX_NAME_LENGTH + " printable ASCII characters without spaces");
    }
  }

  static Set<String> requireValidScopes(Collection<String> scopes) {
    if (scopes.isEmpty() || scopes.size() > MAX_SCOPES) {
      throw new BadParameterException(
          "scopes", scopes.size() + " scopes", "1.." + MAX_SCOPES + " scopes");
    }
    Set<String> valid = new LinkedHashSet<>();
    for (String scope : scopes) {
      if (scope == null || !Scopes.isValid(scope)) {
        throw new BadParameterException(
            "scopes",
            String.valueOf(scope),
            "scopes such as admin, registry:read, registry:register:<service> or"
                + " config:read:<env>");
      }
      valid.add(scope);
    }
    return valid;
  }

  static byte[] sha256(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String newToken() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return TOKEN_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static boolean isUniqueViolation(RuntimeException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.sql.SQLException sql && "23505".equals(sql.getSQLState())) {
        return true;
      }
    }
    return false;
  }

  private static long nanos(Instant instant) {
    return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
  }

  private static @Nullable Long nullableNanos(@Nullable Timestamp timestamp) {
    return timestamp == null ? null : nanos(timestamp.toInstant());
  }

  /** A newly issued token: its listing and its secret, shown this once. */
  public record IssuedToken(TokenInfo info, String token) {}

  /** Configures an {@link AccessControl}. Not thread-safe. */
  public static final class Builder {
    private final Jdbi jdbi;
    private Clock clock = Clock.systemUTC();
    private Duration cacheTtl = DEFAULT_CACHE_TTL;
    private final List<String> adminTokens = new ArrayList<>();

    private Builder(Jdbi jdbi) {
      this.jdbi = requireNonNull(jdbi, "jdbi");
    }

    public Builder clock(Clock clock) {
      this.clock = requireNonNull(clock, "clock");
      return this;
    }

    /**
     * How long a token lookup is reused before it is refreshed; a revocation on another replica
     * takes effect here within twice this time.
     */
    public Builder cacheTtl(Duration cacheTtl) {
      if (cacheTtl.isNegative() || cacheTtl.compareTo(Duration.ofMinutes(5)) > 0) {
        throw new IllegalArgumentException("cacheTtl: " + cacheTtl + " (expected: 0s..5m)");
      }
      this.cacheTtl = cacheTtl;
      return this;
    }

    /** Tokens (for example {@code VIGIL_TOKEN}) {@link #seedAdminTokens()} stores as admins. */
    public Builder adminTokens(Collection<String> tokens) {
      for (String token : tokens) {
        if (token == null || token.isBlank()) {
          throw new IllegalArgumentException("adminTokens: a blank token (expected: non-blank)");
        }
      }
      adminTokens.addAll(tokens);
      return this;
    }

    public AccessControl build() {
      return new AccessControl(this);
    }
  }
}
