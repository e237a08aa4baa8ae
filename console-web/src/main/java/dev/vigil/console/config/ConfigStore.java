package dev.vigil.console.config;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.console.api.ApiException;
import dev.vigil.console.config.ConfigModel.AppKey;
import dev.vigil.console.config.ConfigModel.AppState;
import dev.vigil.console.config.ConfigModel.Diff;
import dev.vigil.console.config.ConfigModel.Entry;
import dev.vigil.console.config.ConfigModel.Instance;
import dev.vigil.console.config.ConfigModel.Item;
import dev.vigil.console.config.ConfigModel.Release;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.SqlStatement;
import org.jspecify.annotations.Nullable;

/**
 * The config center's PostgreSQL tables (schema {@code vigil_config}): draft entries with
 * optimistic versions, immutable numbered releases, gray releases and instance reports. Every
 * change to what instances should run moves the app's change index and sends {@code NOTIFY
 * vigil_config} in the same transaction, so every console replica's {@link ConfigChangeFeed} learns
 * of it after commit.
 *
 * <p>Thread-safe: stateless over a thread-safe {@link Jdbi}. Publishing serialises per app by
 * locking the app's row.
 */
final class ConfigStore {
  static final String CHANNEL = "vigil_config";
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final TypeReference<Map<String, Item>> CONTENT = new TypeReference<>() {};
  private static final TypeReference<Map<String, String>> LABELS = new TypeReference<>() {};
  private static final String ENTRY_COLUMNS =
      "key, type, value, value_cipher, secret, comment, version, updated_at, updated_by";
  private static final String RELEASE_COLUMNS =
      "number, kind, status, message, author, created_at, previous, rollback_of, content::text AS"
          + " content, diff::text AS diff, gray_instances, gray_labels::text AS gray_labels";

  private final Jdbi jdbi;
  private final Committed committed;

  /** Hears a change this store committed. */
  interface Committed {
    /**
     * {@code app} moved to {@code state}; {@code release} is the release the change created, or
     * null when it created none.
     */
    void changed(AppKey app, AppState state, @Nullable Release release);
  }

  /**
   * {@code committed} hears every app whose change index a transaction of this store moved, with
   * the app's new state and the release it created, on the committing thread right after the
   * commit: so the replica that made a change wakes its own waiters without waiting for its {@code
   * NOTIFY} to come back, and has the new release's content without reading it back.
   */
  ConfigStore(Jdbi jdbi, Committed committed) {
    this.jdbi = requireNonNull(jdbi, "jdbi");
    this.committed = requireNonNull(committed, "committed");
  }

  /** Records the audit entry of a change in the change's own transaction. */
  @FunctionalInterface
  interface AuditStep<T> {
    void record(Handle handle, T result);
  }

  /** Fields of an entry being written; exactly one of {@code value} and {@code cipher} is set. */
  record Write(
      ConfigType type,
      @Nullable String value,
      byte @Nullable [] cipher,
      boolean secret,
      String comment) {}

