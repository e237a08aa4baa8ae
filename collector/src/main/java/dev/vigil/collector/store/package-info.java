/**
 * PostgreSQL storage: schema and partitions, the transactional batch writer, and the read-side
 * repositories the query API uses.
 */
@NullMarked
package dev.vigil.collector.store;

import org.jspecify.annotations.NullMarked;
