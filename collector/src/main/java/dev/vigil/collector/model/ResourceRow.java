package dev.vigil.collector.model;

/** A resource stored once and referenced by {@code resourceId} from every row it produced. */
public record ResourceRow(
    long resourceId, long firstSeenNs, String service, String attributesJson) {}
