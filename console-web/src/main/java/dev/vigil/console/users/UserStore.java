package dev.vigil.console.users;

import static java.util.Objects.requireNonNull;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jspecify.annotations.Nullable;

/**
 * The {@code console_users} tables: users with their password hashes and roles, and sessions stored
 * by the SHA-256 of their id.
 *
 * <p>Thread-safe.
 */
final class UserStore {
  static final String SCHEMA = "console_users";

  private final Jdbi jdbi;
  private final Clock clock;

  UserStore(Jdbi jdbi, Clock clock) {
    this.jdbi = requireNonNull(jdbi, "jdbi");
    this.clock = requireNonNull(clock, "clock");
  }

  record User(
      long id,
      String name,
      String passwordHash,
      Role role,
      Instant createdAt,
      String createdBy,
      boolean disabled) {}

  record Session(String userName, Role role, String csrfToken, Instant expiresAt) {}

  Optional<User> user(String name) {
    return jdbi.withHandle(
        h ->
            h.createQuery("SELECT * FROM console_users.app_user WHERE name = :name")
                .bind("name", name)
                .map((rs, c) -> user(rs))
                .findOne());
  }

  List<User> users() {
    return jdbi.withHandle(
        h ->
            h.createQuery("SELECT * FROM console_users.app_user ORDER BY name")
                .map((rs, c) -> user(rs))
                .list());
  }

  /** Creates a user; false when the name is taken. */
  boolean create(String name, String passwordHash, Role role, String createdBy) {
    return jdbi.withHandle(
            h ->
                h.createUpdate(
                        "INSERT INTO console_users.app_user (name, password_hash, role, created_by)"
                            + " VALUES (:name, :hash, :role, :by) ON CONFLICT (name) DO NOTHING")
                    .bind("name", name)
                    .bind("hash", passwordHash)
                    .bind("role", role.wireName())
                    .bind("by", createdBy)
                    .execute())
        > 0;
  }

  boolean isEmpty() {
    return jdbi.withHandle(
        h ->
            h.createQuery("SELECT NOT EXISTS (SELECT 1 FROM console_users.app_user)")
                .mapTo(Boolean.class)
                .one());
  }

  /**
   * Changes what is given; ends the user's sessions when the password, role or disabled flag
   * changes. False when there is no such user.
   */
  boolean update(
      String name, @Nullable String passwordHash, @Nullable Role role, @Nullable Boolean disabled) {
    return jdbi.inTransaction(
        h -> {
          int n =
              h.createUpdate(
                      "UPDATE console_users.app_user SET"
                          + " password_hash = coalesce(:hash, password_hash),"
                          + " role = coalesce(:role, role),"
                          + " disabled = coalesce(:disabled, disabled)"
                          + " WHERE name = :name")
                  .bind("hash", passwordHash)
                  .bind("role", role == null ? null : role.wireName())
                  .bind("disabled", disabled)
                  .bind("name", name)
                  .execute();
          if (n > 0) {
            h.createUpdate(
                    "DELETE FROM console_users.user_session WHERE user_id ="
                        + " (SELECT id FROM console_users.app_user WHERE name = :name)")
                .bind("name", name)
                .execute();
          }
          return n > 0;
        });
  }

  boolean delete(String name) {
    return jdbi.withHandle(
            h ->
                h.createUpdate("DELETE FROM console_users.app_user WHERE name = :name")
                    .bind("name", name)
                    .execute())
        > 0;
  }

  void createSession(byte[] idHash, long userId, String csrfToken, Duration ttl) {
    Instant now = clock.instant();
    jdbi.useHandle(
        h -> {
          h.createUpdate("DELETE FROM console_users.user_session WHERE expires_at <= :now")
              .bind("now", Timestamp.from(now))
              .execute();
          h.createUpdate(
                  "INSERT INTO console_users.user_session (id_hash, user_id, csrf_token, expires_at)"
                      + " VALUES (:id, :user, :csrf, :expires)")
              .bind("id", idHash)
              .bind("user", userId)
              .bind("csrf", csrfToken)
              .bind("expires", Timestamp.from(now.plus(ttl)))
              .execute();
        });
  }

  /** The live session with this id hash of an enabled user. */
  Optional<Session> session(byte[] idHash) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT u.name, u.role, s.csrf_token, s.expires_at"
                        + " FROM console_users.user_session s"
                        + " JOIN console_users.app_user u ON u.id = s.user_id"
                        + " WHERE s.id_hash = :id AND s.expires_at > :now AND NOT u.disabled")
                .bind("id", idHash)
                .bind("now", Timestamp.from(clock.instant()))
                .map(
                    (rs, c) ->
                        new Session(
                            rs.getString("name"),
                            requireNonNull(Role.parse(rs.getString("role"))),
                            rs.getString("csrf_token"),
                            rs.getTimestamp("expires_at").toInstant()))
                .findOne());
  }

  void deleteSession(byte[] idHash) {
    jdbi.useHandle(
        h ->
            h.createUpdate("DELETE FROM console_users.user_session WHERE id_hash = :id")
                .bind("id", idHash)
                .execute());
  }

  private static User user(java.sql.ResultSet rs) throws java.sql.SQLException {
    return new User(
        rs.getLong("id"),
        rs.getString("name"),
        rs.getString("password_hash"),
        requireNonNull(Role.parse(rs.getString("role"))),
        rs.getTimestamp("created_at").toInstant(),
        rs.getString("created_by"),
        rs.getBoolean("disabled"));
  }
}
