package dev.vigil.collector.store;

/** One step of a RED time series; {@code startNs} is the step's start (epoch nanoseconds). */
public record RedPoint(long startNs, Red red) {}
