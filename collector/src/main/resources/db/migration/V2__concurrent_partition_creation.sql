-- An advisory lock does not refresh the catalog snapshot, so after waiting for another collector
-- that just created the same partition, to_regclass can still miss it. Treat "already exists" as
-- success instead.
CREATE OR REPLACE FUNCTION vigil_ensure_partition(parent text, day date) RETURNS boolean
  LANGUAGE plpgsql AS $$
DECLARE
  child text := parent || '_' || to_char(day, 'YYYYMMDD');
BEGIN
  IF to_regclass(child) IS NOT NULL THEN
    RETURN false;
  END IF;
  PERFORM pg_advisory_xact_lock(hashtext('vigil_partitions'));
  BEGIN
    EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%s) TO (%s)',
                   child, parent, vigil_day_start_ns(day), vigil_day_start_ns(day + 1));
  EXCEPTION WHEN duplicate_table OR unique_violation THEN
    RETURN false;
  END;
  RETURN true;
END $$;
