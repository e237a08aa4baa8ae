package dev.vigil.collector.store;

/** A service's RED over a window, from its SERVER/CONSUMER and root spans. */
public record ServiceSummary(String service, Red red) {}
