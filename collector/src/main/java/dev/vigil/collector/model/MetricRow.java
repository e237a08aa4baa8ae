package dev.vigil.collector.model;

import org.jspecify.annotations.Nullable;

/**
 * One validated metric data point ready to be written to {@code metric_points}.
 *
 * @param type {@code gauge}, {@code sum} or {@code histogram}
 */
public record MetricRow(
    long timeNs,
    @Nullable Long startNs,
    long resourceId,
    @Nullable Double value,
    @Nullable Long count,
    @Nullable Double sum,
    String type,
    @Nullable Boolean monotonic,
    String service,
    String name,
    @Nullable String unit,
    double @Nullable [] bounds,
    long @Nullable [] counts,
    @Nullable String attributesJson) {
  public static final String GAUGE = "gauge";
  public static final String SUM = "sum";
  public static final String HISTOGRAM = "histogram";
}
