/**
 * Rows and aggregates passed from conversion to storage, and the fixed latency buckets of the
 * rollups.
 */
@NullMarked
package dev.vigil.collector.model;

import org.jspecify.annotations.NullMarked;
