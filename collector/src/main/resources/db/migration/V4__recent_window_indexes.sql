-- The console reads recent windows: the last minutes of every service and dependency edge, and the
-- newest traces matching a search (TraceRepository searches backwards in growing time slices).
--
-- The rollup tables get a plain index on their minute; they hold a few rows per operation or edge
-- and minute, so the index costs ingest almost nothing. The spans table gets a BRIN index on its
-- start time instead of a B-tree: spans arrive roughly in time order, so one summary per 128 pages
-- (288 kB for 10 million spans) narrows a time slice to a few pages without a B-tree's 20-odd
-- bytes and page writes per span. autosummarize asks autovacuum to summarize each range as it
-- fills; autovacuum can drop such requests when busy, and an unsummarized range is read by every
-- slice, so brin_summarize_new_values catches up on the ranges it missed.
CREATE INDEX operation_minutes_minute ON operation_minutes (minute_ns);
CREATE INDEX dependency_minutes_minute ON dependency_minutes (minute_ns);
CREATE INDEX spans_start_ns_brin ON spans USING brin (start_ns) WITH (autosummarize = on);
