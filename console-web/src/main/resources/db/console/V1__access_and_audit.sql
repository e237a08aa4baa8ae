-- Access tokens and the audit log of the console's registry and config APIs.
-- Versioned by Flyway in vigil_console_schema_history, independently of the telemetry schema.

-- API tokens. Only the SHA-256 of a token is stored: tokens are 256-bit random strings, so a
-- fast hash is enough and lets a request look its token up by index.
CREATE TABLE token (
    id          bigserial   PRIMARY KEY,
    name        text        NOT NULL UNIQUE,
    token_hash  bytea       NOT NULL UNIQUE,
    scopes      text[]      NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    created_by  text        NOT NULL,
    expires_at  timestamptz,
    revoked_at  timestamptz,
    CHECK (octet_length(token_hash) = 32),
    CHECK (cardinality(scopes) > 0)
);

-- Append-only: rows are inserted, never updated or deleted (enforced below).
CREATE TABLE audit (
    id             bigserial   PRIMARY KEY,
    at             timestamptz NOT NULL DEFAULT clock_timestamp(),
    actor          text        NOT NULL,
    action         text        NOT NULL,
    target         text        NOT NULL,
    details        jsonb       NOT NULL DEFAULT '{}'::jsonb,
    remote_address text,
    forwarded_for  text
);
CREATE INDEX audit_at ON audit (at DESC, id DESC);
CREATE INDEX audit_actor ON audit (actor, id DESC);
CREATE INDEX audit_action ON audit (action, id DESC);
CREATE INDEX audit_target ON audit (target, id DESC);

CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'console.audit is append-only (% refused)', TG_OP;
END;
$$;
CREATE TRIGGER audit_no_update_or_delete
    BEFORE UPDATE OR DELETE ON audit
    FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_no_truncate
    BEFORE TRUNCATE ON audit
    FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
