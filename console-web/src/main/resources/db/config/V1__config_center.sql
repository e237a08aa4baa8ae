-- Config center: environments -> applications -> entries, numbered immutable releases, gray
-- releases and the instances that report which release they run. Lives in its own schema,
-- vigil_config, versioned by its own history table (vigil_config.vigil_config_schema_history), so it
-- evolves independently of the telemetry schema.

-- Entry versions and change indexes come from sequences so a version or index is never reused,
-- not even after an entry is deleted and created again (no ABA for If-Match).
CREATE SEQUENCE vigil_config.entry_version_seq;
CREATE SEQUENCE vigil_config.change_index_seq;

CREATE TABLE vigil_config.app (
  env             text        NOT NULL,
  app             text        NOT NULL,
  -- Moves on every change to what some instance should run (publish, rollback, gray, promote,
  -- abandon); blocking queries wait on it.
  change_index    bigint      NOT NULL,
  current_release integer,
  gray_release    integer,
  created_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (env, app)
);

-- The working copy (drafts). Publishing snapshots it into vigil_config.release.
CREATE TABLE vigil_config.entry (
  env          text        NOT NULL,
  app          text        NOT NULL,
  key          text        NOT NULL,
  type         text        NOT NULL,
  -- Plain value for non-secret entries; NULL for secrets.
  value        text,
  -- AES-GCM ciphertext (nonce || ciphertext || tag) for secret entries; NULL otherwise.
  value_cipher bytea,
  secret       boolean     NOT NULL,
  comment      text        NOT NULL DEFAULT '',
  version      bigint      NOT NULL,
  updated_at   timestamptz NOT NULL DEFAULT now(),
  updated_by   text        NOT NULL,
  PRIMARY KEY (env, app, key),
  FOREIGN KEY (env, app) REFERENCES vigil_config.app (env, app),
  CHECK ((secret AND value IS NULL AND value_cipher IS NOT NULL)
      OR (NOT secret AND value IS NOT NULL AND value_cipher IS NULL))
);

CREATE TABLE vigil_config.release (
  env          text        NOT NULL,
  app          text        NOT NULL,
  number       integer     NOT NULL,
  -- full: published to every instance; gray: to the selected instances only.
  kind         text        NOT NULL CHECK (kind IN ('full', 'gray')),
  -- published, gray (active), promoted (a gray release now run by all), abandoned.
  status       text        NOT NULL CHECK (status IN ('published', 'gray', 'promoted', 'abandoned')),
  message      text        NOT NULL DEFAULT '',
  author       text        NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  -- The release this one was diffed against (the release instances ran before it).
  previous     integer,
  rollback_of  integer,
  -- {"key": {"type", "value" | "cipher" (base64), "secret", "comment"}}; secrets stay encrypted.
  content      jsonb       NOT NULL,
  -- {"added": [...], "changed": [...], "removed": [...]} against previous.
  diff         jsonb       NOT NULL,
  -- Gray selection: node ids, and labels every one of which an instance must carry.
  gray_instances text[],
  gray_labels    jsonb,
  PRIMARY KEY (env, app, number),
  FOREIGN KEY (env, app) REFERENCES vigil_config.app (env, app)
);

-- Which release each instance fetched and which it reports having applied.
CREATE TABLE vigil_config.instance (
  env             text        NOT NULL,
  app             text        NOT NULL,
  node_id         text        NOT NULL,
  labels          jsonb       NOT NULL DEFAULT '{}',
  served_release  integer,
  served_at       timestamptz,
  applied_release integer,
  applied_at      timestamptz,
  PRIMARY KEY (env, app, node_id)
);