  List<Entry> entries(AppKey app) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT "
                        + ENTRY_COLUMNS
                        + " FROM vigil_config.entry"
                        + " WHERE env = :env AND app = :app ORDER BY key")
                .bind("env", app.env())
                .bind("app", app.app())
                .map((rs, ctx) -> entry(rs))
                .list());
  }

  Optional<Entry> entry(AppKey app, String key) {
    return jdbi.withHandle(h -> entry(h, app, key, false));
  }

  /** Creates {@code key}; 409 if it exists. */
  Entry create(AppKey app, String key, Write w, String by, AuditStep<Entry> audit) {
    return jdbi.inTransaction(
        h -> {
          ensureApp(h, app);
          Optional<Entry> created =
              bindWrite(
                      h.createQuery(
                          "INSERT INTO vigil_config.entry (env, app, key, type, value, value_cipher,"
                              + " secret, comment, version, updated_by) VALUES (:env, :app, :key,"
                              + " :type, :value, :cipher, :secret, :comment,"
                              + " nextval('vigil_config.entry_version_seq'), :by) ON CONFLICT DO"
                              + " NOTHING RETURNING "
                              + ENTRY_COLUMNS),
                      app,
                      key,
                      w,
                      by)
                  .map((rs, ctx) -> entry(rs))
                  .findOne();
          if (created.isPresent()) {
            audit.record(h, created.get());
            return created.get();
          }
          long version = entry(h, app, key, false).map(Entry::version).orElse(0L);
          throw new ApiException(
              409,
              "entry "
                  + key
                  + " already exists at version "
                  + version
                  + "; send If-Match: \""
                  + version
                  + "\" to change it");
        });
  }

  /** Replaces {@code key} if it is still at {@code expected}; 412 if missing, 409 if stale. */
  Entry update(AppKey app, String key, long expected, Write w, String by, AuditStep<Entry> audit) {
    return jdbi.inTransaction(
        h -> {
          Optional<Entry> updated =
              bindWrite(
                      h.createQuery(
                          "UPDATE vigil_config.entry SET type = :type, value = :value, value_cipher ="
                              + " :cipher, secret = :secret, comment = :comment, version ="
                              + " nextval('vigil_config.entry_version_seq'), updated_at = now(),"
                              + " updated_by = :by WHERE env = :env AND app = :app AND key = :key AND"
                              + " version = :expected RETURNING "
                              + ENTRY_COLUMNS),
                      app,
                      key,
                      w,
                      by)
                  .bind("expected", expected)
                  .map((rs, ctx) -> entry(rs))
                  .findOne();
          Entry saved = updated.orElseThrow(() -> mismatch(h, app, key, expected));
          audit.record(h, saved);
          return saved;
        });
  }

  /** Deletes {@code key} if it is still at {@code expected}; 412 if missing, 409 if stale. */
  Entry delete(AppKey app, String key, long expected, AuditStep<Entry> audit) {
    return jdbi.inTransaction(
        h -> {
          Entry deleted =
              h.createQuery(
                      "DELETE FROM vigil_config.entry WHERE env = :env AND app = :app AND key = :key"
                          + " AND version = :expected RETURNING "
                          + ENTRY_COLUMNS)
                  .bind("env", app.env())
                  .bind("app", app.app())
                  .bind("key", key)
                  .bind("expected", expected)
                  .map((rs, ctx) -> entry(rs))
                  .findOne()
                  .orElseThrow(() -> mismatch(h, app, key, expected));
          audit.record(h, deleted);
          return deleted;
        });
  }

  /**
   * Writes many entries at once without version checks (import). With {@code replace}, drafts not
   * in {@code writes} are deleted. Returns the number of entries written.
   */
  int importEntries(
      AppKey app, Map<String, Write> writes, boolean replace, String by, AuditStep<Integer> audit) {
    return jdbi.inTransaction(
        h -> {
          ensureApp(h, app);
          if (replace) {
            h.createUpdate("DELETE FROM vigil_config.entry WHERE env = :env AND app = :app")
                .bind("env", app.env())
                .bind("app", app.app())
                .execute();
          }
          for (Map.Entry<String, Write> e : writes.entrySet()) {
            upsert(h, app, e.getKey(), e.getValue(), by);
          }
          audit.record(h, writes.size());
          return writes.size();
        });
  }

  AppState state(AppKey app) {
    return jdbi.withHandle(h -> state(h, app, false));
  }

  Optional<Release> release(AppKey app, int number) {
    return jdbi.withHandle(h -> release(h, app, number));
  }

  /** Releases newest first, numbered below {@code before} when given. */
  List<Release> releases(AppKey app, @Nullable Integer before, int limit) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT "
                        + RELEASE_COLUMNS
                        + " FROM vigil_config.release WHERE env = :env AND"
                        + " app = :app AND number < :before ORDER BY number DESC LIMIT :limit")
                .bind("env", app.env())
                .bind("app", app.app())
                .bind("before", before == null ? Integer.MAX_VALUE : before)
                .bind("limit", limit)
                .map((rs, ctx) -> release(rs))
                .list());
  }

  /**
   * Publishes the drafts: to every instance ({@code gray == null}), or to the instances the gray
   * selection names. 409 if a gray release is active or nothing changed.
   */
  Release publish(
      AppKey app,
      String message,
      String author,
      @Nullable List<String> grayInstances,
      @Nullable Map<String, String> grayLabels,
      AuditStep<Release> audit) {
    return jdbi.inTransaction(
        h -> {
          AppState state = createdAndLocked(h, app);
          if (state.gray() != null) {
            throw new ApiException(
                409,
                "gray release "
                    + state.gray()
                    + " is active; promote or abandon it before publishing again");
          }
          Map<String, Item> content = new TreeMap<>();
          for (Entry e : entries(h, app)) {
            // Checked again here: a value saved under an older rule cannot reach instances.
            if (!e.secret()) {
              e.type().validate(e.key(), requireNonNull(e.value()));
            }
            content.put(e.key(), e.item());
          }
          Map<String, Item> before = content(h, app, state.current());
          Diff diff = Diff.between(before, content);
          if (diff.isEmpty()) {
            throw new ApiException(
                409,
                "nothing to publish: the drafts equal "
                    + (state.current() == null
                        ? "the empty config"
                        : "release " + state.current()));
          }
          boolean gray = grayInstances != null;
          Release release =
              insertRelease(
                  h,
                  app,
                  gray ? "gray" : "full",
                  gray ? "gray" : "published",
                  message,
                  author,
                  state.current(),
                  null,
                  content,
                  diff,
                  grayInstances,
                  grayLabels);
          if (gray) {
            moveIndex(h, app, "gray_release = :n", release.number(), release);
          } else {
            moveIndex(h, app, "current_release = :n", release.number(), release);
          }
          audit.record(h, release);
          return release;
        });
  }

  /** Publishes release {@code number}'s content as a new release and resets the drafts to it. */
  Release rollback(
      AppKey app, int number, String message, String author, AuditStep<Release> audit) {
    return jdbi.inTransaction(
        h -> {
          AppState state = state(h, app, true);
          Release target =
              release(h, app, number)
                  .orElseThrow(
                      () ->
                          new ApiException(404, "release " + number + " of " + app + " not found"));
          if (state.gray() != null) {
            throw new ApiException(
                409, "gray release " + state.gray() + " is active; promote or abandon it first");
          }
          if (target.kind().equals("gray") && !target.status().equals("promoted")) {
            throw new ApiException(
                409, "release " + number + " is a gray release that never ran everywhere");
          }
          if (state.current() != null && state.current() == number) {
            throw new ApiException(409, "release " + number + " is already the current release");
          }
          Map<String, Item> before = content(h, app, state.current());
          Diff diff = Diff.between(before, target.content());
          Release release =
              insertRelease(
                  h,
                  app,
                  "full",
                  "published",
                  message,
                  author,
                  state.current(),
                  number,
                  target.content(),
                  diff,
                  null,
                  null);
          h.createUpdate("DELETE FROM vigil_config.entry WHERE env = :env AND app = :app")
              .bind("env", app.env())
              .bind("app", app.app())
              .execute();
          for (Map.Entry<String, Item> e : target.content().entrySet()) {
            Item item = e.getValue();
            ConfigType type = requireNonNull(ConfigType.parse(item.type()), item.type());
            upsert(
                h,
                app,
                e.getKey(),
                new Write(type, item.value(), item.cipherBytes(), item.secret(), item.comment()),
                author);
          }
          moveIndex(h, app, "current_release = :n", release.number(), release);
          audit.record(h, release);
          return release;
        });
  }

  /** Makes the active gray release the release every instance runs. */
  Release promote(AppKey app, AuditStep<Release> audit) {
    return endGray(app, true, audit);
  }

  /** Ends the active gray release; its instances return to the current release. */
  Release abandon(AppKey app, AuditStep<Release> audit) {
    return endGray(app, false, audit);
  }

  private Release endGray(AppKey app, boolean promote, AuditStep<Release> audit) {
    return jdbi.inTransaction(
        h -> {
          AppState state = state(h, app, true);
          Integer gray = state.gray();
          if (gray == null) {
            throw new ApiException(409, "no gray release is active for " + app);
          }
          h.createUpdate(
                  "UPDATE vigil_config.release SET status = :status WHERE env = :env AND app ="
                      + " :app AND number = :n")
              .bind("status", promote ? "promoted" : "abandoned")
              .bind("env", app.env())
              .bind("app", app.app())
              .bind("n", gray)
              .execute();
          moveIndex(
              h,
              app,
              promote ? "current_release = :n, gray_release = NULL" : "gray_release = NULL",
              gray,
              null);
          Release release = release(h, app, gray).orElseThrow();
          audit.record(h, release);
          return release;
        });
  }

  /** Records that an instance fetched ({@code applied == false}) or applied a release. */
  void recordInstance(
      AppKey app, String nodeId, Map<String, String> labels, int release, boolean applied) {
    String column = applied ? "applied" : "served";
    jdbi.useHandle(
        h ->
            h.createUpdate(
                    "INSERT INTO vigil_config.instance (env, app, node_id, labels, "
                        + column
                        + "_release, "
                        + column
                        + "_at) VALUES (:env, :app, :node,"
                        + " CAST(:labels AS jsonb), :release, now()) ON CONFLICT (env, app,"
                        + " node_id) DO UPDATE SET labels = CASE WHEN :hasLabels THEN"
                        + " EXCLUDED.labels ELSE vigil_config.instance.labels END, "
                        + column
                        + "_release = EXCLUDED."
                        + column
                        + "_release, "
                        + column
                        + "_at = now()")
                .bind("env", app.env())
                .bind("app", app.app())
                .bind("node", nodeId)
                .bind("labels", json(labels))
                .bind("hasLabels", !labels.isEmpty())
                .bind("release", release)
                .execute());
  }

  /** That an instance was served a release; see {@link #recordServed}. */
  record Served(AppKey app, String nodeId, Map<String, String> labels, int release) {}

  /** Records many served releases in one statement; labels are kept when none are given. */
  void recordServed(List<Served> served) {
    if (served.isEmpty()) {
      return;
    }
    int n = served.size();
    String[] envs = new String[n];
    String[] apps = new String[n];
    String[] nodes = new String[n];
    String[] labels = new String[n];
    Integer[] releases = new Integer[n];
    for (int i = 0; i < n; i++) {
      Served s = served.get(i);
      envs[i] = s.app().env();
      apps[i] = s.app().app();
      nodes[i] = s.nodeId();
      labels[i] = json(s.labels());
      releases[i] = s.release();
    }
    jdbi.useHandle(
        h ->
            h.createUpdate(
                    "INSERT INTO vigil_config.instance (env, app, node_id, labels, served_release,"
                        + " served_at) SELECT t.env, t.app, t.node, t.labels::jsonb, t.rel, now()"
                        + " FROM unnest(:envs, :apps, :nodes, :labels, :releases) AS t(env, app,"
                        + " node, labels, rel) ON CONFLICT (env, app, node_id) DO UPDATE SET"
                        + " labels = CASE WHEN EXCLUDED.labels <> '{}'::jsonb THEN EXCLUDED.labels"
                        + " ELSE vigil_config.instance.labels END, served_release ="
                        + " EXCLUDED.served_release, served_at = EXCLUDED.served_at")
                .bind("envs", envs)
                .bind("apps", apps)
                .bind("nodes", nodes)
                .bind("labels", labels)
                .bind("releases", releases)
                .execute());
  }

  /** Labels an instance last reported; empty when unknown. */
  Map<String, String> labelsOf(AppKey app, String nodeId) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT labels::text FROM vigil_config.instance WHERE env = :env AND app = :app"
                        + " AND node_id = :node")
                .bind("env", app.env())
                .bind("app", app.app())
                .bind("node", nodeId)
                .mapTo(String.class)
                .findOne()
                .map(s -> parse(s, LABELS))
                .orElse(Map.of()));
  }

  List<Instance> instances(AppKey app) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT node_id, labels::text AS labels, served_release, served_at,"
                        + " applied_release, applied_at FROM vigil_config.instance WHERE env ="
                        + " :env AND app = :app ORDER BY node_id")
                .bind("env", app.env())
                .bind("app", app.app())
                .map(
                    (rs, ctx) ->
                        new Instance(
                            rs.getString("node_id"),
                            parse(rs.getString("labels"), LABELS),
                            (Integer) rs.getObject("served_release"),
                            instant(rs.getTimestamp("served_at")),
                            (Integer) rs.getObject("applied_release"),
                            instant(rs.getTimestamp("applied_at"))))
                .list());
  }

  /** Every app's change index, for a replica catching up after (re)connecting. */
  Map<AppKey, Long> indexes(Handle h) {
    Map<AppKey, Long> out = new LinkedHashMap<>();
    h.createQuery("SELECT env, app, change_index FROM vigil_config.app")
        .map((rs, ctx) -> Map.entry(new AppKey(rs.getString(1), rs.getString(2)), rs.getLong(3)))
        .forEach(e -> out.put(e.getKey(), e.getValue()));
    return out;
  }

  // ---------------------------------------------------------------------------------------------

  private static void ensureApp(Handle h, AppKey app) {
    h.createUpdate(
            "INSERT INTO vigil_config.app (env, app, change_index) VALUES (:env, :app, 0) ON"
                + " CONFLICT DO NOTHING")
        .bind("env", app.env())
        .bind("app", app.app())
        .execute();
  }

  /**
   * The app's state, its row locked, created first if missing: one round trip when the app exists,
   * as it does for every publish but an app's first.
   */
  private static AppState createdAndLocked(Handle h, AppKey app) {
    Optional<AppState> state = lockedState(h, app);
    if (state.isPresent()) {
      return state.get();
    }
    ensureApp(h, app);
    return state(h, app, true);
  }

  private static AppState state(Handle h, AppKey app, boolean lock) {
    if (lock) {
      return lockedState(h, app).orElseThrow(() -> new ApiException(404, "no config for " + app));
    }
    return appState(h, app, "").orElse(AppState.EMPTY);
  }

  private static Optional<AppState> lockedState(Handle h, AppKey app) {
    return appState(h, app, " FOR UPDATE");
  }

  private static Optional<AppState> appState(Handle h, AppKey app, String lock) {
    return h.createQuery(
            "SELECT change_index, current_release, gray_release FROM vigil_config.app WHERE env ="
                + " :env AND app = :app"
                + lock)
        .bind("env", app.env())
        .bind("app", app.app())
        .map(
            (rs, ctx) ->
                new AppState(rs.getLong(1), (Integer) rs.getObject(2), (Integer) rs.getObject(3)))
        .findOne();
  }

  /**
   * Moves the app's change index, queues the {@code NOTIFY} that every listening replica hears when
   * the transaction commits, in one statement, and tells {@link #committed} after the commit.
   */
  private void moveIndex(Handle h, AppKey app, String set, int number, @Nullable Release created) {
    AppState state =
        h.createQuery(
                "WITH moved AS (UPDATE vigil_config.app SET "
                    + set
                    + ", change_index = nextval('vigil_config.change_index_seq') WHERE env = :env"
                    + " AND app = :app RETURNING change_index, current_release, gray_release)"
                    + " SELECT change_index, current_release, gray_release,"
                    + " pg_notify(:channel, :payloadPrefix || change_index) FROM moved")
            .bind("env", app.env())
            .bind("app", app.app())
            .bind("n", number)
            .bind("channel", CHANNEL)
            .bind("payloadPrefix", ConfigChangeFeed.payloadPrefix(app))
            .map(
                (rs, ctx) ->
                    new AppState(
                        rs.getLong(1), (Integer) rs.getObject(2), (Integer) rs.getObject(3)))
            .one();
    h.afterCommit(() -> committed.changed(app, state, created));
  }

  /** Inserts the app's next release (its row is locked, so numbers never collide). */
  private static Release insertRelease(
      Handle h,
      AppKey app,
      String kind,
      String status,
      String message,
      String author,
      @Nullable Integer previous,
      @Nullable Integer rollbackOf,
      Map<String, Item> content,
      Diff diff,
      @Nullable List<String> grayInstances,
      @Nullable Map<String, String> grayLabels) {
    return h.createQuery(
            "INSERT INTO vigil_config.release (env, app, number, kind, status, message, author,"
                + " previous, rollback_of, content, diff, gray_instances, gray_labels) SELECT"
                + " :env, :app, COALESCE(MAX(number), 0) + 1, :kind, :status, :message, :author,"
                + " :previous, :rollbackOf, CAST(:content AS jsonb), CAST(:diff AS jsonb),"
                + " :grayInstances, CAST(:grayLabels AS jsonb) FROM vigil_config.release"
                + " WHERE env = :env AND app = :app RETURNING "
                + RELEASE_COLUMNS)
        .bind("env", app.env())
        .bind("app", app.app())
        .bind("kind", kind)
        .bind("status", status)
        .bind("message", message)
        .bind("author", author)
        .bind("previous", previous)
        .bind("rollbackOf", rollbackOf)
        .bind("content", json(content))
        .bind("diff", json(diff))
        .bind("grayInstances", grayInstances == null ? null : grayInstances.toArray(new String[0]))
        .bind("grayLabels", grayLabels == null ? null : json(grayLabels))
        .map((rs, ctx) -> release(rs))
        .one();
  }

  /** Binds the columns every entry write sets: its identity, the written value and the author. */
  private static <S extends SqlStatement<S>> S bindWrite(
      S statement, AppKey app, String key, Write w, String by) {
    return statement
        .bind("env", app.env())
        .bind("app", app.app())
        .bind("key", key)
        .bind("type", w.type().wireName())
        .bind("value", w.value())
        .bind("cipher", w.cipher())
        .bind("secret", w.secret())
        .bind("comment", w.comment())
        .bind("by", by);
  }

  private static void upsert(Handle h, AppKey app, String key, Write w, String by) {
    bindWrite(
            h.createUpdate(
                "INSERT INTO vigil_config.entry (env, app, key, type, value, value_cipher, secret,"
                    + " comment, version, updated_by) VALUES (:env, :app, :key, :type, :value,"
                    + " :cipher, :secret, :comment, nextval('vigil_config.entry_version_seq'), :by)"
                    + " ON CONFLICT (env, app, key) DO UPDATE SET type = EXCLUDED.type, value ="
                    + " EXCLUDED.value, value_cipher = EXCLUDED.value_cipher, secret ="
                    + " EXCLUDED.secret, comment = EXCLUDED.comment, version = EXCLUDED.version,"
                    + " updated_at = now(), updated_by = EXCLUDED.updated_by"),
            app,
            key,
            w,
            by)
        .execute();
  }

  private static List<Entry> entries(Handle h, AppKey app) {
    return h.createQuery(
            "SELECT "
                + ENTRY_COLUMNS
                + " FROM vigil_config.entry WHERE env = :env AND app = :app"
                + " ORDER BY key")
        .bind("env", app.env())
        .bind("app", app.app())
        .map((rs, ctx) -> entry(rs))
        .list();
  }

  private static Optional<Entry> entry(Handle h, AppKey app, String key, boolean lock) {
    return h.createQuery(
            "SELECT "
                + ENTRY_COLUMNS
                + " FROM vigil_config.entry WHERE env = :env AND app = :app"
                + " AND key = :key"
                + (lock ? " FOR UPDATE" : ""))
        .bind("env", app.env())
        .bind("app", app.app())
        .bind("key", key)
        .map((rs, ctx) -> entry(rs))
        .findOne();
  }

  private static ApiException mismatch(Handle h, AppKey app, String key, long expected) {
    Optional<Entry> current = entry(h, app, key, false);
    if (current.isEmpty()) {
      return new ApiException(
          412, "entry " + key + " does not exist (If-Match: \"" + expected + "\" cannot match)");
    }
    return new ApiException(
        409,
        "entry "
            + key
            + " changed: it is at version "
            + current.get().version()
            + ", not "
            + expected
            + "; read it again and reapply your change");
  }

  private static Map<String, Item> content(Handle h, AppKey app, @Nullable Integer number) {
    if (number == null) {
      return Map.of();
    }
    return release(h, app, number).map(Release::content).orElse(Map.of());
  }

  private static Optional<Release> release(Handle h, AppKey app, int number) {
    return h.createQuery(
            "SELECT "
                + RELEASE_COLUMNS
                + " FROM vigil_config.release WHERE env = :env AND app ="
                + " :app AND number = :number")
        .bind("env", app.env())
        .bind("app", app.app())
        .bind("number", number)
        .map((rs, ctx) -> release(rs))
        .findOne();
  }

  private static Entry entry(ResultSet rs) throws SQLException {
    String type = rs.getString("type");
    return new Entry(
        rs.getString("key"),
        requireNonNull(ConfigType.parse(type), type),
        rs.getString("value"),
        rs.getBytes("value_cipher"),
        rs.getBoolean("secret"),
        rs.getString("comment"),
        rs.getLong("version"),
        rs.getTimestamp("updated_at").toInstant(),
        rs.getString("updated_by"));
  }

  private static Release release(ResultSet rs) throws SQLException {
    Array gray = rs.getArray("gray_instances");
    String labels = rs.getString("gray_labels");
    return new Release(
        rs.getInt("number"),
        rs.getString("kind"),
        rs.getString("status"),
        rs.getString("message"),
        rs.getString("author"),
        rs.getTimestamp("created_at").toInstant(),
        (Integer) rs.getObject("previous"),
        (Integer) rs.getObject("rollback_of"),
        new TreeMap<>(parse(rs.getString("content"), CONTENT)),
        parse(rs.getString("diff"), new TypeReference<Diff>() {}),
        gray == null ? List.of() : List.copyOf(Arrays.asList((String[]) gray.getArray())),
        labels == null ? Map.of() : parse(labels, LABELS));
  }

  private static @Nullable Instant instant(@Nullable Timestamp ts) {
    return ts == null ? null : ts.toInstant();
  }

  static String json(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static <T> T parse(String json, TypeReference<T> type) {
    try {
      return MAPPER.readValue(json, type);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("corrupt stored JSON", e);
    }
  }
}
