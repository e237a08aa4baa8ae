package dev.vigil.collector.store;

import org.jspecify.annotations.Nullable;

/**
 * One stored metric data point. Gauge and sum points carry {@code value}; histogram points carry
 * {@code count}, {@code sum}, {@code bounds} and {@code counts} (one more count than bounds).
 * {@code instance} is the resource attribute {@code service.instance.id}, null when the exporter
 * did not set it.
 */
public record MetricPoint(
    long timeNs,
    String service,
    @Nullable String instance,
    String name,
    String type,
    @Nullable String unit,
    @Nullable Double value,
    @Nullable Long count,
    @Nullable Double sum,
    double[] bounds,
    long[] counts,
    String attributesJson) {}
