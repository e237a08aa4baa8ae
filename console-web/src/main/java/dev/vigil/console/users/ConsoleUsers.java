package dev.vigil.console.users;

import static java.util.Objects.requireNonNull;

import dev.vigil.console.access.AccessControl;
import dev.vigil.console.access.Principal;
import dev.vigil.console.access.Scopes;
import dev.vigil.console.api.ApiException;
import dev.vigil.console.api.BadParameterException;
import dev.vigil.console.api.JsonBody;
import dev.vigil.console.api.RequestParams;
import dev.vigil.console.audit.Actor;
import dev.vigil.console.audit.AuditLog;
import dev.vigil.console.schema.ConsoleSchema;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.SameSite;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * People signing in to the web console: owns the {@code console_users} schema (migrated from
 * {@value #LOCATION} with its own history table {@value #HISTORY_TABLE}), the first admin's
 * bootstrap, sign-in with its rate limit, sessions and the admin's user management API.
 *
 * <p>A session is a random id in the {@value #COOKIE} cookie (HttpOnly, SameSite=Strict, Secure
 * over HTTPS) plus a CSRF token the pages read from {@code GET /api/v1/session} and send as {@value
 * #CSRF_HEADER} on every state-changing request. {@link #resolveSession} turns a valid session into
 * the request's {@link Principal} (named {@code user:<name>}, with its {@link Role}'s scopes), so
 * every API checks a person exactly as it checks a token; a request with a bearer token ignores the
 * cookie.
 *
 * <p>Thread-safe.
 */
public final class ConsoleUsers {
  public static final String COOKIE = "vigil_session";
  public static final String CSRF_HEADER = "X-CSRF-Token";
  public static final String LOCATION = "classpath:db/users";
  public static final String HISTORY_TABLE = "vigil_console_users_schema_history";
  public static final Duration DEFAULT_SESSION_TTL = Duration.ofHours(12);
  public static final String FIRST_ADMIN = "admin";
  public static final String PRINCIPAL_PREFIX = "user:";

  private static final Logger log = LoggerFactory.getLogger(ConsoleUsers.class);
  private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS");
  private static final int MAX_NAME_LENGTH = 64;

  private final UserStore store;
  private final AccessControl access;
  private final AuditLog audit;
  private final Clock clock;
  private final Duration sessionTtl;
  private final @Nullable String adminPassword;
  private final Path adminPasswordFile;
  private final SignInLimiter limiter = new SignInLimiter();
  private volatile boolean ready;

  private ConsoleUsers(Builder b) {
    this.store = new UserStore(b.jdbi, b.clock);
    this.access = b.access;
    this.audit = b.audit;
    this.clock = b.clock;
    this.sessionTtl = b.sessionTtl;
    this.adminPassword = b.adminPassword;
    this.adminPasswordFile = b.adminPasswordFile;
  }

  public static Builder builder(Jdbi jdbi, AccessControl access, AuditLog audit) {
    return new Builder(jdbi, access, audit);
  }

  /**
   * Migrates the schema and creates the first admin when there are no users. Call once the database
   * answers; idempotent, and safe when several replicas start at once.
   */
  public void prepare(DataSource dataSource) {
    ConsoleSchema.migrate(dataSource, UserStore.SCHEMA, LOCATION, HISTORY_TABLE);
    if (store.isEmpty()) {
      boolean generated = adminPassword == null;
      String password = generated ? Passwords.generate() : adminPassword;
      if (store.create(FIRST_ADMIN, Passwords.hash(password), Role.ADMIN, "bootstrap")) {
        audit.record(
            Actor.system("bootstrap"),
            "users.user.create",
            "user/" + FIRST_ADMIN,
            Map.of("role", "admin", "generatedPassword", generated));
        if (generated) {
          announce(password);
        } else {
          log.info(
              "Created console user '{}' with the password from VIGIL_ADMIN_PASSWORD", FIRST_ADMIN);
        }
      }
    }
    ready = true;
  }

  /** Prints the generated password once and keeps it in a file only its owner can read. */
  private void announce(String password) {
    String where;
    try {
      Path parent = adminPasswordFile.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      try {
        Files.createFile(
            adminPasswordFile,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } catch (FileAlreadyExistsException e) {
        Files.setPosixFilePermissions(
            adminPasswordFile, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException e) {
        Files.deleteIfExists(adminPasswordFile);
        Files.createFile(adminPasswordFile);
      }
      try (OutputStream out =
          Files.newOutputStream(adminPasswordFile, StandardOpenOption.TRUNCATE_EXISTING)) {
        out.write((password + "\n").getBytes(StandardCharsets.UTF_8));
      }
      where = "; also written to " + adminPasswordFile.toAbsolutePath() + " (owner-only)";
    } catch (IOException e) {
      where = "; could not write " + adminPasswordFile + ": " + e.getMessage();
    }
    // Printed once, at the first start only: later starts find the user and say nothing.
    System.out.println(
        "Vigil console: created user '"
            + FIRST_ADMIN
            + "' with generated password "
            + password
            + where);
    log.warn(
        "Created console user '{}' with a generated password, printed on standard output{}",
        FIRST_ADMIN,
        where);
  }

  public void addRoutes(Javalin app) {
    app.before("/api/v1/*", this::resolveSession);
    app.post("/api/v1/session", this::signIn);
    app.get("/api/v1/session", this::current);
    app.delete("/api/v1/session", this::signOut);
    app.post("/api/v1/session/password", this::changeOwnPassword);
    app.get("/api/v1/users", this::listUsers);
    app.post("/api/v1/users", this::createUser);
    app.patch("/api/v1/users/{name}", this::updateUser);
    app.delete("/api/v1/users/{name}", this::deleteUser);
  }

  /**
   * Makes a request carrying a live session cookie (and no bearer token) act as its user; refuses a
   * state-changing one whose {@value #CSRF_HEADER} does not match the session's token.
   */
  void resolveSession(Context ctx) {
    if (ctx.header("Authorization") != null || !ready) {
      return;
    }
    String id = ctx.cookie(COOKIE);
    if (id == null || id.isEmpty() || id.length() > 128) {
      return;
    }
    Optional<UserStore.Session> session = store.session(Passwords.sha256(id));
    if (session.isEmpty()) {
      return;
    }
    UserStore.Session s = session.get();
    boolean signingIn = ctx.path().equals("/api/v1/session") && ctx.method().name().equals("POST");
    if (!SAFE_METHODS.contains(ctx.method().name()) && !signingIn) {
      String presented = ctx.header(CSRF_HEADER);
      if (presented == null
          || !MessageDigest.isEqual(
              presented.getBytes(StandardCharsets.UTF_8),
              s.csrfToken().getBytes(StandardCharsets.UTF_8))) {
        throw new ApiException(403, "missing or wrong " + CSRF_HEADER + " header");
      }
    }
    ctx.attribute(
        AccessControl.PRINCIPAL_ATTRIBUTE,
        new Principal(PRINCIPAL_PREFIX + s.userName(), s.role().scopes()));
    ctx.attribute(SESSION_ATTRIBUTE, s);
  }

  private static final String SESSION_ATTRIBUTE = "vigil.session";

  private void requireReady() {
    if (!ready) {
      throw new ApiException(503, "console database not ready");
    }
  }

  private void signIn(Context ctx) {
    requireReady();
    RequestParams.allowOnly(ctx);
    String contentType = ctx.contentType();
    // A cross-site form cannot send JSON without a preflight: this keeps sign-in itself from being
    // forged into a victim's browser.
    if (contentType == null || !contentType.startsWith("application/json")) {
      throw new ApiException(415, "sign-in takes a JSON body (Content-Type: application/json)");
    }
    JsonBody body = JsonBody.parse(ctx, "name", "password");
    String name = body.requiredText("name");
    String password = body.requiredText("password");
    String address = ctx.ip();
    long now = System.nanoTime();
    long retryAfter = limiter.retryAfterSeconds(address, name, now);
    if (retryAfter > 0) {
      ctx.header("Retry-After", Long.toString(retryAfter));
      throw new ApiException(429, "too many failed sign-ins; try again in " + retryAfter + " s");
    }
    Optional<UserStore.User> user =
        name.length() > MAX_NAME_LENGTH ? Optional.empty() : store.user(name);
    boolean ok =
        Passwords.verify(
                password, user.map(UserStore.User::passwordHash).orElse(Passwords.dummyHash()))
            && user.isPresent()
            && !user.get().disabled();
    if (!ok) {
      limiter.failed(address, name, now);
      audit.record(
          new Actor(PRINCIPAL_PREFIX + truncate(name), address, ctx.header("X-Forwarded-For")),
          "session.signin.fail",
          "user/" + truncate(name),
          Map.of());
      throw new ApiException(401, "wrong user name or password");
    }
    limiter.succeeded(name);
    UserStore.User u = user.get();
    String id = Passwords.token(32);
    String csrf = Passwords.token(32);
    store.createSession(Passwords.sha256(id), u.id(), csrf, sessionTtl);
    Cookie cookie = new Cookie(COOKIE, id);
    cookie.setHttpOnly(true);
    cookie.setSameSite(SameSite.STRICT);
    cookie.setPath("/");
    cookie.setMaxAge((int) sessionTtl.toSeconds());
    cookie.setSecure(isHttps(ctx));
    ctx.cookie(cookie);
    Principal principal = new Principal(PRINCIPAL_PREFIX + u.name(), u.role().scopes());
    ctx.attribute(AccessControl.PRINCIPAL_ATTRIBUTE, principal);
    audit.record(Actor.of(ctx), "session.signin", "user/" + u.name(), Map.of());
    ctx.json(sessionView(u.name(), u.role(), csrf));
  }

  private void current(Context ctx) {
    requireReady();
    RequestParams.allowOnly(ctx);
    UserStore.Session s = ctx.attribute(SESSION_ATTRIBUTE);
    if (s == null) {
      throw new ApiException(401, "not signed in");
    }
    ctx.json(sessionView(s.userName(), s.role(), s.csrfToken()));
  }

  private void signOut(Context ctx) {
    requireReady();
    RequestParams.allowOnly(ctx);
    UserStore.Session s = ctx.attribute(SESSION_ATTRIBUTE);
    String id = ctx.cookie(COOKIE);
    if (s == null || id == null) {
      throw new ApiException(401, "not signed in");
    }
    store.deleteSession(Passwords.sha256(id));
    ctx.removeCookie(COOKIE, "/");
    audit.record(Actor.of(ctx), "session.signout", "user/" + s.userName(), Map.of());
    ctx.status(204);
  }

  private void changeOwnPassword(Context ctx) {
    requireReady();
    RequestParams.allowOnly(ctx);
    UserStore.Session s = ctx.attribute(SESSION_ATTRIBUTE);
    if (s == null) {
      throw new ApiException(401, "not signed in");
    }
    JsonBody body = JsonBody.parse(ctx, "current", "password");
    String currentPassword = body.requiredText("current");
    String password = validPassword(body.requiredText("password"));
    UserStore.User u =
        store.user(s.userName()).orElseThrow(() -> new ApiException(401, "not signed in"));
    if (!Passwords.verify(currentPassword, u.passwordHash())) {
      throw new ApiException(403, "the current password is wrong");
    }
    store.update(u.name(), Passwords.hash(password), null, null);
    audit.record(Actor.of(ctx), "users.user.password", "user/" + u.name(), Map.of());
    ctx.removeCookie(COOKIE, "/");
    ctx.status(204);
  }

  private void listUsers(Context ctx) {
    requireReady();
    access.require(ctx, Scopes.ADMIN);
    RequestParams.allowOnly(ctx);
    List<Map<String, Object>> out = new ArrayList<>();
    for (UserStore.User u : store.users()) {
      out.add(userView(u));
    }
    ctx.json(Map.of("users", out));
  }

  private void createUser(Context ctx) {
    requireReady();
    access.require(ctx, Scopes.ADMIN);
    RequestParams.allowOnly(ctx);
    JsonBody body = JsonBody.parse(ctx, "name", "role", "password");
    String name = validName(body.requiredText("name"));
    Role role = role(body.requiredText("role"));
    String password = validPassword(body.requiredText("password"));
    if (!store.create(name, Passwords.hash(password), role, Actor.of(ctx).name())) {
      throw new ApiException(409, "user already exists: " + name);
    }
    audit.record(
        Actor.of(ctx), "users.user.create", "user/" + name, Map.of("role", role.wireName()));
    ctx.status(201).json(userView(store.user(name).orElseThrow()));
  }

  private void updateUser(Context ctx) {
    requireReady();
    access.require(ctx, Scopes.ADMIN);
    RequestParams.allowOnly(ctx);
    String name = ctx.pathParam("name");
    JsonBody body = JsonBody.parse(ctx, "role", "password", "disabled");
    String rawRole = body.text("role");
    Role role = rawRole == null ? null : role(rawRole);
    String rawPassword = body.text("password");
    String hash = rawPassword == null ? null : Passwords.hash(validPassword(rawPassword));
    Boolean disabled = body.bool("disabled");
    if (role == null && hash == null && disabled == null) {
      throw new BadParameterException("body", "{}", "at least one of role, password, disabled");
    }
    if (!store.update(name, hash, role, disabled)) {
      throw new ApiException(404, "no user named " + name);
    }
    Map<String, Object> details = new LinkedHashMap<>();
    if (role != null) {
      details.put("role", role.wireName());
    }
    if (hash != null) {
      details.put("passwordChanged", true);
    }
    if (disabled != null) {
      details.put("disabled", disabled);
    }
    audit.record(Actor.of(ctx), "users.user.update", "user/" + name, details);
    ctx.json(userView(store.user(name).orElseThrow()));
  }

  private void deleteUser(Context ctx) {
    requireReady();
    Principal admin = access.require(ctx, Scopes.ADMIN);
    RequestParams.allowOnly(ctx);
    String name = ctx.pathParam("name");
    if (admin.name().equals(PRINCIPAL_PREFIX + name)) {
      throw new ApiException(409, "you cannot delete yourself");
    }
    if (!store.delete(name)) {
      throw new ApiException(404, "no user named " + name);
    }
    audit.record(Actor.of(ctx), "users.user.delete", "user/" + name, Map.of());
    ctx.status(204);
  }

  private static Map<String, Object> sessionView(String name, Role role, String csrf) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("name", name);
    view.put("role", role.wireName());
    view.put("scopes", role.scopes().stream().sorted().toList());
    view.put("csrfToken", csrf);
    return view;
  }

  private static Map<String, Object> userView(UserStore.User u) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("name", u.name());
    view.put("role", u.role().wireName());
    view.put("disabled", u.disabled());
    view.put(
        "createdAtUnixNano",
        u.createdAt().getEpochSecond() * 1_000_000_000L + u.createdAt().getNano());
    view.put("createdBy", u.createdBy());
    return view;
  }

  private static Role role(String raw) {
    Role role = Role.parse(raw);
    if (role == null) {
      throw new BadParameterException("role", raw, Role.EXPECTED);
    }
    return role;
  }

  private static String validName(String name) {
    if (name.isEmpty()
        || name.length() > MAX_NAME_LENGTH
        || !name.chars()
            .allMatch(
                c ->
                    Character.isLetterOrDigit(c) || c == '.' || c == '_' || c == '-' || c == '@')) {
      throw new BadParameterException(
          "name", name, "1.." + MAX_NAME_LENGTH + " letters, digits, '.', '_', '-' or '@'");
    }
    return name;
  }

  private static String validPassword(String password) {
    if (password.length() < Passwords.MIN_LENGTH || password.length() > Passwords.MAX_LENGTH) {
      throw new BadParameterException(
          "password",
          password.length() + " characters",
          Passwords.MIN_LENGTH + ".." + Passwords.MAX_LENGTH + " characters");
    }
    return password;
  }

  private static String truncate(String name) {
    return name.length() > MAX_NAME_LENGTH ? name.substring(0, MAX_NAME_LENGTH) : name;
  }

  private static boolean isHttps(Context ctx) {
    return "https".equalsIgnoreCase(ctx.scheme())
        || "https".equalsIgnoreCase(ctx.header("X-Forwarded-Proto"));
  }

  /** Configures {@link ConsoleUsers}. Not thread-safe. */
  public static final class Builder {
    private final Jdbi jdbi;
    private final AccessControl access;
    private final AuditLog audit;
    private Clock clock = Clock.systemUTC();
    private Duration sessionTtl = DEFAULT_SESSION_TTL;
    private @Nullable String adminPassword;
    private Path adminPasswordFile = Path.of("vigil-admin-password");

    private Builder(Jdbi jdbi, AccessControl access, AuditLog audit) {
      this.jdbi = requireNonNull(jdbi, "jdbi");
      this.access = requireNonNull(access, "access");
      this.audit = requireNonNull(audit, "audit");
    }

    public Builder clock(Clock clock) {
      this.clock = requireNonNull(clock, "clock");
      return this;
    }

    public Builder sessionTtl(Duration ttl) {
      if (ttl.compareTo(Duration.ofMinutes(1)) < 0 || ttl.compareTo(Duration.ofDays(30)) > 0) {
        throw new IllegalArgumentException("sessionTtl: " + ttl + " (expected: 1m..30d)");
      }
      this.sessionTtl = ttl;
      return this;
    }

    /**
     * The first admin's password ({@code VIGIL_ADMIN_PASSWORD}); when null one is generated,
     * printed once and written to {@link #adminPasswordFile}.
     */
    public Builder adminPassword(@Nullable String password) {
      if (password != null
          && (password.length() < Passwords.MIN_LENGTH
              || password.length() > Passwords.MAX_LENGTH)) {
        throw new IllegalArgumentException(
            "adminPassword: "
                + password.length()
                + " characters (expected: "
                + Passwords.MIN_LENGTH
                + ".."
                + Passwords.MAX_LENGTH
                + ")");
      }
      this.adminPassword = password;
      return this;
    }

    /** Where a generated first-admin password is kept, readable only by its owner. */
    public Builder adminPasswordFile(Path file) {
      this.adminPasswordFile = requireNonNull(file, "file");
      return this;
    }

    public ConsoleUsers build() {
      return new ConsoleUsers(this);
    }
  }
}
