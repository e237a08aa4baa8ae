-- Console users (people signing in to the web console) and their sessions.
-- Versioned by Flyway in vigil_console_users_schema_history, independently of the other console
-- tables and of the telemetry schema.

CREATE TABLE app_user (
    id             bigserial   PRIMARY KEY,
    name           text        NOT NULL UNIQUE,
    -- pbkdf2-sha256$<iterations>$<salt base64>$<hash base64>
    password_hash  text        NOT NULL,
    role           text        NOT NULL CHECK (role IN ('viewer', 'editor', 'publisher', 'admin')),
    created_at     timestamptz NOT NULL DEFAULT now(),
    created_by     text        NOT NULL,
    disabled       boolean     NOT NULL DEFAULT false
);

-- Only the SHA-256 of a session id is stored: a leaked table does not hand out sessions.
CREATE TABLE user_session (
    id_hash     bytea       PRIMARY KEY CHECK (octet_length(id_hash) = 32),
    user_id     bigint      NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    csrf_token  text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL
);
CREATE INDEX user_session_by_user ON user_session (user_id);
CREATE INDEX user_session_by_expiry ON user_session (expires_at);
