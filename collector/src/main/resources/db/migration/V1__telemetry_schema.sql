-- Vigil telemetry schema.
--
-- Conventions:
--  * Times are epoch nanoseconds (bigint, UTC). Every signal table is range-partitioned by its time
--    column into UTC-day partitions named <table>_YYYYMMDD, created ahead of time and on demand by
--    vigil_ensure_partition and dropped whole by vigil_drop_partitions_before (retention).
--  * Trace ids are 16-byte and span ids 8-byte bytea (half the size of hex text); the query side
--    converts with decode(hex, 'hex') / encode(id, 'hex').
--  * Resources are stored once in `resources` (keyed by a 64-bit hash of their attributes) and
--    referenced by id, because every span of a process repeats the same resource.
--  * Columns are ordered fixed-width first to avoid alignment padding.

CREATE FUNCTION vigil_day_start_ns(day date) RETURNS bigint
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT (day - DATE '1970-01-01')::bigint * 86400000000000 $$;

-- Creates the partition of `parent` holding `day` unless it exists. Safe to call concurrently from
-- several collectors: creation is serialised by an advisory lock held to the end of the transaction.
CREATE FUNCTION vigil_ensure_partition(parent text, day date) RETURNS boolean
  LANGUAGE plpgsql AS $$
DECLARE
  child text := parent || '_' || to_char(day, 'YYYYMMDD');
BEGIN
  IF to_regclass(child) IS NOT NULL THEN
    RETURN false;
  END IF;
  PERFORM pg_advisory_xact_lock(hashtext('vigil_partitions'));
  IF to_regclass(child) IS NOT NULL THEN
    RETURN false;
  END IF;
  EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%s) TO (%s)',
                 child, parent, vigil_day_start_ns(day), vigil_day_start_ns(day + 1));
  RETURN true;
END $$;

-- Drops every day partition of `parent` older than `cutoff` (retention). Returns how many.
CREATE FUNCTION vigil_drop_partitions_before(parent text, cutoff date) RETURNS integer
  LANGUAGE plpgsql AS $$
DECLARE
  r record;
  dropped integer := 0;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('vigil_partitions'));
  FOR r IN
    SELECT c.relname
      FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent = parent::regclass
  LOOP
    IF r.relname ~ '_[0-9]{8}$' AND to_date(right(r.relname, 8), 'YYYYMMDD') < cutoff THEN
      EXECUTE format('DROP TABLE %I', r.relname);
      dropped := dropped + 1;
    END IF;
  END LOOP;
  RETURN dropped;
END $$;

-- Element-wise sum of two histogram bucket arrays; either may be NULL or shorter.
CREATE FUNCTION vigil_add_buckets(a bigint[], b bigint[]) RETURNS bigint[]
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT array_agg(coalesce(x, 0) + coalesce(y, 0) ORDER BY i)
          FROM unnest(a, b) WITH ORDINALITY AS t(x, y, i) $$;

-- Aggregate form for the query side: SELECT vigil_sum_buckets(buckets) ... GROUP BY ...
CREATE AGGREGATE vigil_sum_buckets(bigint[]) (SFUNC = vigil_add_buckets, STYPE = bigint[]);

CREATE TABLE resources (
  resource_id   bigint PRIMARY KEY,
  first_seen_ns bigint NOT NULL,
  service       text   NOT NULL,
  attributes    jsonb  NOT NULL
);

CREATE TABLE spans (
  start_ns       bigint   NOT NULL,
  duration_ns    bigint   NOT NULL,
  resource_id    bigint   NOT NULL,
  kind           smallint NOT NULL, -- OTLP SpanKind: 0 unspecified, 1 internal, 2 server, 3 client, 4 producer, 5 consumer
  status_code    smallint NOT NULL, -- OTLP StatusCode: 0 unset, 1 ok, 2 error
  trace_id       bytea    NOT NULL,
  span_id        bytea    NOT NULL,
  parent_span_id bytea,             -- NULL for root spans
  service        text     NOT NULL,
  name           text     NOT NULL,
  status_message text,
  scope          text,              -- instrumentation scope name
  attributes     jsonb,             -- NULL when empty
  events         jsonb,             -- [{"timeNs":..,"name":..,"attributes":{..}}], NULL when none
  links          jsonb              -- [{"traceId":hex,"spanId":hex,"attributes":{..}}], NULL when none
) PARTITION BY RANGE (start_ns);

CREATE INDEX spans_trace_id ON spans (trace_id);
CREATE INDEX spans_service_start ON spans (service, start_ns);

CREATE TABLE log_records (
  time_ns         bigint   NOT NULL,
  resource_id     bigint   NOT NULL,
  severity_number smallint NOT NULL,
  trace_id        bytea,
  span_id         bytea,
  service         text     NOT NULL,
  severity_text   text,
  body            text,             -- string bodies as is, other AnyValues as JSON
  scope           text,
  attributes      jsonb
) PARTITION BY RANGE (time_ns);

CREATE INDEX log_records_service_time ON log_records (service, time_ns);
CREATE INDEX log_records_trace_id ON log_records (trace_id) WHERE trace_id IS NOT NULL;

CREATE TABLE metric_points (
  time_ns     bigint NOT NULL,
  start_ns    bigint,
  resource_id bigint NOT NULL,
  value       double precision,     -- gauge and sum points
  count       bigint,               -- histogram points
  sum         double precision,     -- histogram points
  type        text   NOT NULL CHECK (type IN ('gauge', 'sum', 'histogram')),
  monotonic   boolean,              -- sum points
  service     text   NOT NULL,
  name        text   NOT NULL,
  unit        text,
  bounds      double precision[],   -- histogram explicit bounds
  counts      bigint[],             -- histogram bucket counts (bounds + 1)
  attributes  jsonb
) PARTITION BY RANGE (time_ns);

CREATE INDEX metric_points_name_service_time ON metric_points (name, service, time_ns);

-- Per-minute RED rollups per service and operation, from SERVER/CONSUMER spans and root spans.
-- buckets counts durations in the fixed log-scale buckets of dev.vigil.collector.model.LatencyBuckets
-- (upper bound of bucket i = 1 µs * 2^(i/2), last bucket unbounded).
CREATE TABLE operation_minutes (
  minute_ns       bigint   NOT NULL,
  requests        bigint   NOT NULL,
  errors          bigint   NOT NULL,
  duration_sum_ns bigint   NOT NULL,
  service         text     NOT NULL,
  operation       text     NOT NULL,
  buckets         bigint[] NOT NULL,
  PRIMARY KEY (service, operation, minute_ns)
) PARTITION BY RANGE (minute_ns);

-- Per-minute dependency edges. callee_type: service, database, messaging or address (an
-- uninstrumented peer known only by server.address).
CREATE TABLE dependency_minutes (
  minute_ns       bigint   NOT NULL,
  calls           bigint   NOT NULL,
  errors          bigint   NOT NULL,
  duration_sum_ns bigint   NOT NULL,
  caller          text     NOT NULL,
  callee          text     NOT NULL,
  callee_type     text     NOT NULL,
  buckets         bigint[] NOT NULL,
  PRIMARY KEY (caller, callee, minute_ns)
) PARTITION BY RANGE (minute_ns);
