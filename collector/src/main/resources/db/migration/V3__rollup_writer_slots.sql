-- Rollup rows get a writer slot in their key. Each writer thread of a collector adds to the rows of
-- its own slot, so concurrent group commits never wait on each other's row locks (held until
-- commit, and so through the commit's WAL flush) and their commits can share one flush. Readers
-- already sum the rows of a key; there are at most as many rows per key and minute as writer
-- threads.
ALTER TABLE operation_minutes ADD COLUMN slot smallint NOT NULL DEFAULT 0;
ALTER TABLE operation_minutes DROP CONSTRAINT operation_minutes_pkey;
ALTER TABLE operation_minutes ADD PRIMARY KEY (service, operation, minute_ns, slot);

ALTER TABLE dependency_minutes ADD COLUMN slot smallint NOT NULL DEFAULT 0;
ALTER TABLE dependency_minutes DROP CONSTRAINT dependency_minutes_pkey;
ALTER TABLE dependency_minutes ADD PRIMARY KEY (caller, callee, minute_ns, slot);
