package dev.vigil.console.access;

import static java.util.Objects.requireNonNull;

import dev.vigil.console.api.ApiException;
import dev.vigil.console.api.BadParameterException;
import dev.vigil.console.api.JsonBody;
import dev.vigil.console.api.RequestParams;
import dev.vigil.console.audit.Actor;
import dev.vigil.console.audit.AuditLog;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Token management under {@code /api/v1/access}: {@code GET whoami} for any valid token; {@code GET
 * tokens}, {@code POST tokens} and {@code DELETE tokens/{name}} for admins. Issuing and revoking
 * are audited ({@code access.token.issue}, {@code access.token.revoke}). Documented in {@code
 * docs/api.md}.
 *
 * <p>Thread-safe: stateless.
 */
public final class AccessApi {
  public static final String PREFIX = "/api/v1/access";

  /** Longest lifetime a token may be issued with: ten years. */
  public static final long MAX_EXPIRES_IN_SECONDS = 10L * 366 * 24 * 3600;

  private final AccessControl access;
  private final AuditLog audit;

  public AccessApi(AccessControl access, AuditLog audit) {
    this.access = requireNonNull(access, "access");
    this.audit = requireNonNull(audit, "audit");
  }

  public void addRoutes(Javalin app) {
    app.get(PREFIX + "/whoami", this::whoami);
    app.get(PREFIX + "/tokens", this::list);
    app.post(PREFIX + "/tokens", this::issue);
    app.delete(PREFIX + "/tokens/{name}", this::revoke);
  }

  private void whoami(Context ctx) {
    RequestParams.allowOnly(ctx);
    Principal principal = access.authenticate(ctx);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("name", principal.name());
    body.put("scopes", principal.scopes().stream().sorted().toList());
    ctx.json(body);
  }

  private void list(Context ctx) {
    access.require(ctx, Scopes.ADMIN);
    RequestParams.allowOnly(ctx);
    ctx.json(Map.of("tokens", access.list()));
  }

  private void issue(Context ctx) {
    Principal admin = access.require(ctx, Scopes.ADMIN);
    RequestParams.allowOnly(ctx);
    JsonBody body = JsonBody.parse(ctx, "name", "scopes", "expiresInSeconds");
    String name = body.requiredText("name");
    List<String> scopes = body.textList("scopes", AccessControl.MAX_SCOPES);
    if (scopes == null) {
      throw new BadParameterException("scopes", "missing", "an array of scopes");
    }
    Long expiresIn = body.longIn("expiresInSeconds", 1, MAX_EXPIRES_IN_SECONDS);
    AccessControl.IssuedToken issued =
        access.issue(
            name, scopes, expiresIn == null ? null : Duration.ofSeconds(expiresIn), admin.name());
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("scopes", issued.info().scopes());
    details.put("expiresInSeconds", expiresIn);
    audit.record(Actor.of(ctx), "access.token.issue", "token/" + name, details);
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("token", issued.token());
    result.put("info", issued.info());
    ctx.status(201).json(result);
  }

  private void revoke(Context ctx) {
    access.require(ctx, Scopes.ADMIN);
    RequestParams.allowOnly(ctx);
    String name = ctx.pathParam("name");
    if (!access.revoke(name)) {
      throw new ApiException(404, "no live token named " + name);
    }
    audit.record(Actor.of(ctx), "access.token.revoke", "token/" + name, Map.of());
    ctx.status(204);
  }
}
