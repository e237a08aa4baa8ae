/**
 * The write path between the endpoint and the store: group commit, ingest-time rollups and the
 * collector's metrics.
 */
@NullMarked
package dev.vigil.collector.ingest;

import org.jspecify.annotations.NullMarked;
