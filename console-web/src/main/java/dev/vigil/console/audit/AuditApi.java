package dev.vigil.console.audit;

import static java.util.Objects.requireNonNull;

import dev.vigil.console.access.AccessControl;
import dev.vigil.console.access.Scopes;
import dev.vigil.console.api.BadParameterException;
import dev.vigil.console.api.RequestParams;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * {@code GET /api/v1/audit}: the audit log for holders of {@value Scopes#AUDIT_READ} (or admin),
 * newest first, filtered by {@code actor}, {@code action}, {@code target} (exact, or a prefix
 * ending in {@code *}), {@code start}/{@code end} (Unix nanoseconds), paged with {@code before} (an
 * entry id) and {@code limit}. Documented in {@code docs/api.md}.
 *
 * <p>Thread-safe: stateless.
 */
public final class AuditApi {
  public static final String PATH = "/api/v1/audit";
  public static final int DEFAULT_LIMIT = 100;

  private final AccessControl access;
  private final AuditLog audit;

  public AuditApi(AccessControl access, AuditLog audit) {
    this.access = requireNonNull(access, "access");
    this.audit = requireNonNull(audit, "audit");
  }

  public void addRoutes(Javalin app) {
    app.get(PATH, this::search);
  }

  private void search(Context ctx) {
    access.require(ctx, Scopes.AUDIT_READ);
    RequestParams.allowOnly(ctx, "actor", "action", "target", "start", "end", "before", "limit");
    Instant start = instant(ctx, "start");
    Instant end = instant(ctx, "end");
    if (start != null && end != null && !start.isBefore(end)) {
      throw new BadParameterException("start", ctx.queryParam("start"), "less than end");
    }
    long before = RequestParams.longIn(ctx, "before", 0, 1, Long.MAX_VALUE);
    int limit = (int) RequestParams.longIn(ctx, "limit", DEFAULT_LIMIT, 1, AuditLog.MAX_LIMIT);
    List<AuditEntry> entries =
        audit.search(
            new AuditLog.Filter(
                RequestParams.text(ctx, "actor"),
                RequestParams.text(ctx, "action"),
                RequestParams.text(ctx, "target"),
                start,
                end,
                before == 0 ? null : before,
                limit));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("entries", entries);
    body.put("next", entries.size() == limit ? entries.get(entries.size() - 1).id() : null);
    ctx.json(body);
  }

  private static @Nullable Instant instant(Context ctx, String name) {
    String raw = RequestParams.text(ctx, name);
    if (raw == null) {
      return null;
    }
    try {
      long nanos = Long.parseLong(raw);
      if (nanos >= 0) {
        return Instant.ofEpochSecond(nanos / 1_000_000_000L, nanos % 1_000_000_000L);
      }
    } catch (NumberFormatException ignored) {
      // answered below
    }
    throw new BadParameterException(name, raw, "Unix time in nanoseconds");
  }
}
