-- The service registry. Every change takes the next value of registry_index.value, holding that
-- row's lock until commit, so indexes are committed in order: a watcher that saw index N can
-- never later miss a change numbered N or below. Plain heartbeats only touch last_heartbeat and
-- take no index.

CREATE TABLE registry_index (
    id    boolean PRIMARY KEY DEFAULT true CHECK (id),
    value bigint  NOT NULL
);
-- Starts at 1 so that 1 can stand for "nothing registered yet" and 0 for "do not block".
INSERT INTO registry_index (id, value) VALUES (true, 1);

CREATE TABLE registry_service (
    name              text             PRIMARY KEY,
    protect_threshold double precision NOT NULL DEFAULT 0
                      CHECK (protect_threshold >= 0 AND protect_threshold <= 1),
    modify_index      bigint           NOT NULL,
    created_at        timestamptz      NOT NULL DEFAULT now()
);

-- fillfactor leaves room on each page so heartbeats (which change no indexed column) stay HOT
-- updates.
CREATE TABLE registry_node (
    service        text        NOT NULL REFERENCES registry_service (name),
    node_id        text        NOT NULL,
    version        text        NOT NULL,
    address        text        NOT NULL,
    metadata       jsonb       NOT NULL,
    endpoints      jsonb       NOT NULL,
    ttl_seconds    integer     NOT NULL CHECK (ttl_seconds > 0),
    weight         integer     NOT NULL CHECK (weight > 0),
    enabled        boolean     NOT NULL DEFAULT true,
    healthy        boolean     NOT NULL DEFAULT true,
    registered_at  timestamptz NOT NULL DEFAULT now(),
    last_heartbeat timestamptz NOT NULL,
    modify_index   bigint      NOT NULL,
    PRIMARY KEY (service, node_id)
) WITH (fillfactor = 70);
